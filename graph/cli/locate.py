"""``ropagraph locate``: where a data subject's data lives — a checklist for a subject access or
erasure request (per activity: data, basis, retention, rights; per system and recipient: data,
country, transfer tool).

The answer comes from graph.questions.locate; this module only parses options and prints.
"""

from __future__ import annotations

import json
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graph.cli.impact import parse_day
from graph.cli.question_store import DbOpt, RecordOpt, StoreKindOpt, question_store
from graph.questions import NotFound, locate_subject

if TYPE_CHECKING:
    from graph.questions import Located


def register(cli: ModuleType) -> None:
    """Add ``locate`` to the app."""
    app: typer.Typer = cli.app

    @app.command()
    def locate(
        record: RecordOpt = None,
        subject: Annotated[
            str,
            typer.Option(
                "--subject", help="The data subject category (id or name), e.g. customers."
            ),
        ] = "",
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", metavar="YYYY-MM-DD", help="The law as on this date."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
        store_kind: StoreKindOpt = "embedded",
        db: DbOpt = None,
    ) -> None:
        """Where a data subject's data lives: every activity, system and recipient holding it,
        with the data, the country, the retention rule and the rights that apply."""
        if not subject.strip():
            raise cli.fail("name the data subject: --subject ID (e.g. --subject customers)", 2)
        try:
            day = parse_day(as_of)
        except ValueError as exc:
            raise cli.fail(escape(str(exc)), 2) from None
        with question_store(cli, record, store_kind, db, "locate") as store:
            try:
                answer = locate_subject(store, subject, as_of=day)
            except NotFound as exc:
                raise cli.fail(escape(str(exc))) from None
        if as_json:
            sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
            return
        print_located(cli, answer)


def print_located(cli: ModuleType, answer: Located) -> None:
    out = cli.out
    e = escape
    out.rule(
        f"[bold]Where is it?[/] {e(answer.subject)} ({e(answer.subject_id)}) — "
        f"{e(answer.regime or 'no modelled regime')}, law as on {answer.as_of.isoformat()}"
    )
    acts = Table(
        title=f"Activities of {e(answer.controller)} that hold their data", show_lines=True
    )
    for column in ("☐", "activity", "data", "basis", "retention", "rights"):
        acts.add_column(column, overflow="fold")
    for a in answer.activities:
        rights = "\n".join(f"{r.name} ({r.article})" for r in a.rights)
        if a.rights_note:
            rights = (rights + "\n" if rights else "") + a.rights_note
        acts.add_row(
            "☐",
            e(f"{a.name} ({a.id})" + (" — as processor" if a.role == "processor" else "")),
            e("; ".join(c.label() for c in a.categories) or "none recorded"),
            e(", ".join(a.bases) or "none stated"),
            e("\n".join(a.retention) or "none recorded"),
            e(rights),
        )
    out.print(acts)
    for title, places in (("Systems", answer.systems), ("Recipients", answer.recipients)):
        table = Table(title=f"{title} holding their data ({len(places)})", show_lines=False)
        for column in ("☐", title[:-1].lower(), "data", "country", "detail", "from activities"):
            table.add_column(column, overflow="fold")
        for p in places:
            detail = "; ".join(
                f"{k}: {', '.join(v) if isinstance(v, list) else v}"
                for k, v in p.detail.items()
                if v not in (None, False, [], "")
            )
            table.add_row(
                "☐",
                e(f"{p.name} ({p.id})"),
                e("; ".join(p.categories)),
                e(p.country or "not recorded"),
                e(detail),
                e(", ".join(p.activities)),
            )
        out.print(table)
    for note in answer.notes:
        out.print(f"[dim]note: {e(note)}[/]")
