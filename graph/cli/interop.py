"""CLI: ``ropagraph import fides``, ``ropagraph export fides``, ``ropagraph export dpv``.

A plugin of graph/cli/commands.py. The work is in loaders/fides/ and graph/interop/; the
commands read, call, and print what the conversion could not carry over (never silently).
"""

from __future__ import annotations

from types import ModuleType

from rich.table import Table

from graph.model import Record


def print_import_notes(cli: ModuleType, record: Record) -> None:
    """The table of what an import could not map (also kept in record.import_notes)."""
    notes = record.record.import_notes
    if not notes:
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


def register(cli: ModuleType) -> None:
    """Add the interop commands to the CLI (see graph/cli/commands.py)."""
