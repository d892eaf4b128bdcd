"""The store: articles, events and timeline entries in SQL (SQLite by default, PostgreSQL by URL)."""

from timeline.store.sql import EntryPage, EventPage, Store, StoreError, normalise_url, sort_key

__all__ = ["EntryPage", "EventPage", "Store", "StoreError", "normalise_url", "sort_key"]
