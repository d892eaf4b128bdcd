"""The store: articles, events and timeline entries in SQL (SQLite by default, PostgreSQL by URL)."""

# pages registers its table on the shared metadata, so create_all and the migrations see it
from timeline.store import pages as pages
from timeline.store.sql import EntryPage, EventPage, Store, StoreError, normalise_url, sort_key

__all__ = ["EntryPage", "EventPage", "Store", "StoreError", "normalise_url", "pages", "sort_key"]
