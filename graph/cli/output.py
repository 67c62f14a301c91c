"""How the command line prints when a person reads a terminal and when a program reads a pipe.

A rich table is right on a terminal and wrong in a CI log or a pipe: there rich wraps at 80
columns and splits ``activities.yaml:509:3`` into ``activities.yam`` / ``l:509:3``. So:

* record problems print as ``FILE:LINE:COL: field: message — suggestion`` lines (one per
  problem, never wrapped, the format editors and CI annotators understand) when the stream is not
  a terminal or with ``--format plain``; a table otherwise;
* query results print as a table (never wrapping a column whose values have no spaces, such as
  ids, and at its natural width when the stream is not a terminal), or as JSON, CSV or TSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph.stores import QueryResult
from loaders.problems import Problem

ID_COLUMN_MAX = 60
"""A no-space column wider than this may wrap (a 200-character URL must not push every other
column off a terminal); on a pipe nothing wraps at all."""


class ProblemFormat(StrEnum):
    """How ``validate`` (and every command that reads a record) reports problems."""

    auto = "auto"
    table = "table"
    plain = "plain"


class ResultFormat(StrEnum):
    """How query results are printed."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


def is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def plain_line(problem: Problem) -> str:
    """``file:line:col: field: message — suggestion`` on one line (newlines in text flattened)."""
    return " ".join(str(problem).split())


def print_problems(
    problems: Sequence[Problem], stream: TextIO, fmt: ProblemFormat = ProblemFormat.auto
) -> None:
    """Every problem, as plain lines (pipes, CI, ``--format plain``) or as a table (terminal)."""
    plain = fmt is ProblemFormat.plain or (fmt is ProblemFormat.auto and not is_terminal(stream))
    if plain:
        for problem in problems:
            stream.write(plain_line(problem) + "\n")
        stream.write(f"{len(problems)} problem(s) in the record\n")
        stream.flush()
        return
    table = Table(title=f"{len(problems)} problem(s) in the record", show_lines=False)
    table.add_column("where", no_wrap=True)
    table.add_column("field", overflow="fold")
    table.add_column("problem", ratio=3)
    table.add_column("suggestion", ratio=2)
    for p in problems:
        table.add_row(
            escape(p.where()), escape(p.field or ""), escape(p.message), escape(p.suggestion or "")
        )
    Console(file=stream, highlight=False).print(table)


# --------------------------------------------------------------------------- query results


def cell_text(value: Any, list_separator: str = "\n") -> str:
    """A result value as text: lists joined, maps as JSON, absent as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return list_separator.join(cell_text(v, list_separator) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _delimited(result: QueryResult, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        cells = [cell_text(v, "; ") for v in row]
        if delimiter == "\t":  # TSV has no quoting: tabs and newlines become spaces
            cells = [" ".join(c.replace("\t", " ").splitlines()) for c in cells]
        writer.writerow(cells)
    return buffer.getvalue()


def _unbreakable(values: Iterable[str]) -> int | None:
    """The width of a column whose values have no spaces (ids, codes, dates), else None."""
    width = 0
    for value in values:
        for line in value.splitlines() or [""]:
            if any(ch.isspace() for ch in line):
                return None
            width = max(width, len(line))
    return width


def result_table(result: QueryResult, title: str | None = None) -> Table:
    """A rich table of ``result`` where id-like columns never wrap mid-word."""
    rows = [[cell_text(v) for v in row] for row in result.rows]
    table = Table(title=escape(title) if title else None, show_lines=False)
    for index, column in enumerate(result.columns):
        width = _unbreakable(row[index] for row in rows)
        if width is not None and width <= ID_COLUMN_MAX:
            table.add_column(escape(column), no_wrap=True, min_width=max(width, len(column)))
        else:
            table.add_column(escape(column), overflow="fold")
    for row in rows:
        table.add_row(*(escape(c) for c in row))
    return table


def print_result(
    result: QueryResult,
    stream: TextIO,
    fmt: ResultFormat = ResultFormat.table,
    title: str | None = None,
) -> None:
    """``result`` in ``fmt`` on ``stream``; a table ends with its row count and time."""
    if fmt is ResultFormat.json:
        stream.write(json.dumps(result.records(), ensure_ascii=False, indent=2, default=str))
        stream.write("\n")
        return
    if fmt in (ResultFormat.csv, ResultFormat.tsv):
        stream.write(_delimited(result, "," if fmt is ResultFormat.csv else "\t"))
        return
    table = result_table(result, title)
    if is_terminal(stream):
        console = Console(file=stream)
    else:  # a log or a pipe: print at the table's natural width, never wrapped
        probe = Console(file=io.StringIO(), width=100_000)
        width = probe.measure(table).maximum
        console = Console(file=stream, width=max(width, 40), color_system=None)
    console.print(table)
    console.print(f"[dim]{len(result.rows)} row(s) in {result.elapsed_ms:.0f} ms[/]")
