"""CLI: ``ropagraph export ropa`` (XLSX/DOCX/HTML/Markdown) and ``ropagraph import ico-xlsx``.

A plugin of graph/cli/commands.py (see its ``_PLUGINS``): the commands are thin, the work is in
graph/ropa/export.py and loaders/ico/importer.py so the dashboard can call the same functions.
"""

from __future__ import annotations

import datetime as dt
import importlib
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from graph.cli.interop import print_import_notes
from graph.model import Record
from graph.ropa import ROPA_FORMATS, RopaExportError, export_ropa, format_for
from graph.ropa.document import FindingsLike
from loaders import content_hash
from loaders.ico import import_ico_xlsx

FINDINGS_MODULE = "graph.findings"


def _findings(
    cli: ModuleType, record: Record, digest: str, as_of: dt.date | None
) -> FindingsLike | None:
    """Run the findings rules on a throwaway store, never the user's default one."""
    try:
        module = importlib.import_module(FINDINGS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != FINDINGS_MODULE:
            raise
        cli.err.print(
            "[yellow]note:[/] findings annex skipped: the findings rules are not installed"
        )
        return None
    from graph.stores import EmbeddedStore, StoreError
    from graph.tables import build_tables

    with tempfile.TemporaryDirectory(prefix="ropagraph-ropa-") as folder:
        store = EmbeddedStore(Path(folder) / "findings.lbug")
        try:
            store.load_tables(build_tables(record, digest))
            report: FindingsLike = module.run_findings(store, as_of=as_of)
        except StoreError as exc:
            raise cli.fail(f"could not run the findings rules: {exc}") from None
        finally:
            store.close()
    errors = getattr(report, "errors", None) or {}
    if errors:
        failed = [f"{k}: {v}" for k, v in errors.items()] if isinstance(errors, dict) else errors
        cli.err.print(
            f"[yellow]warning:[/] {len(errors)} findings rule(s) failed and are missing from the "
            "annex: " + "; ".join(str(e) for e in list(failed)[:3]),
            highlight=False,
        )
    return report


def register(cli: ModuleType) -> None:
    """Add the ROPA export and the ICO spreadsheet import to the ropagraph CLI."""
    export_app: typer.Typer = cli.export_app
    import_app: typer.Typer = cli.import_app

    @export_app.command("ropa")
    def export_ropa_command(
        path: Annotated[
            Path, typer.Argument(help="The record: a YAML file or a folder of YAML files.")
        ],
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help=f"One of {', '.join(ROPA_FORMATS)}; default: from the --out suffix.",
                show_default=False,
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                "-o",
                help="File to write (default: <record id>-ropa.<format> here).",
                show_default=False,
            ),
        ] = None,
        findings: Annotated[
            bool,
            typer.Option(
                "--findings/--no-findings", help="Add the findings annex (runs the rules)."
            ),
        ] = True,
        date: Annotated[
            str | None,
            typer.Option(
                "--date",
                help="Date the document is generated and findings evaluated as of "
                "(YYYY-MM-DD); default today.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Export the ROPA (Art 30 record): XLSX in the ICO template layout, DOCX, HTML or MD."""
        if out is None and fmt is None:
            raise cli.fail("give --format (xlsx, docx, html, md) or --out FILE", 2)
        generated: dt.date | None = None
        if date is not None:
            try:
                generated = dt.date.fromisoformat(date)
            except ValueError:
                raise cli.fail(f"--date '{date}' is not a date: use YYYY-MM-DD", 2) from None
        record = cli.read_record(path)
        try:
            if out is None:
                assert fmt is not None
                kind = format_for(Path(f"x.{fmt}"), fmt)
                out = Path(f"{record.record.id}-ropa.{kind}")
            kind = format_for(out, fmt)
        except ValueError as exc:
            raise cli.fail(str(exc), 2) from None
        digest = content_hash(path)
        report = _findings(cli, record, digest, generated) if findings else None
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,}"),
                TimeElapsedColumn(),
                console=cli.err,
                transient=True,
            ) as bar:
                task = bar.add_task(f"exporting {kind}", total=len(record.activities))

                def step(stage: str, done: int, total: int) -> None:
                    bar.update(task, description=stage, completed=done, total=total)

                written = export_ropa(
                    record,
                    kind,
                    out,
                    findings=report,
                    generated=generated,
                    content_hash=digest,
                    progress=step,
                )
        except RopaExportError as exc:
            raise cli.fail(str(exc)) from None
        except OSError as exc:
            raise cli.fail(f"cannot write {out}: {exc.strerror or exc}") from None
        annex = ""
        if report is not None:
            annex = f", findings annex with {len(report.findings)} finding(s)"
        cli.out.print(
            f"[green]✓[/] Wrote {written} ({kind}: {len(record.activities)} activities{annex}).",
            highlight=False,
        )

    @import_app.command("ico-xlsx")
    def import_ico_command(
        file: Annotated[
            Path,
            typer.Argument(help="A workbook in the ICO controller- or processor-template layout."),
        ],
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                "-o",
                help="Folder to create with record.yaml (or a .yaml file name).",
            ),
        ],
        controller_name: Annotated[
            str | None,
            typer.Option(
                "--controller-name",
                help="The controller's name, when the workbook has no controller block.",
                show_default=False,
            ),
        ] = None,
        country: Annotated[
            str | None,
            typer.Option(
                "--country",
                help="The controller's country (ISO code, e.g. GB), if the workbook lacks it.",
                show_default=False,
            ),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Replace a record.yaml an earlier import wrote.")
        ] = False,
    ) -> None:
        """Import a record kept in the ICO documentation template for controllers or processors."""
        target, record = cli.imported(
            out,
            lambda: import_ico_xlsx(
                file, out, controller_name=controller_name, country=country, force=force
            ),
        )
        written = target if target.suffix.lower() in (".yaml", ".yml") else target / "record.yaml"
        cli.out.print(
            f"[green]✓[/] Imported {len(record.activities)} activities, "
            f"{len(record.recipients)} recipients and {len(record.data_categories)} data "
            f"categories into {written}.\n  Review it, then: ropagraph validate {target}",
            highlight=False,
        )
        print_import_notes(cli, record)
