"""CLI commands for Neo4j: ``push`` (sync a record into a server) and the offline exports.

Connection settings come only from NEO4J_* variables (or a hidden prompt for the password at a
terminal), so credentials never sit in shell history or process lists.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from graph.build import Graph, build_graph
from graph.stores import StoreError
from graph.stores.neo4j_export import ExportError, write_cypher_script, write_neo4j_csv
from graph.stores.neo4j_store import PushReport, open_neo4j_store
from graph.stores.neo4j_sync import DEFAULT_BATCH_SIZE
from loaders import content_hash

RecordArg = Annotated[
    Path, typer.Argument(help="The record: a YAML file or a folder of YAML files.")
]
BatchOpt = Annotated[
    int,
    typer.Option(
        "--batch-size",
        min=1,
        max=100_000,
        help="Rows per MERGE statement (and per transaction, for push).",
    ),
]


def register(cli: ModuleType) -> None:
    """Add ``push`` to the app and ``cypher``/``neo4j-csv`` to ``export``."""
    app: typer.Typer = cli.app
    export_app: typer.Typer = cli.export_app

    def graph_of(path: Path) -> Graph:
        return build_graph(cli.read_record(path), content_hash(path))

    @app.command()
    def push(path: RecordArg, batch_size: BatchOpt = DEFAULT_BATCH_SIZE) -> None:
        """Sync a record into Neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE).

        Pushing twice changes nothing; pushing a changed record removes what it no longer has.
        Only what ropagraph wrote for this record is touched, never other data in the database.
        """
        graph = graph_of(path)
        try:
            store = open_neo4j_store(batch_size=batch_size)
        except StoreError as exc:
            raise cli.fail(str(exc)) from None
        tasks: dict[str, TaskID] = {}
        try:
            with Progress(
                TextColumn("{task.description:<42}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=cli.err,
                transient=True,
            ) as bar:

                def step(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bar.add_task(stage, total=max(total, 1))
                    bar.update(tasks[stage], completed=done if total else 1, total=max(total, 1))

                report: PushReport = store.load(graph, step)
        except StoreError as exc:
            raise cli.fail(str(exc)) from None
        finally:
            store.close()
        cli.out.print(
            f"Synced record [bold]{report.record}[/] into {report.path}: {report.nodes} nodes, "
            f"{report.relationships} relationships ({report.nodes_created} nodes and "
            f"{report.relationships_created} relationships new; {report.nodes_removed} nodes "
            f"and {report.relationships_removed} relationships removed) in "
            f"{report.seconds:.2f} s.",
            highlight=False,
            soft_wrap=True,
        )

    @export_app.command("cypher")
    def export_cypher(
        path: RecordArg,
        out: Annotated[
            Path, typer.Option("--out", "-o", help="The .cypher file to write.", dir_okay=False)
        ],
        batch_size: BatchOpt = DEFAULT_BATCH_SIZE,
    ) -> None:
        """Write a cypher-shell script (constraints, then batched MERGEs) for the record."""
        graph = graph_of(path)
        try:
            written = write_cypher_script(graph, out, batch_size)
        except (ExportError, OSError) as exc:
            raise cli.fail(str(exc)) from None
        cli.out.print(
            f"Wrote {written}: run it with "
            f"'cypher-shell -a $NEO4J_URI -u $NEO4J_USER -d $NEO4J_DATABASE -f {written}'.",
            highlight=False,
            soft_wrap=True,
        )

    @export_app.command("neo4j-csv")
    def export_neo4j_csv(
        path: RecordArg,
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                "-o",
                help="Folder to write (new, empty or an earlier export).",
                file_okay=False,
            ),
        ],
    ) -> None:
        """Write CSV files and the neo4j-admin import command (in README.md) to a folder."""
        graph = graph_of(path)
        try:
            export = write_neo4j_csv(graph, out)
        except (ExportError, OSError) as exc:
            raise cli.fail(str(exc)) from None
        files = len(export.node_files) + len(export.relationship_files)
        cli.out.print(
            f"Wrote {files} CSV files to {export.folder} (array delimiter "
            f"'{export.array_delimiter}'). Import them with:",
            highlight=False,
            soft_wrap=True,
        )
        cli.out.print(export.command, highlight=False, soft_wrap=True, markup=False)
