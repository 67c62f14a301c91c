"""The README's examples are runnable: its YAML validates and its commands succeed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from loaders import load_record

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Commands that start a server or need a service we cannot run here.
NOT_HERE = ("ropagraph dashboard", "ropagraph push", "--store neo4j")


def readme_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("ropagraph ") and not any(n in line for n in NOT_HERE):
                commands.append(line)
    return commands


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    lines = [ln.split("#")[0].strip() for ln in first_block.group(1).strip().splitlines()]
    assert lines == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_yaml_example_is_a_valid_record(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(.*?)```", README, re.S)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    record = load_record(path)
    assert record.activities[0].lawful_bases[0].basis.value == "consent"


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.setenv("ROPAGRAPH_DB", str(tmp_path / "store.lbug"))
    runner = CliRunner()
    assert runner.invoke(app, ["load", "data/kynex"]).exit_code == 0
    words = shlex.split(command, comments=True)
    if ">" in words:
        words = words[: words.index(">")]
    result = runner.invoke(app, words[1:])
    assert result.exit_code == 0, f"{command}\n{result.output}"
