"""Keeping the query planner's statistics fresh.

PostgreSQL's autovacuum analyses tables by itself. SQLite does not: without statistics its
planner can prefer a poor index (e.g. scan every person in an organisation instead of
looking a few up by key), so the job worker runs ``PRAGMA optimize`` now and then, with an
analysis limit that keeps it quick on large tables.
"""

from django.db import connection


def refresh_statistics(*, thorough: bool = False) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if thorough:
                cursor.execute("ANALYZE")
            else:
                cursor.execute("PRAGMA analysis_limit=1000")
                cursor.execute("PRAGMA optimize")
        elif thorough and not connection.in_atomic_block:
            # After a bulk load: VACUUM also sets the visibility map, without which every
            # index-only scan visits the table as well, as a live database's never would.
            cursor.execute("VACUUM (ANALYZE)")
        elif thorough:
            cursor.execute("ANALYZE")


def analyse_after_bulk_load(models) -> None:
    """Refresh statistics on the tables a benchmark has just filled, as autovacuum would soon
    after, so the plans timed are the ones a live database gets. On PostgreSQL a VACUUM also
    sets the visibility map that index-only scans rely on, but it cannot run inside a
    transaction (a test's, say), where a plain ANALYZE has to do."""
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
        elif connection.in_atomic_block:
            cursor.execute(f"ANALYZE {tables}")
        else:
            cursor.execute(f"VACUUM ANALYZE {tables}")
