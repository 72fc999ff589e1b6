"""Helpers the tests import: answer sets, app and browser drivers, receivers, a throwaway
PostgreSQL cluster. Fixtures live in conftest.py files; everything a test imports lives here."""
