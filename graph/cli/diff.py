"""``ropagraph diff OLD NEW``: what changes in the processing between two versions of a record,
and which findings that introduces or resolves — Markdown for a pull-request comment, JSON for
tools, and ``--fail-on`` as a CI gate.

OLD and NEW are record folders/files or ``git:REV:PATH``. The comparison is
graph.questions.diff; this module materialises the two versions, loads each into a throwaway
store and prints.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.markup import escape

from graph.cli.impact import parse_day
from graph.cli.question_store import throwaway_store
from graph.stores import GraphStore
from loaders.revision import RevisionError, checkout_revision, is_revision

FORMATS = ("md", "json")


@contextmanager
def version_store(cli: ModuleType, spec: str, repo: Path | None, side: str) -> Iterator[GraphStore]:
    """One side of the diff in a throwaway store; errors say which side."""
    with ExitStack() as stack:
        if is_revision(spec):
            try:
                path = stack.enter_context(checkout_revision(spec, repo))
            except RevisionError as exc:
                raise cli.fail(f"{side}: {escape(str(exc))}") from None
        else:
            path = Path(spec)
            if not path.exists():
                raise cli.fail(
                    f"{side}: {escape(spec)} does not exist (a record folder, a YAML "
                    "file, or git:REV:PATH)"
                )
        cli.err.print(f"[dim]{side}: reading {escape(spec)}[/]", highlight=False)
        yield stack.enter_context(throwaway_store(cli, path, f"diff-{side}"))


def register(cli: ModuleType) -> None:
    """Add ``diff`` to the app."""
    app: typer.Typer = cli.app

    @app.command()
    def diff(
        old: Annotated[
            str, typer.Argument(help="The old record: a folder, a file or git:REV:PATH.")
        ],
        new: Annotated[
            str, typer.Argument(help="The new record: a folder, a file or git:REV:PATH.")
        ],
        fmt: Annotated[
            str, typer.Option("--format", help="md (a pull-request comment) or json.")
        ] = "md",
        fail_on: Annotated[
            str | None,
            typer.Option(
                "--fail-on",
                metavar="SEVERITY",
                help="Exit 1 if NEW introduces a finding at or above this severity.",
                show_default=False,
            ),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", metavar="YYYY-MM-DD", help="The law as on this date."),
        ] = None,
        repo: Annotated[
            Path | None,
            typer.Option("--repo", help="The git repository for git:REV:PATH (default: here)."),
        ] = None,
    ) -> None:
        """What changes between two versions of a record: activities, bases, data, subjects,
        recipients, transfers and tools, retention, sources, systems — and the findings it
        introduces and resolves."""
        try:
            from graph.findings import Severity
            from graph.questions.diff import diff_stores, to_markdown
        except (ImportError, FileNotFoundError, RuntimeError, ValueError) as exc:
            raise cli.fail(f"cannot load the compliance rules: {escape(str(exc))}") from None
        if fmt not in FORMATS:
            raise cli.fail(f"--format '{escape(fmt)}': use md or json", 2)
        try:
            gate = Severity.parse(fail_on) if fail_on is not None else None
            day = parse_day(as_of)
        except ValueError as exc:
            raise cli.fail(escape(str(exc)), 2) from None
        with (
            version_store(cli, old, repo, "old") as before,
            version_store(cli, new, repo, "new") as after,
        ):
            result = diff_stores(before, after, old_label=old, new_label=new, as_of=day)
        if fmt == "json":
            data = result.to_dict()
            if gate is not None:
                data["fail_on"] = gate.value
                data["failing"] = [f.to_dict() for f in result.at_or_above(gate)]
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(to_markdown(result, gate))
        for rule, message in result.errors.items():
            cli.err.print(f"[bold red]rule {escape(rule)} could not run:[/] {escape(message)}")
        if result.errors or (gate is not None and result.at_or_above(gate)):
            raise typer.Exit(1)
