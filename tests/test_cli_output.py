"""The command line without a terminal: FILE:LINE:COL problem lines, CSV/TSV/JSON query results,
tables that never wrap ids (issue 16). Real subprocesses, so stdout really is a pipe."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.cli.output import ResultFormat, print_result, result_table
from graph.stores import QueryResult

runner = CliRunner()
LINE = re.compile(r"^(?P<file>[^:\s][^:]*\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``ropagraph ARGS`` with stdout and stderr pipes (no terminal), as in CI or ``| cat``."""
    env_free = {"COLUMNS": "80", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env_free,
        cwd=cwd or Path(__file__).resolve().parent.parent,
    )


@pytest.fixture
def bad_record(tmp_path: Path, kynex_path: Path) -> Path:
    folder = tmp_path / "a-record-folder-with-a-long-name"
    shutil.copytree(kynex_path, folder)
    recipients = folder / "recipients.yaml"
    text = recipients.read_text(encoding="utf-8")
    text = text.replace("kind: processor", "kind: procesor", 1)
    text = text.replace("country: US", "country: usa", 1)
    recipients.write_text(text, encoding="utf-8")
    return folder


def test_validate_piped_prints_one_file_line_col_line_per_problem(bad_record: Path) -> None:
    done = _cli("validate", str(bad_record))
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if LINE.match(line)]
    assert len(lines) == 2, done.stdout
    first = LINE.match(lines[0])
    assert first is not None
    assert first["file"] == str(bad_record / "recipients.yaml")  # never split mid-name
    assert "did you mean 'processor'?" in first["rest"]
    country = next(line for line in lines if "country" in line)
    assert "not a country code" in country and "did you mean 'US'" in country
    assert "should match pattern" not in done.stdout  # our words, not pydantic's
    assert "┃" not in done.stdout and "│" not in done.stdout  # no table in a pipe


def test_validate_format_table_and_plain_are_explicit(bad_record: Path) -> None:
    plain = runner.invoke(app, ["validate", str(bad_record), "--format", "plain"])
    assert plain.exit_code == 1
    assert re.search(r"recipients\.yaml:\d+:\d+: ", plain.output)
    table = runner.invoke(app, ["validate", str(bad_record), "--format", "table"])
    assert table.exit_code == 1
    assert "problem(s) in the record" in table.output and "│" in table.output


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, kynex_path: Path) -> Path:
    path = tmp_path_factory.mktemp("out") / "store.lbug"
    result = runner.invoke(app, ["load", str(kynex_path), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_query_csv_is_a_csv(db: Path) -> None:
    done = _cli("query", "third-country-transfers", "--format", "csv", "--db", str(db))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["recipientId"] for r in rows} == {"google", "mailchimp"}
    assert all(r["country"] == "US" for r in rows)


def test_query_tsv_and_json(db: Path) -> None:
    tsv = runner.invoke(app, ["query", "third-country-transfers", "-f", "tsv", "--db", str(db)])
    assert tsv.exit_code == 0
    header, *body = tsv.stdout.strip().splitlines()
    assert header.split("\t")[:2] == ["activityId", "activity"]
    assert len(body) == 2 and all(len(r.split("\t")) == len(header.split("\t")) for r in body)
    as_json = runner.invoke(
        app, ["query", "third-country-transfers", "-f", "json", "--db", str(db)]
    )
    assert {r["recipient"] for r in json.loads(as_json.stdout)} == {"Google", "MailChimp"}


def test_piped_table_never_wraps_a_ten_column_result(db: Path) -> None:
    done = _cli("query", "third-country-transfers", "--db", str(db))
    assert done.returncode == 0, done.stderr
    data_lines = [line for line in done.stdout.splitlines() if "website-analytics" in line]
    assert len(data_lines) == 1  # the whole row on one line, not a letter per line
    assert "EU-U.S Privacy Shield compliant" in data_lines[0]
    assert "kynex-privacy-policy §6" in data_lines[0]


def test_terminal_table_keeps_ids_whole_in_a_narrow_column() -> None:
    result = QueryResult(
        columns=["file", "message"],
        rows=[["data/kynex/activities.yaml:509:3", "a long message " * 8]],
        elapsed_ms=1.0,
    )
    from rich.console import Console

    console = Console(file=io.StringIO(), width=60)
    console.print(result_table(result))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "data/kynex/activities.yaml:509:3" in text


def test_csv_cells_join_lists(tmp_path: Path) -> None:
    result = QueryResult(columns=["a", "b"], rows=[["x", ["p", "q"]]], elapsed_ms=0.0)
    buffer = io.StringIO()
    print_result(result, buffer, ResultFormat.csv)
    assert buffer.getvalue().splitlines() == ["a,b", "x,p; q"]
