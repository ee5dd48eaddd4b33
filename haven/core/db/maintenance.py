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
        elif thorough:
            cursor.execute("ANALYZE")
