"""Append-only tables: the database itself refuses UPDATE and DELETE.

Used for records that must never be rewritten (the audit trail first). The refusal lives in
database triggers so that no code path — a shell, a bug, a careless migration — can change
history quietly; the audit hash chain then catches anyone who goes round the triggers.

TRUNCATE (PostgreSQL) and dropping the table remain possible: they are schema-level acts
that the application's database role should not be granted in production.
"""

from __future__ import annotations

from django.db import migrations

MESSAGE = "rows in this table are append-only"


def trigger_names(table: str) -> tuple[str, str]:
    return (f"append_only_{table}_update", f"append_only_{table}_delete")


def sqlite_create(table: str) -> list[str]:
    update, delete = trigger_names(table)
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{update}" BEFORE UPDATE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f'CREATE TRIGGER IF NOT EXISTS "{delete}" BEFORE DELETE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def sqlite_drop(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{name}"' for name in trigger_names(table)]


def postgresql_create(table: str) -> list[str]:
    update, _ = trigger_names(table)
    return [
        "CREATE OR REPLACE FUNCTION haven_refuse_change() RETURNS trigger AS $$ "
        # No "%" placeholders here: the SQL passes through the driver's parameter parsing.
        f"BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ': {MESSAGE}'; END; "
        "$$ LANGUAGE plpgsql",
        f'CREATE TRIGGER "{update}" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION haven_refuse_change()",
    ]


def postgresql_drop(table: str) -> list[str]:
    update, _ = trigger_names(table)
    return [f'DROP TRIGGER IF EXISTS "{update}" ON "{table}"']


def create_sql(vendor: str, table: str) -> list[str]:
    return {"sqlite": sqlite_create, "postgresql": postgresql_create}[vendor](table)


def drop_sql(vendor: str, table: str) -> list[str]:
    return {"sqlite": sqlite_drop, "postgresql": postgresql_drop}[vendor](table)


class MakeAppendOnly(migrations.operations.base.Operation):
    """Migration operation: add the refusing triggers to a model's table."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in create_sql(schema_editor.connection.vendor, self._table(app_label, to_state)):
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in drop_sql(schema_editor.connection.vendor, self._table(app_label, from_state)):
            schema_editor.execute(sql)

    def describe(self):
        return f"Make {self.model_name} append-only"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})
