"""CLI: ``ropagraph import fides``, ``ropagraph export fides``, ``ropagraph export dpv``.

A plugin of graph/cli/commands.py. The work is in loaders/fides/ and graph/interop/; the
commands read, call, and print what the conversion could not carry over (never silently).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.table import Table

from graph.atomic import atomic_write_text
from graph.cli.output import is_terminal
from graph.model import Record

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="File to write.")]
RecordArg = Annotated[
    Path, typer.Argument(help="The record: a YAML file or a folder of YAML files.")
]


def print_import_notes(cli: ModuleType, record: Record) -> None:
    """The table of what an import could not map (also kept in record.import_notes)."""
    notes = record.record.import_notes
    if not notes:
        return
    if not is_terminal(sys.stdout):  # a pipe or a CI log: one whole line per note, never wrapped
        print(f"{len(notes)} item(s) the import could not map (kept in record.import_notes):")
        for note in notes:
            heading = f"{note.heading}: " if note.heading else ""
            print(f"{note.where()}: {heading}{note.text!r} — {note.reason}")
        return
    table = Table(
        title=f"{len(notes)} item(s) the import could not map (kept in record.import_notes)",
        show_lines=False,
    )
    for column in ("where", "heading", "text", "why"):
        table.add_column(column, overflow="fold")
    for note in notes:
        table.add_row(note.where(), note.heading or "", note.text, note.reason)
    cli.out.print(table)


def print_lossy(cli: ModuleType, what: str, lines: list[str]) -> None:
    if not lines:
        return
    table = Table(title=f"{len(lines)} thing(s) {what} cannot express (lossy)")
    table.add_column("not carried over", overflow="fold")
    for line in lines:
        table.add_row(line)
    cli.err.print(table)


def _write(cli: ModuleType, out: Path, text: str) -> None:
    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise cli.fail(f"cannot write {out}: {exc.strerror or exc}") from None


def register(cli: ModuleType) -> None:
    """Add the interop commands to the CLI (see graph/cli/commands.py)."""
    export_app: typer.Typer = cli.export_app
    import_app: typer.Typer = cli.import_app

    @import_app.command("fides")
    def import_fides_command(
        source: Annotated[
            Path, typer.Argument(help="A Fides manifest (.yml) or a folder of them.")
        ],
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Folder to create with record.yaml (or .yaml).")
        ],
        controller_name: Annotated[
            str | None,
            typer.Option(
                "--controller-name",
                help="The controller's name, when no 'organization' resource gives it.",
                show_default=False,
            ),
        ] = None,
        country: Annotated[
            str | None,
            typer.Option(
                "--country",
                help="The controller's country (ISO code): Fides does not record it.",
                show_default=False,
            ),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Replace a record.yaml an earlier import wrote.")
        ] = False,
    ) -> None:
        """Import Fides systems and organization (fideslang YAML) into a record."""
        from loaders.fides import import_fides

        target, record = cli.imported(
            out,
            lambda: import_fides(
                source, out, controller_name=controller_name, country=country, force=force
            ),
        )
        cli.out.print(
            f"[green]✓[/] Imported {len(record.activities)} activities from "
            f"{len(record.systems)} Fides systems into {target}.\n"
            f"  Review it, then: ropagraph validate {target}",
            highlight=False,
        )
        print_import_notes(cli, record)

    @export_app.command("fides")
    def export_fides_command(path: RecordArg, out: OutOpt) -> None:
        """Export the record as Fides resources (organization, systems) fideslang validates."""
        from graph.interop.fides_export import export_fides

        record = cli.read_record(path)
        result = export_fides(record)
        _write(cli, out, result.yaml())
        systems = len(result.manifest["system"])
        cli.out.print(
            f"[green]✓[/] Wrote {out} (Fides: {systems} systems, "
            f"{len(record.activities)} privacy declarations).",
            highlight=False,
        )
        print_lossy(cli, "Fides", result.lossy)

    @export_app.command("dpv")
    def export_dpv_command(
        path: RecordArg,
        out: OutOpt,
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="ttl (Turtle) or jsonld (JSON-LD).")
        ] = "ttl",
    ) -> None:
        """Export the record in the W3C Data Privacy Vocabulary (DPV 2.3) as Turtle or JSON-LD."""
        from graph.interop.dpv_export import FORMATS, export_dpv

        if fmt not in FORMATS:
            raise cli.fail(f"--format '{fmt}': use one of {', '.join(FORMATS)}", 2)
        record = cli.read_record(path)
        result = export_dpv(record)
        _write(cli, out, result.serialize(fmt))
        cli.out.print(
            f"[green]✓[/] Wrote {out} (DPV {fmt}: {len(result.graph)} triples, "
            f"{len(record.activities)} processes).",
            highlight=False,
        )
        print_lossy(cli, "this DPV export", result.lossy)
