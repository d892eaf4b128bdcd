"""Finding events in article text: sentences, triggers, actors, roles, dates and status (spaCy + dateparser).

Nothing here knows about the web or a database, so it runs as a library or in batch workers.
"""
