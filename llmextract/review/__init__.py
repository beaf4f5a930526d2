"""Settling flags by hand: decisions kept in an append-only SQLite trail (``decisions``), merged
with the run (``state``), made through ``actions`` from the page (``server``) or the CLI."""
