from haven.people.tests.conftest import add_person  # noqa: F401  (shared fixture)
