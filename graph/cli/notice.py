"""CLI: ``ropagraph export notice`` (an Art 13/14 privacy notice from the record) and
``ropagraph notice-check`` (a published notice against the record, drift both ways).

A plugin of graph/cli/commands.py: the commands are thin, the work is in graph/notice/ so the
dashboard calls the same functions.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.markup import escape

from graph.notice import (
    NOTICE_FORMATS,
    DriftReport,
    NoticeReadError,
    build_notice,
    check_notice,
    export_notice,
    notice_format_for,
    read_notice,
)
from graph.notice.report import FAIL_ON_CHOICES, Status, parse_fail_on

LABELS = {
    Status.found: ("found", "green"),
    Status.missing: ("not in the notice", "bold red"),
    Status.extra: ("not in the record", "bold yellow"),
    Status.outdated: ("outdated", "bold magenta"),
}


def _date(cli: ModuleType, text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise cli.fail(f"{option} '{text}' is not a date: use YYYY-MM-DD", 2) from None


def print_report(cli: ModuleType, report: DriftReport, show_found: bool) -> None:
    out = cli.out
    out.print(
        f"[bold]Notice check[/]: {escape(report.notice)} against {escape(report.record_name)} "
        f"(law as of {report.as_of.isoformat()})",
        highlight=False,
    )
    s = report.summary()
    out.print(
        f"{s['found']} found · {s['missing']} not in the notice · {s['extra']} not in the record "
        f"· {s['outdated']} outdated · {s['record_gaps']} record gap(s) · "
        f"{s['drafting_notes']} drafting note(s)",
        highlight=False,
    )
    for item in report.items:
        if item.status is Status.found and not show_found:
            continue
        label, style = LABELS[item.status]
        out.print()
        out.print(f"[{style}]{label.upper()}[/] — {escape(item.statement)}", highlight=False)
        ref = f" · ref: {escape(item.ref)}" if item.ref else ""
        cited = f"{escape(item.articles)} " if item.articles else ""
        out.print(f"  [dim]{cited}({escape(item.item)}){ref}[/]", highlight=False)
        for ev in item.evidence:
            out.print(
                f'  notice: "{escape(ev.quote)}" [dim]({escape(ev.location)})[/]', highlight=False
            )
        out.print(f"  {escape(item.explanation)}", highlight=False)
    if report.record_gaps:
        out.print()
        out.print("[bold]Record gaps[/] (the record itself lacks these for a complete notice):")
        for gap in report.record_gaps:
            out.print(f"  - {escape(gap)}", highlight=False)
    if report.drafting_notes:
        out.print()
        out.print(
            f"[bold]{len(report.drafting_notes)} drafting note(s)[/] left in the notice "
            "(not checked as notice text):"
        )
        for ev in report.drafting_notes[:5]:
            out.print(f"  - {escape(ev.quote)} [dim]({escape(ev.location)})[/]", highlight=False)
    if not report.drift:
        out.print()
        out.print(
            "[green]✓[/] No drift: the notice says what the record requires, and names "
            "nothing the record lacks."
        )


def register(cli: ModuleType) -> None:
    """Add ``export notice`` and ``notice-check`` to the ropagraph CLI."""
    export_app: typer.Typer = cli.export_app
    app: typer.Typer = cli.app

    @export_app.command("notice")
    def export_notice_command(
        path: Annotated[Path, typer.Argument(help="The record: a YAML file or a folder.")],
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help=f"One of {', '.join(NOTICE_FORMATS)}; default: from the --out suffix.",
                show_default=False,
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                "-o",
                help="File to write (default: <record id>-notice.<format>).",
                show_default=False,
            ),
        ] = None,
        date: Annotated[
            str | None,
            typer.Option(
                "--date",
                help="Date of the notice, and of the law it follows (YYYY-MM-DD); default today.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Generate an Art 13/14 privacy notice from the record (Markdown, HTML or Word)."""
        if out is None and fmt is None:
            raise cli.fail(f"give --format ({', '.join(NOTICE_FORMATS)}) or --out FILE", 2)
        day = _date(cli, date, "--date")
        try:
            kind = notice_format_for(out, fmt)
        except ValueError as exc:
            raise cli.fail(str(exc), 2) from None
        record = cli.read_record(path)
        target = out or Path(f"{record.record.id}-notice.{kind}")
        notice = build_notice(record, day)
        try:
            written = export_notice(notice, kind, target)
        except OSError as exc:
            raise cli.fail(f"cannot write {target}: {exc.strerror or exc}") from None
        except ValueError as exc:  # a Word notice over the plain zip limit: say so, no traceback
            raise cli.fail(str(exc)) from None
        gaps = notice.gaps
        cli.out.print(
            f"[green]✓[/] Wrote {escape(str(written))} ({kind}: {len(notice.statements())} "
            f"statements in {len(notice.sections)} sections).",
            highlight=False,
        )
        if gaps:
            cli.err.print(
                f"[yellow]note:[/] {len(gaps)} drafting note(s) mark what the record does not say "
                "and the law needs the notice to say; complete them before publishing:",
                highlight=False,
            )
            for gap in gaps:
                cli.err.print(f"  - {escape(gap.text)}", highlight=False, soft_wrap=True)

    @app.command("notice-check")
    def notice_check_command(
        path: Annotated[Path, typer.Argument(help="The record: a YAML file or a folder.")],
        notice_file: Annotated[
            Path, typer.Argument(help="The published notice: .txt, .md, .html or .docx.")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
        fail_on: Annotated[
            list[str] | None,
            typer.Option(
                "--fail-on",
                metavar="KIND",
                help=f"Exit 1 if there is drift of this kind ({', '.join(FAIL_ON_CHOICES)}; "
                "repeatable or comma-separated).",
                show_default=False,
            ),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of",
                help="Judge safeguards by the law on this date (YYYY-MM-DD); default today.",
                show_default=False,
            ),
        ] = None,
        show_found: Annotated[
            bool, typer.Option("--all", help="Also list what was found, with the quoted text.")
        ] = False,
    ) -> None:
        """Check a published privacy notice against the record, both ways: what the record
        requires that the notice does not say, and what the notice says that the record lacks.
        Each item quotes the notice text it rests on, or says it found none."""
        try:
            kinds = parse_fail_on(fail_on or [])
        except ValueError as exc:
            raise cli.fail(str(exc), 2) from None
        day = _date(cli, as_of, "--as-of")
        record = cli.read_record(path)
        try:
            text = read_notice(notice_file)
        except NoticeReadError as exc:
            raise cli.fail(str(exc)) from None
        report = check_notice(record, text, day)
        if as_json:
            sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            print_report(cli, report, show_found)
        if kinds:
            failing = report.failing(kinds)
            if failing:
                cli.err.print(
                    f"--fail-on {','.join(kinds)}: {len(failing)} drift item(s)", highlight=False
                )
                raise typer.Exit(1)
