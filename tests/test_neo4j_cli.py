"""The Neo4j commands through the CLI: clear one-line errors, no secrets, atomic exports.

No Neo4j server is reachable here; an unreachable address (port 9 on the loopback, where nothing
listens) gives the driver's real connection failure, which is what these tests check we report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.cli import app
from tests.conftest import minimal_record_data
from tests.test_neo4j_support import split_statements

SECRET = "s3cret-value"
UNREACHABLE = "neo4j://127.0.0.1:9"
NEO4J_VARS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in NEO4J_VARS:
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def one_line(output: str) -> str:
    """The error text with the console's wrapping undone."""
    return " ".join(output.split())


STORE_COMMANDS = [
    ["push", "data/kynex"],
    ["query", "basis-summary", "--store", "neo4j"],
    ["cypher", "MATCH (n) RETURN count(n)", "--store", "neo4j"],
]


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: a[0])
def test_without_neo4j_uri_each_command_says_how_to_set_it(
    runner: CliRunner, kynex_path: Path, args: list[str]
) -> None:
    args = [str(kynex_path) if a == "data/kynex" else a for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    text = one_line(result.output)
    assert text.startswith("error: NEO4J_URI is not set: export NEO4J_URI=neo4j://")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: a[0])
def test_an_unreachable_server_is_one_line_without_the_password(
    runner: CliRunner, kynex_path: Path, args: list[str]
) -> None:
    args = [str(kynex_path) if a == "data/kynex" else a for a in args]
    env = {"NEO4J_URI": UNREACHABLE, "NEO4J_PASSWORD": SECRET}
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1
    assert SECRET not in result.output
    text = one_line(result.output)
    assert text.startswith(f"error: cannot reach Neo4j at {UNREACHABLE}")
    assert text.count("error:") == 1 and "Traceback" not in result.output


def test_credentials_inside_the_uri_are_refused_and_never_echoed(runner: CliRunner) -> None:
    env = {"NEO4J_URI": f"neo4j://neo4j:{SECRET}@127.0.0.1:9", "NEO4J_PASSWORD": "x"}
    result = runner.invoke(app, ["cypher", "RETURN 1", "--store", "neo4j"], env=env)
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert "carries credentials" in one_line(result.output)


def test_a_uri_that_is_not_bolt_is_explained(runner: CliRunner, kynex_path: Path) -> None:
    result = runner.invoke(app, ["push", str(kynex_path)], env={"NEO4J_URI": "localhost:7687"})
    assert result.exit_code == 1
    assert "is not a Bolt address" in one_line(result.output)
    assert "neo4j://localhost:7687" in one_line(result.output)


def test_without_a_password_and_no_terminal_the_variable_is_named(
    runner: CliRunner, kynex_path: Path
) -> None:
    result = runner.invoke(app, ["push", str(kynex_path)], env={"NEO4J_URI": UNREACHABLE})
    assert result.exit_code == 1
    assert "NEO4J_PASSWORD is not set" in one_line(result.output)


def test_the_password_cannot_be_given_on_the_command_line(
    runner: CliRunner, kynex_path: Path
) -> None:
    help_text = runner.invoke(app, ["push", "--help"]).output
    assert "password" not in help_text.lower().replace("neo4j_password", "")
    result = runner.invoke(app, ["push", str(kynex_path), "--password", SECRET])
    assert result.exit_code == 2


def test_push_validates_the_record_before_connecting(runner: CliRunner, make_record: Any) -> None:
    bad = minimal_record_data()
    bad["activities"][0]["recipients"] = ["nobody"]
    result = runner.invoke(
        app, ["push", str(make_record(bad))], env={"NEO4J_URI": UNREACHABLE, "NEO4J_PASSWORD": "x"}
    )
    assert result.exit_code == 1
    assert "nobody" in result.output
    assert "cannot reach" not in result.output


def test_push_refuses_a_zero_batch_size(runner: CliRunner, kynex_path: Path) -> None:
    result = runner.invoke(app, ["push", str(kynex_path), "--batch-size", "0"])
    assert result.exit_code == 2


# --------------------------------------------------------------------------- exports


def test_export_cypher_writes_a_complete_script(
    runner: CliRunner, kynex_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "kynex.cypher"
    out.write_text("old content")
    result = runner.invoke(app, ["export", "cypher", str(kynex_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    script = out.read_text(encoding="utf-8")
    assert "old content" not in script and script.endswith(";\n")
    statements = split_statements(script)
    assert statements[0].startswith("CREATE CONSTRAINT ropagraph_Record_uid IF NOT EXISTS")
    assert sum(s.startswith("UNWIND [") for s in statements) > 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kynex.cypher"]  # no temp files left


def test_export_cypher_of_an_invalid_record_writes_nothing(
    runner: CliRunner, make_record: Any, tmp_path: Path
) -> None:
    bad = minimal_record_data()
    bad["activities"][0]["lawful_bases"] = ["consentt"]
    out = tmp_path / "out" / "bad.cypher"
    result = runner.invoke(app, ["export", "cypher", str(make_record(bad)), "-o", str(out)])
    assert result.exit_code == 1
    assert "lawful_bases" in result.output
    assert not out.exists()


def test_export_cypher_to_a_folder_is_a_usage_error(
    runner: CliRunner, kynex_path: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["export", "cypher", str(kynex_path), "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_export_neo4j_csv_writes_files_and_prints_the_command(
    runner: CliRunner, kynex_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "import"
    result = runner.invoke(app, ["export", "neo4j-csv", str(kynex_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full" in result.output
    assert (out / "README.md").is_file() and (out / "constraints.cypher").is_file()
    assert (out / "nodes-Activity.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["import"]  # no temp folder left


def test_export_neo4j_csv_will_not_replace_a_folder_of_other_files(
    runner: CliRunner, kynex_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["export", "neo4j-csv", str(kynex_path), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "not empty" in one_line(result.output)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


DOC = Path(__file__).resolve().parent.parent / "docs" / "neo4j.md"


def doc_commands() -> list[str]:
    import re

    text = DOC.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            needs_server = "ropagraph push" in line or "--store neo4j" in line
            if line.startswith("ropagraph ") and not needs_server:
                commands.append(line)
    return commands


def test_the_doc_has_server_free_examples() -> None:
    assert len(doc_commands()) >= 2


@pytest.mark.parametrize("command", doc_commands())
def test_doc_examples_that_need_no_server_run(
    runner: CliRunner, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(DOC.parent.parent / "data")
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, f"{command}\n{result.output}"
