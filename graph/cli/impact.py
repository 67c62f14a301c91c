"""``ropagraph impact``: a breach at a system, recipient or data category — whose data, which
data, where it went, and which notification duties follow by when.

The answer comes from graph.questions.impact (catalog queries + data/reference/breach_duties.yaml);
this module only parses options and prints.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from graph.cli.question_store import DbOpt, RecordOpt, StoreKindOpt, question_store
from graph.questions import Breached, NotFound, breach_impact

if TYPE_CHECKING:
    from graph.questions import Impact

STATUS_STYLE = {
    "applies": "bold red",
    "likely": "bold red",
    "assess": "yellow",
    "if applicable": "cyan",
    "applies to the processor": "cyan",
    "not applicable": "dim",
}


def parse_when(text: str | None, flag: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{flag} '{text}' is not a date and time: use YYYY-MM-DDTHH:MM, e.g. 2026-12-01T09:30"
        ) from None


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--as-of '{text}' is not a date: use YYYY-MM-DD") from None


def register(cli: ModuleType) -> None:
    """Add ``impact`` to the app."""
    app: typer.Typer = cli.app

    @app.command()
    def impact(
        record: RecordOpt = None,
        system: Annotated[
            str | None, typer.Option("--system", help="A breached system (id or name).")
        ] = None,
        recipient: Annotated[
            str | None,
            typer.Option("--recipient", help="A breached recipient or processor (id or name)."),
        ] = None,
        category: Annotated[
            str | None, typer.Option("--category", help="A breached data category (id or name).")
        ] = None,
        aware_at: Annotated[
            str | None,
            typer.Option(
                "--aware-at",
                metavar="YYYY-MM-DDTHH:MM",
                help="When you became aware of the breach: deadlines become dates and times.",
                show_default=False,
            ),
        ] = None,
        telecoms: Annotated[
            bool | None,
            typer.Option(
                "--telecoms-provider/--not-telecoms-provider",
                help="Whether you provide a public electronic communications service and the "
                "breach is in connection with it (PECR reg 5A). Default: unknown, shown as "
                "'if applicable'.",
                show_default=False,
            ),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", metavar="YYYY-MM-DD", help="The law as on this date."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
        store_kind: StoreKindOpt = "embedded",
        db: DbOpt = None,
    ) -> None:
        """A breach: whose data, which data (special category flagged), which activities,
        where it went (recipients, sub-processors, countries, transfer tools), the duties that
        follow and their deadlines, and the regulator's form pre-filled from the record."""
        given = [
            (k, v)
            for k, v in (("system", system), ("recipient", recipient), ("category", category))
            if v is not None
        ]
        if len(given) != 1:
            raise cli.fail(
                "name what was breached: exactly one of --system, --recipient, --category", 2
            )
        kind, element = Breached(given[0][0]), str(given[0][1])
        try:
            aware = parse_when(aware_at, "--aware-at")
            day = parse_day(as_of)
        except ValueError as exc:
            raise cli.fail(escape(str(exc)), 2) from None
        with question_store(cli, record, store_kind, db, "impact") as store:
            findings = _findings(cli, store, day)
            try:
                answer = breach_impact(
                    store,
                    kind,
                    element,
                    as_of=day,
                    aware_at=aware,
                    telecoms_provider=telecoms,
                    findings=findings,
                )
            except NotFound as exc:
                raise cli.fail(escape(str(exc))) from None
        if as_json:
            sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
            return
        print_impact(cli, answer)


def _findings(cli: ModuleType, store: Any, day: dt.date | None) -> list[Any]:
    """The compliance findings, to show those about the breached elements (empty if unavailable)."""
    try:
        from graph.findings import run_findings
    except (ImportError, FileNotFoundError, RuntimeError, ValueError) as exc:
        cli.err.print(f"[yellow]warning:[/] findings unavailable: {escape(str(exc))}")
        return []
    return list(run_findings(store, day).findings)


def print_impact(cli: ModuleType, answer: Impact) -> None:
    out = cli.out
    e = escape
    out.rule(
        f"[bold]Breach at {e(answer.element_name)}[/] ({answer.breached.value} "
        f"{e(answer.element_id)}) — {e(answer.regime or 'no modelled regime')}, law as on "
        f"{answer.as_of.isoformat()}"
    )
    whose = "; ".join(s["name"] for s in answer.subjects) or "none recorded"
    out.print(f"[bold]Whose data:[/] {e(whose)}")
    cats = []
    for c in answer.categories:
        cats.append(f"[bold red]{e(c.label())}[/]" if c.sensitive else e(c.label()))
    out.print(f"[bold]Which data:[/] {'; '.join(cats) or 'none recorded'}")
    out.print(
        "[bold]Activities:[/] "
        + e("; ".join(f"{a.name} ({a.role})" for a in answer.activities) or "none")
    )
    if answer.destinations:
        table = Table(title="Where the affected data is", show_lines=False)
        for column in ("recipient", "relation", "kind", "country", "transfer tool", "status"):
            table.add_column(column, overflow="fold")
        for d in answer.destinations:
            status = d.mechanism_status or ""
            style = "bold red" if status.startswith("not") else ""
            table.add_row(
                e(f"{d.recipient} ({d.recipient_id})"),
                e(d.relation),
                e(d.kind or ""),
                e(d.country_name or "not recorded"),
                e(d.mechanism_name or d.mechanism or ""),
                f"[{style}]{e(status)}[/]" if style else e(status),
            )
        out.print(table)
    out.print(f"[bold]Countries reached:[/] {e(', '.join(answer.countries) or 'none recorded')}")

    out.print()
    out.print("[bold underline]Duties that follow[/]")
    for duty in answer.duties:
        style = STATUS_STYLE.get(duty.status, "")
        out.print(
            f"[{style}]{e(duty.status.upper())}[/] [bold]{e(duty.name)}[/] ({e(duty.article)})"
        )
        when = duty.deadline + (f" — due {duty.due}" if duty.due else "")
        out.print(f"  [bold]notify:[/] {e(duty.notify)} · [bold]when:[/] {e(when)}")
        out.print(f"  [bold]why:[/] {e(duty.why)}")
        if duty.exemptions:
            out.print(f"  [bold]unless:[/] {e(duty.exemptions)}")
        out.print(f"  [dim]{e(duty.source)} (checked {duty.checked})[/]")
    out.print()
    form = Table(title="The regulator's form, pre-filled from the record", show_lines=True)
    form.add_column("question", overflow="fold")
    form.add_column("answer", overflow="fold", ratio=3)
    for item in answer.form:
        form.add_row(e(item["question"]), e(item["answer"]))
    out.print(form)
    for p in answer.procedures:
        stated = str(p["statedAs"] or p["description"])
        out.print(
            f"[bold]The record's own breach procedure:[/] {e(stated)}"
            f" [dim]({e(str(p['ref'] or ''))})[/]"
        )
    if answer.findings:
        out.print(f"[bold]Findings about these elements ({len(answer.findings)}):[/]")
        for f in answer.findings:
            out.print(
                f"  {e(f['severity'])} {e(f['rule'])} — {e(f['element_name'])}: {e(f['title'])}"
            )
    for note in answer.notes:
        out.print(f"[dim]note: {e(note)}[/]")
