"""The ``ropagraph`` command line: a small CLI over the library in graph/ and loaders/.

Exit codes: 0 ok, 1 invalid record / refused or failed query, 2 usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.cli import output
from graph.cli.output import ProblemFormat, ResultFormat, print_problems
from graph.gcpause import gc_paused
from graph.model import Record
from graph.queries import CATALOG, get_query
from graph.stores import (
    EmbeddedStore,
    GraphStore,
    LoadReport,
    QueryResult,
    StoreError,
    open_graph_store,
)
from graph.stores.embedded import check_store_path
from graph.stores.readonly import WriteRefused
from graph.stores.sandbox import (
    DEFAULT_ROW_CAP,
    Limits,
    check_row_cap,
    check_timeout,
    run_user_query,
)
from graph.tables import build_tables
from loaders import RecordInvalid, content_hash, skipped_files
from loaders.cached_record import parse_cache_for, parse_record_cached
from loaders.table_cache import tables_from_fragments

app = typer.Typer(
    name="ropagraph",
    help="A knowledge graph of your organisation's personal-data processing (GDPR Art 30).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

RecordArg = Annotated[
    Path, typer.Argument(help="The record: a YAML file or a folder of YAML files.")
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Embedded store file (default: $ROPAGRAPH_DB or the user data folder).",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print a JSON list of objects keyed by column name.")
]
FormatOpt = Annotated[
    ResultFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table (default), json, csv or tsv. Tables never wrap ids; in a pipe they are "
        "printed at full width.",
        show_default=False,
    ),
]
StoreOpt = Annotated[
    str,
    typer.Option(
        "--store",
        help="Which store to query: 'embedded' (default) or 'neo4j' (uses NEO4J_* variables).",
    ),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def report_invalid(exc: RecordInvalid, fmt: ProblemFormat = ProblemFormat.auto) -> typer.Exit:
    """Every problem on stderr: FILE:LINE:COL lines when it is not a terminal, else a table."""
    print_problems(exc.problems, sys.stderr, fmt)
    return typer.Exit(1)


def warn_skipped(path: Path) -> None:
    """Say which files of a record folder were left out (hidden, links outside, …)."""
    for skipped in skipped_files(path):
        warning = f"[yellow]warning:[/] {skipped.where()}: {skipped.message}"
        err.print(warning, highlight=False, soft_wrap=True)


def read_record(path: Path, cache: Path | None = None) -> Record:
    """The validated record (fast parser where exact; ``cache``: a per-file parse cache)."""
    warn_skipped(path)
    try:  # the fast parser where it reads exactly as PyYAML; the same located errors
        return parse_record_cached(path, cache)[0]
    except RecordInvalid as exc:
        raise report_invalid(exc) from None


ImportResult = TypeVar("ImportResult")


def imported(out: Path, run: Callable[[], ImportResult]) -> ImportResult:
    """Run one importer (ICO workbook, Fides manifests) writing a record to ``out``; its
    refusals become the CLI's messages: located problems, an existing output, a write error."""
    from loaders.output import OutputExists

    try:
        return run()
    except RecordInvalid as exc:
        raise report_invalid(exc) from None
    except OutputExists as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from None


def open_store(kind: str, db: Path | None) -> GraphStore:
    """The store named by ``--store``; each backend reads its own settings."""
    if kind not in ("embedded", "neo4j"):
        raise fail(f"unknown store '{kind}': use 'embedded' or 'neo4j'", 2)
    try:
        return open_graph_store(kind, db)
    except StoreError as exc:
        raise fail(str(exc)) from None
    except ValueError as exc:  # the driver's own check of NEO4J_URI (e.g. 'Invalid IPv6 URL')
        raise fail(
            f"the Neo4j settings are not valid ({exc}): check NEO4J_URI, "
            "e.g. neo4j://localhost:7687",
            2,
        ) from None


def print_result(
    result: QueryResult, as_json: bool | ResultFormat, title: str | None = None
) -> None:
    """A query result on stdout: ``True`` (--json) or a :class:`ResultFormat`."""
    if isinstance(as_json, ResultFormat):
        fmt = as_json
    else:
        fmt = ResultFormat.json if as_json else ResultFormat.table
    output.print_result(result, sys.stdout, fmt, title)


def load_into(store: EmbeddedStore, path: Path, force: bool = False, quiet: bool = False) -> bool:
    """Validate ``path`` and load it into ``store``; False when it was already loaded."""
    with gc_paused():  # the record is dropped by the end: the collector never needs to walk it
        return _load_into(store, path, force, quiet)


def _load_into(store: EmbeddedStore, path: Path, force: bool, quiet: bool) -> bool:
    # Per-file caches beside the store: a reload re-reads the changed files only, and builds
    # only their tables (loaders/table_cache.py); on any doubt, the whole record as before.
    cache = parse_cache_for(store.path)
    warn_skipped(path)
    reloaded = tables_from_fragments(path, cache)
    if reloaded is None:
        try:
            record = parse_record_cached(path, cache)[0]
        except RecordInvalid as exc:
            raise report_invalid(exc) from None
        digest, name = content_hash(path), record.record.name
    else:
        digest, name = reloaded.content_hash, reloaded.record_name
    if not force and store.exists():
        try:
            info = store.record_info()
        except StoreError:
            info = None
        if info and info.get("contentHash") == digest:
            if not quiet:
                out.print(f"{store.path} already holds this record ({digest[:12]}); nothing to do.")
            return False
    # Straight to column tables: the embedded store needs no networkx graph (graph/tables.py).
    tables = build_tables(record, digest) if reloaded is None else reloaded.tables
    report: LoadReport
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("loading", total=1)

        def step(stage: str, done: int, total: int) -> None:
            progress.update(task, description=f"loading {stage}", completed=done, total=total)

        report = store.load_tables(tables, step)
    if not quiet:
        out.print(
            f"Loaded [bold]{name}[/] into {report.path}: {report.nodes} nodes, "
            f"{report.relationships} relationships in {report.seconds:.2f} s."
        )
    return True


# ----------------------------------------------------------------------------- commands


@app.command()
def validate(
    path: RecordArg,
    fmt: Annotated[
        ProblemFormat,
        typer.Option(
            "--format",
            "-f",
            help="How to print problems: 'plain' (FILE:LINE:COL: message, one per line), "
            "'table', or 'auto' (plain when output is not a terminal).",
        ),
    ] = ProblemFormat.auto,
) -> None:
    """Check a record: YAML syntax, fields, vocabularies, ids and cross-references.

    Problems go to standard output (it is what this command reports), one FILE:LINE:COL line each
    when piped or in CI, so editors and CI annotations can jump to them.
    """
    warn_skipped(path)
    try:
        record = parse_record_cached(path)[0]
    except RecordInvalid as exc:
        print_problems(exc.problems, sys.stdout, fmt)
        raise typer.Exit(1) from None
    counts = ", ".join(f"{n} {k}" for k, n in build_tables(record).counts_by_label().items())
    out.print(f"[green]✓[/] {path} is a valid record: {counts}.", soft_wrap=not out.is_terminal)


@app.command()
def load(
    path: RecordArg,
    db: DbOpt = None,
    force: Annotated[
        bool, typer.Option(help="Rebuild even if the store holds this record.")
    ] = False,
) -> None:
    """Validate a record and load it into the embedded store (replacing what it held).

    The new database is built beside the old one and swapped in: a failed load leaves the
    previous store intact, and running dashboards pick up the new one.
    """
    store = EmbeddedStore(db)
    try:
        check_store_path(store.path)
        load_into(store, path, force=force)
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


@app.command()
def queries(as_json: JsonOpt = False) -> None:
    """List the query catalog: name, the question it answers, its parameters."""
    if as_json:
        items = [
            {
                "name": q.name,
                "group": q.group,
                "question": q.question,
                "params": q.params,
                "cypher": q.cypher.strip(),
            }
            for q in CATALOG.values()
        ]
        sys.stdout.write(json.dumps(items, indent=2) + "\n")
        return
    table = Table(title="Query catalog")
    for column in ("name", "group", "question", "parameters"):
        table.add_column(column, overflow="fold")
    for q in CATALOG.values():
        params = "\n".join(f"{k}: {v}" for k, v in q.params.items())
        table.add_row(q.name, q.group, q.question, params)
    out.print(table)


def _parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise fail(f"--param '{item}' must be NAME=VALUE", 2)
        name, value = item.split("=", 1)
        params[name.strip()] = value
    return params


ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="NAME=VALUE, repeatable.", show_default=False),
]


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A catalog query (see 'ropagraph queries').")],
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    db: DbOpt = None,
    store_kind: StoreOpt = "embedded",
    show_cypher: Annotated[
        bool, typer.Option("--show-cypher", help="Print the Cypher too.")
    ] = False,
) -> None:
    """Run a named catalog query against the store."""
    try:
        q = get_query(name)
        params = q.bind(_parse_params(param or []))
    except (KeyError, ValueError) as exc:
        raise fail(str(exc.args[0]), 2) from None
    if show_cypher:
        err.print(q.cypher.strip(), highlight=False)
    store = open_store(store_kind, db)
    try:
        print_result(store.query(q.cypher, params), fmt or as_json, title=q.question)
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


@app.command()
def cypher(
    statement: Annotated[str, typer.Argument(help="Read-only Cypher; '-' reads standard input.")],
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
    db: DbOpt = None,
    store_kind: StoreOpt = "embedded",
    timeout: Annotated[
        float, typer.Option(help="Time limit in seconds (the query is stopped when it passes).")
    ] = 30.0,
    limit: Annotated[
        int, typer.Option(help="Return at most this many rows (a note says when rows were cut).")
    ] = DEFAULT_ROW_CAP,
) -> None:
    """Run your own read-only Cypher (writes, files and database commands are refused).

    The query runs in a separate worker that cannot write or read files, with a time limit, a
    memory ceiling and a row cap (see docs/security.md).
    """
    try:
        seconds = check_timeout(timeout)
    except ValueError as exc:
        raise fail(f"--timeout: {exc}", 2) from None
    try:
        limits = Limits(timeout_s=seconds, max_rows=check_row_cap(limit))
    except ValueError as exc:
        raise fail(f"--limit: {exc}", 2) from None
    text = sys.stdin.read() if statement == "-" else statement
    store = open_store(store_kind, db)
    try:
        result = run_user_query(store, text, _parse_params(param or []), limits)
        print_result(result, fmt or as_json)
        if result.truncated:
            err.print(
                f"[yellow]note:[/] only the first {limit:,} rows are shown; "
                "raise --limit (or add LIMIT/aggregation to the query) to see more.",
                highlight=False,
            )
    except WriteRefused as exc:
        raise fail(str(exc)) from None
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


@app.command()
def schema(
    graph: Annotated[
        bool, typer.Option("--graph", help="Print the graph schema (Markdown) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of the record format (for editors), or the graph schema."""
    if graph:
        from graph.docs import graph_schema_markdown

        sys.stdout.write(graph_schema_markdown())
        return
    sys.stdout.write(json.dumps(Record.model_json_schema(), indent=2) + "\n")


@app.command()
def info(db: DbOpt = None) -> None:
    """Which record the store holds, when it was loaded, and its size."""
    from graph.stores import label_counts

    store = EmbeddedStore(db)
    try:
        details = store.record_info()
        if details is None:
            raise fail(f"no store at {store.path}: run 'ropagraph load RECORD' first")
        for key, value in details.items():
            out.print(f"[bold]{key}[/]: {value}")
        for label, n in label_counts(store).items():
            out.print(f"  {label}: {n}")
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


@app.command()
def summary(path: RecordArg, db: DbOpt = None) -> None:
    """Load a record and print its lawful-basis and transfer summaries."""
    store = EmbeddedStore(db)
    try:
        load_into(store, path, quiet=True)
        record = store.record_info() or {}
        out.rule(f"[bold]{record.get('name', path)}[/]")
        for name in ("basis-summary", "activities-without-basis", "third-country-transfers"):
            q = CATALOG[name]
            print_result(store.query(q.cypher), False, title=q.question)
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


@app.command()
def stats(path: RecordArg) -> None:
    """Counts of nodes per label and relationships per type, straight from the record."""
    tables = build_tables(read_record(path))
    for title, counts in (
        ("nodes", tables.counts_by_label()),
        ("relationships", tables.counts_by_type()),
    ):
        table = Table(title=title)
        table.add_column("kind")
        table.add_column("count", justify="right")
        for key, n in counts.items():
            table.add_row(key, str(n))
        out.print(table)


export_app = typer.Typer(
    help="Export the record: ROPA documents, Neo4j import files.", no_args_is_help=True
)
import_app = typer.Typer(help="Import a record from other formats.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


# Feature modules add their commands here. Each defines register(cli), where cli is this module
# (app, export_app, import_app and the helpers above).
def _register_feature_commands() -> None:
    import importlib

    from graph.cli import dashboard, findings, generate, interop, neo4j, notice, ropa

    this = sys.modules[__name__]
    for feature in (neo4j, dashboard, generate, ropa, findings, interop, notice):
        feature.register(this)
    importlib.import_module("graph.cli.impact").register(this)
    importlib.import_module("graph.cli.locate").register(this)
    importlib.import_module("graph.cli.diff").register(this)


_register_feature_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
