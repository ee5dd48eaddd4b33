"""Fast bulk inserts for generated data: COPY on PostgreSQL, executemany on SQLite.

The ORM's ``bulk_create`` spends most of its time building SQL for every value; for millions
of rows we give the driver plain tuples instead. Values are converted exactly as Django
would store them (dates, datetimes and JSON through the backend's own adapters), so the
rows read back through the ORM like any others.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter

from django.db import connection, models


class Table:
    """Column order and value converters for one model's table."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.names = [f.attname for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null or isinstance(f, models.AutoField):
                self.defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField):
                self.defaults[f.attname] = ""
        ops = connection.ops
        pg = connection.vendor == "postgresql"
        self.converters = []
        for f in self.fields:
            if isinstance(f, models.JSONField):
                self.converters.append(lambda v: None if v is None else json.dumps(v))
            # Generated rows share a handful of timestamps: convert each once.
            elif isinstance(f, models.DateTimeField) and not pg:
                self.converters.append(lru_cache(maxsize=8192)(ops.adapt_datetimefield_value))
            elif isinstance(f, models.DateField) and not pg:
                self.converters.append(lru_cache(maxsize=65536)(ops.adapt_datefield_value))
            else:
                self.converters.append(None)

    def without_pk(self) -> Table:
        """The same table, letting the database number the rows."""
        other = object.__new__(Table)
        other.__dict__.update(self.__dict__)
        keep = [i for i, f in enumerate(self.fields) if not f.primary_key]
        other.fields = [self.fields[i] for i in keep]
        other.columns = [self.columns[i] for i in keep]
        other.names = [self.names[i] for i in keep]
        other.converters = [self.converters[i] for i in keep]
        return other

    def row(self, values: dict) -> tuple:
        merged = {**self.defaults, **values}
        out = []
        for name, convert in zip(self.names, self.converters, strict=True):
            value = merged[name]
            out.append(convert(value) if convert is not None and value is not None else value)
        return tuple(out)


_TABLES: dict[tuple[type, bool], Table] = {}


def table(model, *, with_pk: bool) -> Table:
    if (model, with_pk) not in _TABLES:
        full = Table(model)
        _TABLES[(model, with_pk)] = full if with_pk else full.without_pk()
    return _TABLES[(model, with_pk)]


def insert(model, rows: list[dict]) -> int:
    """Insert dict rows (keys are field attnames). Give "id" in every row or in none."""
    if not rows:
        return 0
    spec = table(model, with_pk="id" in rows[0])
    tuples = _tuples(model, spec, rows)
    name = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in spec.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                for values in tuples:
                    copy.write_row(values)
        else:
            marks = ", ".join(["%s"] * len(spec.columns))
            cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", tuples)  # noqa: S608
    return len(tuples)


def _tuples(model, spec: Table, rows: list[dict]) -> list[tuple]:
    """Rows as tuples in column order. When every row has the first row's keys they go
    through one ``Layout`` (C-speed); otherwise each is merged with the defaults."""
    keys = tuple(rows[0])
    width = len(keys)
    pick = itemgetter(*keys) if width > 1 else (lambda row: (row[keys[0]],))
    values = []
    for row in rows:
        if len(row) != width:
            return [spec.row(r) for r in rows]
        try:
            values.append(pick(row))
        except KeyError:
            return [spec.row(r) for r in rows]
    return Layout(model, keys).tuples(values)


def next_ids(model, count: int) -> range:
    """Reserve ``count`` primary keys above the current highest (the generator runs alone)."""
    top = model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
    return range(top + 1, top + 1 + count)


def reset_sequences(*models_) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite does this itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table_name = model._meta.db_table
            quoted = connection.ops.quote_name(table_name)
            top = f"(SELECT MAX(id) FROM {quoted})"  # noqa: S608  (our own table's name)
            sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE({top}, 1))"
            cursor.execute(sql, [table_name])


class Layout:
    """Rows of one model given as short tuples: the columns that vary, in a chosen order.

    Every other column takes a value fixed for the batch (or the field's default). Building a
    whole row is then one tuple concatenation and one ``itemgetter`` call, both in C, which
    is what lets the generator keep up with COPY for tens of millions of rows.
    """

    def __init__(self, model, varying: tuple[str, ...], fixed: dict | None = None):
        spec = table(model, with_pk="id" in varying)
        names = set(spec.names)
        unknown = (set(varying) | set(fixed or {})) - names
        if unknown:
            raise ValueError(f"{model.__name__} has no column(s) {sorted(unknown)}")
        merged = {**spec.defaults, **(fixed or {})}
        constants, index = [], []
        self.convert = []
        for name, convert in zip(spec.names, spec.converters, strict=True):
            if name in varying:
                position = varying.index(name)
                index.append(position)
                if convert is not None:
                    self.convert.append((position, convert))
            else:
                if name not in merged:
                    raise ValueError(f"{model.__name__}.{name} needs a value")
                value = merged[name]
                if convert is not None and value is not None:
                    value = convert(value)
                index.append(len(varying) + len(constants))
                constants.append(value)
        self.model, self.spec, self.width = model, spec, len(varying)
        self.constants = tuple(constants)
        self.pick = itemgetter(*index)

    def tuples(self, rows: list[tuple]):
        constants, pick = self.constants, self.pick
        if not self.convert:
            return [pick(row + constants) for row in rows]
        out = []
        for row in rows:
            values = list(row)
            for position, convert in self.convert:
                if values[position] is not None:
                    values[position] = convert(values[position])
            out.append(pick(tuple(values) + constants))
        return out


def insert_rows(layout: Layout, rows: list[tuple]) -> int:
    """Insert short tuples laid out by ``layout`` (see ``Layout``)."""
    if not rows:
        return 0
    spec, model = layout.spec, layout.model
    name = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in spec.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                constants, pick = layout.constants, layout.pick
                if layout.convert:
                    for values in layout.tuples(rows):
                        copy.write_row(values)
                else:
                    for row in rows:
                        copy.write_row(pick(row + constants))
        else:
            marks = ", ".join(["%s"] * len(spec.columns))
            sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, layout.tuples(rows))
    return len(rows)


def defer_foreign_key_checks() -> bool:
    """Inside the current transaction, skip PostgreSQL's row-by-row foreign-key triggers.

    Each row a COPY writes queues one trigger per foreign key, fired one by one at commit;
    for tens of millions of rows that is most of the load's time. As PostgreSQL's guide to
    populating a database advises, the checks are instead made once, set-based, when the
    load ends (``check_foreign_keys``). Needs a superuser (the generator's own database);
    without one, or on SQLite, nothing changes and the usual checks run. Returns whether the
    checks were deferred.
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def check_foreign_keys(models_) -> None:
    """Prove every foreign key of ``models_``' tables points at a row: one anti-join per key.

    Raises ``IntegrityError`` naming the first column with a dangling reference."""
    from django.db import IntegrityError

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            for field in model._meta.concrete_fields:
                if not (field.many_to_one and field.db_constraint):
                    continue
                target = field.target_field
                child, column = quote(model._meta.db_table), quote(field.column)
                parent = quote(target.model._meta.db_table)
                sql = (
                    f"SELECT COUNT(*) FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608
                    f"(SELECT 1 FROM {parent} p WHERE p.{quote(target.column)} = c.{column})"
                )
                cursor.execute(sql)
                missing = cursor.fetchone()[0]
                if missing:
                    raise IntegrityError(
                        f"{missing} rows of {model._meta.db_table}.{field.column} point at no "
                        f"row of {target.model._meta.db_table}."
                    )


@contextmanager
def indexes_built_after(models_, report=lambda message: None):
    """On PostgreSQL, drop the plain indexes of ``models_``' tables for the load and build
    them again once it ends, each in one sorted pass.

    Keeping a dozen B-trees up to date row by row is most of what a COPY costs (a service
    delivery row has eleven); building an index from the finished table is several times
    cheaper, as PostgreSQL's guide to populating a database says. Indexes that back a
    constraint (primary keys, unique constraints) stay, so every rule the database keeps is
    kept during the load. The indexes are rebuilt even if the load fails.
    """
    if connection.vendor != "postgresql":
        yield
        return
    dropped = []
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM "
                "pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                "quote_ident(i.indexname))::regclass)",
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                dropped.append((name, definition))
    try:
        yield
    finally:
        report(f"Building {len(dropped)} indexes…")
        with connection.cursor() as cursor:
            for _name, definition in dropped:
                cursor.execute(definition)
