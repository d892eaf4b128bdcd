"""The ``timeline`` command: extract, ingest, serve, export, plugins, openapi.

Every failure ends with a non-zero exit and one line on stderr saying why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from timeline.export import csv_chunks, entry_table_chunks, ndjson_chunks, timelinejs_document
from timeline.html import UnreadablePage, looks_like_html
from timeline.models import Event, Page
from timeline.query import DEFAULT_STATUSES, BadFilter, BadInput, build_filter, check_url, parse_published
from timeline.settings import Settings

if TYPE_CHECKING:
    from timeline.ingest import PageSpec

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"} | HTML_SUFFIXES
DEFAULT_OPENAPI = Path("openapi/openapi.json")


class CliError(Exception):
    """A problem with the command's input; printed as one line, exit status 2."""


# -- reading input ----------------------------------------------------------------------


def _date(value: str | None, what: str) -> dt.date | None:
    try:
        return parse_published(None if value is None else str(value), what)
    except BadInput as exc:
        raise CliError(str(exc)) from None


def _url(value: object, what: str) -> str | None:
    try:
        return check_url(None if value is None else str(value), what)
    except BadInput as exc:
        raise CliError(str(exc)) from None


def read_page(path: str, published: dt.date | None = None, url: str | None = None,
              outlet: str | None = None) -> Page:  # fmt: skip
    """A page from a file path, or from stdin for ``-``."""
    if path == "-":
        content, name = sys.stdin.read(), "stdin"
    else:
        p = Path(path)
        if not p.is_file():
            raise CliError(f"{path}: no such file")
        raw = p.read_bytes()
        if b"\x00" in raw[:4096]:
            raise CliError(f"{path}: binary file, not an article")
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError:
            content = raw.decode("latin-1")
        name = p.name
    is_html = Path(path).suffix.lower() in HTML_SUFFIXES or looks_like_html(content)
    return Page(content=content, content_type="html" if is_html else "text", url=url, outlet=outlet,
                published=published, file=name)  # fmt: skip


def _expand(paths: Sequence[str]) -> list[str]:
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out += sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES)
        else:
            out.append(path)
    return out


def read_manifest(path: str) -> list[Page]:
    """Pages listed in a JSON Lines manifest; file paths are relative to the manifest."""
    mf = Path(path)
    if not mf.is_file():
        raise CliError(f"{path}: no such manifest")
    pages = []
    for n, line in enumerate(mf.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            file = entry["file"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise CliError(f"{path}:{n}: each line must be a JSON object with a 'file'") from None
        page = read_page(str(mf.parent / file), _date(entry.get("published"), f"{path}:{n}: published"),
                         _url(entry.get("url"), f"{path}:{n}: url"), entry.get("outlet"))  # fmt: skip
        pages.append(msgspec.structs.replace(page, file=file))
    return pages


def gather_pages(args: argparse.Namespace) -> list[Page]:
    pages = read_manifest(args.manifest) if args.manifest else []
    published = _date(args.published, "--published")
    url = _url(args.url, "--url")
    pages += [read_page(p, published, url, args.outlet) for p in _expand(args.paths)]
    if not pages:
        raise CliError("no input: name files, a directory, '-' for stdin, or --manifest")
    return pages


# -- commands ---------------------------------------------------------------------------


def _pipeline(settings: Settings):  # type: ignore[no-untyped-def]
    from timeline.pipeline import Pipeline

    return Pipeline(settings)


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    pages = gather_pages(args)
    statuses = set(build_filter(status=args.status).statuses)
    from timeline.consolidate import per_page

    results = _pipeline(settings).process(pages)
    events: list[Event] = []
    for page in results:
        found = [e for r in page for e in r.events if e.status in statuses]
        # a page split into several articles tells each happening once, as the timeline would show it
        events += found if args.per_article else sorted(per_page(found), key=lambda e: (e.article, e.evidence_start))
    _write(events, args.format, sys.stdout)
    return 0


def open_store(settings: Settings, revision: str = "head"):  # type: ignore[no-untyped-def]
    """The store, migrated to ``revision`` (a database from before migrations is stamped, then upgraded)."""
    import sqlalchemy as sa

    from timeline.store import Store, StoreError, migrations

    store = Store(settings.database_url)
    try:
        if revision == "head":
            store.create_schema()  # one writer at a time, retried while another process does it
        else:
            migrations.upgrade(store.engine, revision)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the database {store.engine.url!r}: {_one_line(exc.orig)}") from None
    return store


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """``db upgrade``: migrate to the newest (or a named) revision; ``db current``: where the database is."""
    import sqlalchemy as sa

    from timeline.store import Store, StoreError, migrations

    if args.action == "upgrade":
        store = open_store(settings, args.revision)
        print(f"database at revision {migrations.current(store.engine)} (head {migrations.head()})", file=sys.stderr)
        return 0
    store = Store(settings.database_url)
    try:
        rev = migrations.current(store.engine)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the database {store.engine.url!r}: {_one_line(exc.orig)}") from None
    head = migrations.head()
    print(f"{rev or 'none'} ({'head' if rev == head else f'head is {head}'})")
    # scripts can tell a database that needs `timeline db upgrade` by the exit status
    return 0 if rev == head else 1


def ingest_specs(args: argparse.Namespace) -> list[PageSpec]:
    """What ``ingest`` should read: manifest lines and named files, not read yet (workers read them)."""
    from timeline.ingest import PageSpec, specs_from

    specs: list[PageSpec] = []
    if args.manifest:
        mf = Path(args.manifest)
        if not mf.is_file():
            raise CliError(f"{args.manifest}: no such manifest")
        for n, line in enumerate(mf.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                file = entry["file"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise CliError(f"{args.manifest}:{n}: each line must be a JSON object with a 'file'") from None
            published = _date(entry.get("published"), f"{args.manifest}:{n}: published")
            day = published.isoformat() if published else None
            specs.append(PageSpec(name=file, path=str(mf.parent / file), url=entry.get("url"),
                                  outlet=entry.get("outlet"), published=day))  # fmt: skip
    published = _date(args.published, "--published")
    specs += specs_from(_expand(args.paths), published.isoformat() if published else None, args.url, args.outlet)
    if not specs:
        raise CliError("no input: name files, a directory, '-' for stdin, or --manifest")
    return specs


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    from timeline.ingest import Ingest, default_jobs

    if args.jobs is not None and args.jobs < 1:
        raise CliError("--jobs must be at least 1")
    specs = ingest_specs(args)
    store = open_store(settings)
    bar = tqdm(total=len(specs), unit="page", disable=args.quiet or len(specs) < 5, file=sys.stderr)
    run = Ingest(store, settings, report_line=lambda line: bar.write(line, file=sys.stderr))
    try:
        if args.dask:
            run.run_dask(specs, args.dask, progress=bar.update)
        else:
            run.run(specs, jobs=args.jobs or default_jobs(), progress=bar.update)
    except BrokenProcessPool as exc:
        raise CliError(f"an extraction process died ({exc}); pages written so far are kept, re-run to go on") from None
    finally:
        bar.close()
    print(run.report.summary(store.counts()), file=sys.stderr)
    # unreadable pages do not stop the run, but the exit status says some were left out
    return 1 if run.report.failed else 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    workers = args.workers
    if workers < 1:
        raise CliError("--workers must be at least 1")
    host, port = args.host or settings.host, args.port or settings.port
    if workers > 1 and not settings.database_url.startswith(("postgresql", "postgres:")):
        raise CliError(f"--workers {workers} needs PostgreSQL (TIMELINE_DATABASE_URL=postgresql://...): "
                       "SQLite takes one writer at a time, so it is served by one process")  # fmt: skip
    # migrate once here, before any worker starts, so workers never race to create tables
    open_store(settings)
    if workers == 1:
        from timeline.web.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, access_log=not args.no_access_log)
    else:
        # each worker process imports the app factory and builds its own engine and pipeline from the
        # environment (TIMELINE_*), which is where ``settings`` came from
        uvicorn.run("timeline.web.app:create_app", factory=True, workers=workers, host=host, port=port,
                    access_log=not args.no_access_log)  # fmt: skip
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from timeline.store import Store

    f = build_filter(start=args.start, end=args.end, types=args.type, status=args.status, actor=args.actor,
                     agent=args.agent, target=args.target, outlet=args.outlet, q=args.q, sort=args.sort,
                     min_confidence=args.min_confidence)  # fmt: skip
    store = Store(settings.database_url)
    store.create_schema()
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.mentions:
            if args.format == "timelinejs":
                raise CliError("--format timelinejs exports timeline entries; drop --mentions")
            _write(store.iter_events(f), args.format, out)
        elif args.format == "timelinejs":
            out.write(json.dumps(timelinejs_document(store.iter_entries(f)), ensure_ascii=False) + "\n")
        elif args.format == "csv":
            for chunk in entry_table_chunks(store.iter_entry_table(f)):
                out.write(chunk)
        else:
            for line in ndjson_chunks(store.iter_entries(f)):
                out.write(line.decode())
    finally:
        if args.output:
            out.close()
    return 0


def cmd_plugins(args: argparse.Namespace, settings: Settings) -> int:
    from timeline.plugins import PluginRegistry

    infos = PluginRegistry.from_entry_points(settings.disabled_plugins).infos()
    if args.json:
        print(msgspec.json.encode(infos).decode())
        return 0
    for info in infos:
        line = f"{info.name:20} {info.status:9} {info.module or ''}"
        print(line + (f"  ({info.error})" if info.error else ""))
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from timeline import auth

    if not settings.token_file:
        raise CliError("TIMELINE_TOKEN_FILE is empty: there is no token file to manage")
    path = Path(settings.token_file)
    try:
        if args.action == "create":
            name = args.name or f"token-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}"
            token = auth.create(path, name, "read" if args.read_only else "write", replace=args.replace)
            print(token)
            print(f"created {'read-only' if args.read_only else 'write'} token {name!r} in {path}; "
                  "it is shown only now: send it as 'Authorization: Bearer <token>'", file=sys.stderr)  # fmt: skip
        elif args.action == "list":
            for r in auth.read_file(path):
                print(f"{r.name:24} {r.scope:6} {r.sha256[:12]}  {r.created}")
        else:
            if not args.name:
                raise CliError("timeline token revoke needs --name (a token's name or hash prefix)")
            gone = auth.revoke(path, args.name)
            print(f"revoked token {gone.name!r} ({gone.sha256[:12]})", file=sys.stderr)
    except auth.TokenError as exc:
        raise CliError(str(exc)) from None
    return 0


def openapi_document(settings: Settings) -> str:
    """The OpenAPI document the app generates, as stable pretty JSON."""
    from timeline.store import Store
    from timeline.web.app import create_app

    app = create_app(settings, store=Store("sqlite://"), pipeline=_pipeline(settings))
    return json.dumps(app.openapi_schema.to_schema(), indent=2, sort_keys=True) + "\n"


def cmd_openapi(args: argparse.Namespace, settings: Settings) -> int:
    doc = openapi_document(settings)
    target = Path(args.output)
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != doc:
            raise CliError(f"{target} is out of date; run: timeline openapi")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(doc, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


def _write(events: Iterator[Event] | list[Event], fmt: str, out) -> None:  # type: ignore[no-untyped-def]
    if fmt == "csv":
        for chunk in csv_chunks(events):
            out.write(chunk)
    else:
        for line in ndjson_chunks(events):
            out.write(line.decode())
    out.flush()


# -- argument parsing -------------------------------------------------------------------


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="article files or directories ('-' reads stdin)")
    p.add_argument("--manifest", help='JSON Lines: {"file", "published", "url", "outlet"} per article')
    p.add_argument("--published", help="publication date of the named files (YYYY-MM-DD)")
    p.add_argument("--url", help="URL of the named files")
    p.add_argument("--outlet", help="outlet of the named files")


def _filters(p: argparse.ArgumentParser) -> None:
    for name in ("start", "end", "q"):
        p.add_argument(f"--{name}")
    for name in ("type", "actor", "agent", "target", "outlet"):
        p.add_argument(f"--{name}", action="append")
    p.add_argument("--sort", default="asc", choices=["asc", "desc"])
    p.add_argument("--min-confidence", type=float)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="timeline", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="print the events found in articles, without storing them")
    _inputs(p)
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument(
        "--status",
        action="append",
        help=f"statuses to print (default {','.join(DEFAULT_STATUSES)}; 'all' for every one)",
    )
    p.add_argument(
        "--per-article",
        action="store_true",
        help="one line per article's mention, even when several articles of a page tell the same event",
    )
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="store articles and their events")
    _inputs(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--jobs", "-j", type=int, help="worker processes for extraction (default: one per core)")
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="extract on a Dask cluster: tcp://host:8786, or 'local' for a cluster on this machine",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("serve", help="run the REST API")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (PostgreSQL only; SQLite is served by one process)")  # fmt: skip
    p.add_argument("--no-access-log", action="store_true", help="no line per request (the proxy logs them)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("db", help="database migrations: upgrade to the newest schema, or show the current one")
    p.add_argument("action", choices=["upgrade", "current"])
    p.add_argument("--revision", default="head", help="revision to upgrade to (default: head)")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("export", help="write the timeline (one row per entry) as CSV, JSON Lines or TimelineJS")
    p.add_argument("--format", choices=["csv", "jsonl", "timelinejs"], default="csv")
    p.add_argument("--mentions", action="store_true", help="export raw mentions (one per article) instead")
    p.add_argument("--output", "-o", help="file to write (default stdout)")
    p.add_argument("--status", action="append")
    _filters(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("plugins", help="list extractor plugins")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser("token", help="create, list or revoke API tokens (kept hashed in TIMELINE_TOKEN_FILE)")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("--name", help="the token's name (create, revoke); revoke also takes a hash prefix")
    p.add_argument("--read-only", action="store_true", help="create a token that may read but not write")
    p.add_argument("--replace", action="store_true", help="create: replace a token of the same name")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("openapi", help="write (or --check) the OpenAPI document")
    p.add_argument("--output", default=str(DEFAULT_OPENAPI))
    p.add_argument("--check", action="store_true", help="fail when the committed document is out of date")
    p.set_defaults(func=cmd_openapi)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(args, settings))
    except (CliError, BadFilter, UnreadablePage, ValueError) as exc:
        print(f"timeline: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the one line the user sees; the traceback is for --debug runs
        from timeline.extract.nlp import ModelNotInstalled
        from timeline.store import StoreError

        if isinstance(exc, ModelNotInstalled | StoreError):
            print(f"timeline: error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
