"""Helpers shared by the test suites."""

from django.db import connection


def audit_append_queries() -> int:
    """Statements one audit event costs: one on PostgreSQL (see ``audit.services``); on
    SQLite five, a locked read, insert and update in their own transaction."""
    return 1 if connection.vendor == "postgresql" else 5
