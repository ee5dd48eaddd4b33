"""Django's SQLite backend, with flushes that respect append-only tables.

``flush`` (used between transactional tests, and by an operator wiping a database) empties
every table with DELETE, which the append-only triggers refuse. Wiping the whole database is
not rewriting history, so a flush lifts the triggers for its own statements and puts them
back. Nothing else in the application ever flushes.
"""

from django.db.backends.sqlite3 import base, features, operations
from django.utils.functional import cached_property

from haven.core.db import append_only


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'append_only_%'"
            )
            protected = {row[0] for row in cursor.fetchall()} & set(tables)
        if not protected:
            return statements
        before = [sql for table in protected for sql in append_only.sqlite_drop(table)]
        after = [sql for table in protected for sql in append_only.sqlite_create(table)]
        return [*before, *statements, *after]


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self):
        # Django assumes SQLite's old limit of 999 bound values; modern builds allow far more,
        # and bulk inserts (imports, generated data) are much faster with bigger batches.
        import sqlite3

        with self.connection.cursor() as cursor:
            limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(999, min(limit, 32766))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    features_class = DatabaseFeatures
