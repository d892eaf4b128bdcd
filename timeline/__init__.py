"""timeline: diplomatic events from news articles, dated and attributed, served as a queryable timeline."""

__version__ = "0.1.0"
