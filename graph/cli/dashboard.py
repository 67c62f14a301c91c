"""``ropagraph dashboard``: validate and load a record, then run the Streamlit dashboard on it.

The record is validated and loaded *before* Streamlit starts, so a bad record is reported in the
terminal (exit 1) rather than as a broken web page. The app learns which store and record to
show from environment variables (ROPAGRAPH_DB, ROPAGRAPH_STORE, ROPAGRAPH_RECORD; see
docs/dashboard.md). Streamlit runs with usage statistics off and the email prompt off, bound to
localhost unless ``--address`` says otherwise: the dashboard shows personal-data processing and
needs no internet.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from graph.build import build_graph
from graph.model import Record
from graph.stores import EmbeddedStore, GraphStore, StoreError
from loaders import content_hash

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "streamlit_app.py"
DEFAULT_RECORD = ROOT / "data" / "kynex"

ENV_DB = "ROPAGRAPH_DB"
ENV_STORE = "ROPAGRAPH_STORE"
ENV_RECORD = "ROPAGRAPH_RECORD"
"""Kept equal to dashboard.settings (a test checks); not imported, so the CLI starts fast."""


DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Embedded store file (default: $ROPAGRAPH_DB or the user data folder).",
        show_default=False,
    ),
]
StoreOpt = Annotated[
    str,
    typer.Option(
        "--store",
        help="Which store to show: 'embedded' (default) or 'neo4j' (uses NEO4J_* variables).",
    ),
]


@dataclass(frozen=True)
class Launch:
    """The Streamlit command line and environment for one dashboard run."""

    argv: list[str]
    env: dict[str, str]


def streamlit_launch(
    *,
    record: Path,
    store_kind: str,
    db: Path | None,
    port: int,
    address: str,
    headless: bool,
    environ: dict[str, str] | None = None,
) -> Launch:
    """What to execute: ``python -m streamlit run dashboard/streamlit_app.py`` with settings."""
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.showEmailPrompt",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        "20",
        "--client.toolbarMode",
        "minimal",
        "--theme.base",
        "light",
    ]
    if headless:
        # Without --headless Streamlit decides: it opens a browser on a desktop and stays
        # headless where there is no display (Linux without $DISPLAY).
        argv += ["--server.headless", "true"]
    env = dict(os.environ if environ is None else environ)
    env[ENV_STORE] = store_kind
    env[ENV_RECORD] = str(record.resolve())
    if db is not None:
        env[ENV_DB] = str(db.resolve())
    paths = [str(ROOT), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return Launch(argv, env)


def port_in_use(address: str, port: int) -> bool:
    host = "127.0.0.1" if address in ("localhost", "") else address
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _load_neo4j(cli: ModuleType, store: GraphStore, record: Record, record_path: Path) -> None:
    """Push the record to Neo4j unless it already holds this content (same record, same hash)."""
    digest = content_hash(record_path)
    try:
        rows = store.query(
            "MATCH (r:Record {id: $id}) RETURN r.contentHash AS contentHash",
            {"id": record.record.id},
        ).rows
    except StoreError:
        rows = []
    if rows and rows[0][0] == digest:
        cli.out.print(f"Neo4j already holds this record ({digest[:12]}); nothing to do.")
        return
    report = store.load(build_graph(record, digest))
    cli.out.print(
        f"Loaded [bold]{record.record.name}[/] into Neo4j: {report.nodes} nodes, "
        f"{report.relationships} relationships in {report.seconds:.2f} s."
    )


def register(cli: ModuleType) -> None:
    """Add ``ropagraph dashboard`` to the CLI (``cli`` is the graph.cli module)."""

    app: typer.Typer = cli.app

    @app.command()
    def dashboard(
        record: Annotated[
            Path,
            typer.Argument(
                help="The record: a YAML file or a folder of YAML files "
                "(default: the Kynex sample).",
                show_default=False,
            ),
        ] = DEFAULT_RECORD,
        port: Annotated[
            int, typer.Option("--port", min=1, max=65535, help="Port to serve on.")
        ] = 8501,
        db: DbOpt = None,
        store_kind: StoreOpt = "embedded",
        headless: Annotated[
            bool,
            typer.Option("--headless", help="Do not open a browser (servers, containers, CI)."),
        ] = False,
        address: Annotated[
            str,
            typer.Option(
                "--address",
                help="Interface to listen on; 0.0.0.0 exposes the dashboard to your network.",
            ),
        ] = "localhost",
    ) -> None:
        """Open the dashboard on a record: validate it, load it into the store, serve it.

        Graph explorer, lawful bases, transfers, findings, ROPA exports, read-only Cypher.
        Needs no internet.
        """
        if store_kind not in ("embedded", "neo4j"):
            raise cli.fail(f"unknown store '{store_kind}': use 'embedded' or 'neo4j'", 2)
        if importlib.util.find_spec("streamlit") is None:
            raise cli.fail("streamlit is not installed: pip install -e . (or 'make install')")
        if port_in_use(address, port):
            raise cli.fail(f"port {port} is already in use: pass another one, e.g. --port 8502")
        if store_kind == "embedded":
            store = EmbeddedStore(db)
            try:
                cli.load_into(store, record)
            except StoreError as exc:
                raise cli.fail(str(exc)) from None
            finally:
                store.close()
            db = store.path
        else:
            from graph.stores.neo4j_store import open_neo4j_store

            validated = cli.read_record(record)  # exits 1 with the problems, before connecting
            try:  # no password prompt: the dashboard reads NEO4J_PASSWORD from the environment
                neo4j: GraphStore = open_neo4j_store(prompt=None)
            except StoreError as exc:
                raise cli.fail(str(exc)) from None
            try:
                _load_neo4j(cli, neo4j, validated, record)
            except StoreError as exc:
                raise cli.fail(str(exc)) from None
            finally:
                neo4j.close()
        launch = streamlit_launch(
            record=record,
            store_kind=store_kind,
            db=db,
            port=port,
            address=address,
            headless=headless,
        )
        shown = "localhost" if address in ("localhost", "127.0.0.1") else address
        cli.out.print(f"Starting the dashboard on http://{shown}:{port} (Ctrl+C to stop)")
        sys.stdout.flush()
        if os.name != "posix":  # no exec on Windows: run Streamlit as a child and wait
            raise typer.Exit(subprocess.call(launch.argv, env=launch.env))
        os.execve(launch.argv[0], launch.argv, launch.env)  # Streamlit replaces this process
