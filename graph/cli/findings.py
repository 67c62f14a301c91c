"""CLI commands ``findings`` (run the compliance rules) and ``rules`` (list them).

``findings RECORD`` builds the record into a throwaway embedded store, so checking a record never
touches the user's own store; without RECORD it runs on a store that already holds a record
(the embedded one, or Neo4j). ``--fail-on`` turns it into a CI gate.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from graph.build import build_graph
from graph.stores import EmbeddedStore, GraphStore, StoreError
from loaders import RecordInvalid, content_hash

if TYPE_CHECKING:
    from graph.findings import Finding, FindingsReport, Severity
    from graph.findings.waivers import WaiverOutcome

RULES_UNAVAILABLE = (FileNotFoundError, RuntimeError, ValueError)
"""What importing the rules raises when their reference data is missing or out of step with the
code (ROPAGRAPH_REFERENCE may point at a folder of the user's own)."""

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}

RecordOpt = Annotated[
    Path | None,
    typer.Argument(
        help="The record (YAML file or folder). Omit it to check what a store already holds.",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Apply the law as it stood on this date (default: today).",
        show_default=False,
    ),
]
FailOnOpt = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        metavar="SEVERITY",
        help="Exit 1 if any finding is at or above this severity (high, medium, low, info).",
        show_default=False,
    ),
]
RuleOpt = Annotated[
    list[str] | None,
    typer.Option("--rule", "-r", help="Run only this rule (repeatable).", show_default=False),
]


def parse_as_of(text: str | None) -> dt.date | None:
    """The ``--as-of`` date; ValueError says what a valid one looks like."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--as-of '{text}' is not a date: use YYYY-MM-DD, e.g. --as-of 2020-01-01"
        ) from None


def register(cli: ModuleType) -> None:
    """Add ``findings`` and ``rules`` to the app."""
    app: typer.Typer = cli.app

    def usage(message: str) -> typer.Exit:
        exit_: typer.Exit = cli.fail(message, 2)
        return exit_

    @app.command()
    def findings(
        record: RecordOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
        fail_on: FailOnOpt = None,
        as_of: AsOfOpt = None,
        store_kind: Annotated[
            str,
            typer.Option(
                "--store",
                help="Without RECORD: 'embedded' (--db or the default store) or 'neo4j' "
                "(NEO4J_* variables). With RECORD and neo4j: also warn if Neo4j holds another "
                "version of it.",
            ),
        ] = "embedded",
        db: Annotated[
            Path | None,
            typer.Option(
                "--db", help="Without RECORD: the embedded store file to check.", show_default=False
            ),
        ] = None,
        rule: RuleOpt = None,
        waivers: Annotated[
            Path | None,
            typer.Option(
                "--waivers",
                help="Accepted risks (default: waivers.yaml beside RECORD). A waiver hides its "
                "finding up to its review_by date; after that the finding is shown again.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """What a regulator would question: run the compliance rules on a record.

        Every finding names the rule, the element it is about, why (with the articles and where
        the record says it) and what to do. Exit 1 with --fail-on when a finding is at or above
        that severity, or when a rule could not run.
        """
        try:
            from graph.findings import Severity, run_findings, select_rules
            from graph.findings.waivers import waiver_file, waiver_rows
        except RULES_UNAVAILABLE as exc:
            raise cli.fail(f"cannot load the compliance rules: {exc}") from None

        try:
            day = parse_as_of(as_of)
            gate = Severity.parse(fail_on) if fail_on is not None else None
            selected = select_rules(rule) if rule else None
        except ValueError as exc:
            raise usage(str(exc)) from None
        if store_kind not in ("embedded", "neo4j"):
            raise usage(f"unknown store '{store_kind}': use 'embedded' or 'neo4j'")
        if record is not None and db is not None:
            raise usage(
                "give RECORD (checked in a temporary store) or --db STORE (checked as it is), "
                "not both"
            )

        report: FindingsReport
        if record is not None and store_kind == "embedded":
            checked = cli.read_record(record)  # exits 1 with a table of problems if invalid
            with tempfile.TemporaryDirectory(prefix="ropagraph-findings-") as tmp:
                store = EmbeddedStore(Path(tmp) / "findings.lbug")
                try:
                    store.load(build_graph(checked, content_hash(record)))
                    report = run_findings(store, day, selected)
                except StoreError as exc:
                    raise cli.fail(str(exc)) from None
                finally:
                    store.close()
        else:
            if record is not None:
                cli.read_record(record)
            opened: GraphStore = cli.open_store(store_kind, db)
            try:
                if record is not None:
                    _warn_if_other_version(cli, opened, record)
                report = run_findings(opened, day, selected)
            except StoreError as exc:
                raise cli.fail(str(exc)) from None
            finally:
                opened.close()

        outcome = _apply_waivers(cli, report, waivers or (waiver_file(record) if record else None))
        report = outcome.report
        if as_json:
            data = report.to_dict()
            data["waivers"] = {
                "waived": waiver_rows(outcome.waived),
                "expired": waiver_rows(outcome.expired),
                "unused": [w.model_dump(mode="json") for w in outcome.unused],
            }
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            _print_report(cli, report, gate)
            _print_waivers(cli, outcome)
        for rule_id, message in report.errors.items():
            cli.err.print(
                f"[bold red]rule {escape(rule_id)} could not run:[/] {escape(message)}",
                highlight=False,
            )
        if report.errors:
            raise typer.Exit(1)
        if gate is not None and report.at_or_above(gate):
            raise typer.Exit(1)

    @app.command()
    def rules(
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the rules as JSON, with their Cypher.")
        ] = False,
        markdown: Annotated[
            bool,
            typer.Option("--markdown", help="Print docs/findings.md (every rule in full)."),
        ] = False,
    ) -> None:
        """List the compliance rules: id, severity, articles, title."""
        try:
            from graph.findings import RULES
        except RULES_UNAVAILABLE as exc:
            raise cli.fail(f"cannot load the compliance rules: {exc}") from None
        if markdown:
            from graph.findings.markdown import rules_markdown

            sys.stdout.write(rules_markdown())
            return
        ordered = sorted(RULES.values(), key=lambda r: (-r.severity.rank, r.id))
        if as_json:
            items: list[dict[str, Any]] = [
                {
                    "id": r.id,
                    "title": r.title,
                    "severity": r.severity.value,
                    "articles": list(r.articles),
                    "explanation": r.explanation,
                    "what_to_do": r.what_to_do,
                    "cypher": r.cypher,
                }
                for r in ordered
            ]
            sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
            return
        table = Table(
            title=f"{len(ordered)} compliance rules ('ropagraph rules --markdown' for all)"
        )
        table.add_column("rule", no_wrap=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("articles", overflow="fold")
        table.add_column("title", overflow="fold")
        for r in ordered:
            table.add_row(
                escape(r.id),
                f"[{SEVERITY_STYLE[r.severity.value]}]{r.severity.value}[/]",
                escape(", ".join(r.articles)),
                escape(r.title),
            )
        cli.out.print(table)


def _apply_waivers(cli: ModuleType, report: FindingsReport, path: Path | None) -> WaiverOutcome:
    """The report after the waivers at ``path``; a bad waiver file is reported like a record."""
    from graph.findings.waivers import apply_waivers, load_waivers

    try:
        return apply_waivers(report, load_waivers(path))
    except RecordInvalid as exc:
        raise cli.report_invalid(exc) from None


def _print_waivers(cli: ModuleType, outcome: WaiverOutcome) -> None:
    from graph.findings.waivers import waiver_rows

    soft = not cli.out.is_terminal
    if outcome.waived:
        cli.out.print(
            f"{len(outcome.waived)} finding(s) waived (accepted risks, hidden until their "
            "review date):",
            soft_wrap=soft,
        )
        for row in waiver_rows(outcome.waived):
            cli.out.print(
                f"  {escape(row['rule'])} {escape(row['element'])} — {escape(row['reason'])} "
                f"(owner {escape(row['owner'])}, review by {row['review by']})",
                soft_wrap=soft,
                highlight=False,
            )
    for waived in outcome.expired:
        cli.out.print(
            f"[yellow]waiver expired[/] on {waived.waiver.review_by.isoformat()}: "
            f"{escape(waived.finding.rule)} {escape(waived.finding.element_id)} is shown again "
            f"(owner {escape(waived.waiver.owner)})",
            soft_wrap=soft,
            highlight=False,
        )
    for waiver in outcome.unused:
        cli.out.print(
            f"[yellow]waiver matches no finding:[/] {escape(waiver.rule)} {escape(waiver.element)}"
            + (f" (line {waiver.line})" if waiver.line else ""),
            soft_wrap=soft,
            highlight=False,
        )


def _warn_if_other_version(cli: ModuleType, store: GraphStore, record: Path) -> None:
    """Neo4j may hold an older push of the record: say so, since findings describe what it holds."""
    rows = store.query("MATCH (r:Record) RETURN r.contentHash AS contentHash LIMIT 1").records()
    held = rows[0]["contentHash"] if rows else None
    if held != content_hash(record):
        cli.err.print(
            f"[yellow]warning:[/] the store does not hold this version of {escape(str(record))} "
            "(push it first); the findings below are for what the store holds.",
            highlight=False,
        )


WIDE_ENOUGH_FOR_TABLE = 120
"""Below this many columns a five-column table is unreadable: findings print as blocks."""


def _sources(finding: Finding) -> str:
    parts = []
    if finding.articles:
        parts.append(", ".join(finding.articles))
    if finding.ref:
        parts.append(f"ref: {finding.ref}")
    return " · ".join(parts)


def _print_report(cli: ModuleType, report: FindingsReport, gate: Severity | None) -> None:
    counts = report.counts()
    regime = report.jurisdiction or "no modelled regime"
    summary = ", ".join(f"{n} {severity.value}" for severity, n in counts.items())
    title = (
        f"{len(report.findings)} finding(s) on {report.as_of.isoformat()} under {regime}: {summary}"
    )
    if cli.out.width >= WIDE_ENOUGH_FOR_TABLE:
        _print_table(cli, report, title)
    else:
        _print_blocks(cli, report, title)
    skipped = {r: why for r, why in report.not_applied.items() if r != "JURISDICTION-NOT-ASSESSED"}
    if skipped:
        listed = "; ".join(f"{rule} ({why})" for rule, why in skipped.items())
        detail = listed if len(skipped) <= 5 else "--json lists them with the reason"
        cli.out.print(
            f"[dim]{len(skipped)} rule(s) not applied on {report.as_of.isoformat()}: "
            f"{escape(detail)}[/]"
        )
    if gate is not None:
        failing = len(report.at_or_above(gate))
        verdict = "[bold red]fails[/]" if failing else "[green]passes[/]"
        cli.out.print(f"--fail-on {gate.value}: {verdict} ({failing} finding(s) at or above).")


def _print_blocks(cli: ModuleType, report: FindingsReport, title: str) -> None:
    """One block per finding; in a pipe or log each line is printed whole (never wrapped)."""
    if not cli.out.is_terminal:
        _print_lines(cli, report, title)
        return
    cli.out.print(f"[bold]{escape(title)}[/]")
    for f in report.findings:
        style = SEVERITY_STYLE[f.severity.value]
        cli.out.print()
        cli.out.print(
            f"[{style}]{f.severity.value.upper()}[/] [bold]{escape(f.rule)}[/] — {escape(f.title)}"
        )
        element = f"{escape(f.element_name)} ({escape(f.element_id)})"
        cli.out.print(f"  [bold]{escape(f.element_label)}[/] {element}")
        cli.out.print(f"  [bold]why:[/] {escape(f.why)}")
        cli.out.print(f"  [bold]what to do:[/] {escape(f.what_to_do)}")
        sources = _sources(f)
        if sources:
            cli.out.print(f"  [dim]{escape(sources)}[/]")


def _print_lines(cli: ModuleType, report: FindingsReport, title: str) -> None:
    write = sys.stdout.write
    write(title + "\n")
    for f in report.findings:
        write(f"\n{f.severity.value.upper()} {f.rule} — {f.title}\n")
        write(f"  {f.element_label} {f.element_name} ({f.element_id})\n")
        write(f"  why: {' '.join(f.why.split())}\n")
        write(f"  what to do: {' '.join(f.what_to_do.split())}\n")
        sources = _sources(f)
        if sources:
            write(f"  {sources}\n")
    sys.stdout.flush()


def _print_table(cli: ModuleType, report: FindingsReport, title: str) -> None:
    table = Table(title=escape(title), show_lines=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", overflow="fold", min_width=14)
    table.add_column("element", overflow="fold")
    table.add_column("why", overflow="fold", ratio=3)
    table.add_column("what to do", overflow="fold", ratio=2)
    for f in report.findings:
        why = escape(f.why)
        sources = _sources(f)
        if sources:
            why += f"\n[dim]{escape(sources)}[/]"
        table.add_row(
            f"[{SEVERITY_STYLE[f.severity.value]}]{f.severity.value}[/]",
            escape(f.rule),
            escape(f"{f.element_label} {f.element_name} ({f.element_id})"),
            why,
            escape(f.what_to_do),
        )
    cli.out.print(table)
