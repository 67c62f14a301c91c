"""`ropagraph dashboard`: help, validation before Streamlit starts, and the launch it builds.

No server is started here: os.execve (what the command ends with) is replaced by a recorder, so
the tests see exactly what would run, with which environment.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import graph.cli.dashboard as cli_dashboard
from dashboard import settings
from graph.cli import app
from graph.stores import EmbeddedStore
from tests.conftest import KYNEX, ROOT, minimal_record_data, write_record

runner = CliRunner()


class Exec:
    """Stands in for os.execve: records the call instead of replacing the process."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str], dict[str, str]]] = []

    def __call__(self, path: str, argv: list[str], env: dict[str, str]) -> None:
        self.calls.append((path, list(argv), dict(env)))


def never_spawn(*args: object, **kwargs: object) -> int:
    raise AssertionError("a test must never start a real Streamlit server")


@pytest.fixture
def exec_recorder(monkeypatch: pytest.MonkeyPatch) -> Exec:
    recorder = Exec()
    monkeypatch.setattr(cli_dashboard.os, "execve", recorder)
    monkeypatch.setattr(cli_dashboard.subprocess, "call", never_spawn)
    monkeypatch.setattr(cli_dashboard, "port_in_use", lambda address, port: False)
    return recorder


def test_help_describes_the_command() -> None:
    result = runner.invoke(app, ["dashboard", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--db", "--store", "--headless", "--address"):
        assert option in result.output


def test_a_bad_record_exits_1_before_streamlit(tmp_path: Path, exec_recorder: Exec) -> None:
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    bad = write_record(tmp_path / "bad.yaml", data)
    db = tmp_path / "store.lbug"
    result = runner.invoke(app, ["dashboard", str(bad), "--db", str(db), "--headless"])
    assert result.exit_code == 1
    assert "consnet" in result.output
    assert exec_recorder.calls == []
    assert not db.exists()


def test_a_missing_record_exits_1(tmp_path: Path, exec_recorder: Exec) -> None:
    result = runner.invoke(app, ["dashboard", str(tmp_path / "nope"), "--db", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert exec_recorder.calls == []


def test_usage_errors_exit_2(tmp_path: Path, exec_recorder: Exec) -> None:
    assert runner.invoke(app, ["dashboard", str(KYNEX), "--port", "0"]).exit_code == 2
    result = runner.invoke(app, ["dashboard", str(KYNEX), "--store", "mysql"])
    assert result.exit_code == 2 and "unknown store" in result.output
    assert exec_recorder.calls == []


def test_a_valid_record_is_loaded_then_streamlit_is_executed(
    tmp_path: Path, exec_recorder: Exec
) -> None:
    record = write_record(tmp_path / "ok.yaml", minimal_record_data())
    db = tmp_path / "store.lbug"
    result = runner.invoke(
        app, ["dashboard", str(record), "--db", str(db), "--port", "8599", "--headless"]
    )
    assert result.exit_code == 0, result.output
    with EmbeddedStore(db) as store:
        info = store.record_info()
    assert info is not None and info["name"] == "Test record"
    [(path, argv, env)] = exec_recorder.calls
    assert argv[:5] == [
        path,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "streamlit_app.py"),
    ]
    flags = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert flags["--server.port"] == "8599"
    assert flags["--server.headless"] == "true"
    assert flags["--server.address"] == "localhost"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert env[settings.ENV_DB] == str(db.resolve())
    assert env[settings.ENV_RECORD] == str(record.resolve())
    assert env[settings.ENV_STORE] == "embedded"
    assert str(ROOT) in env["PYTHONPATH"].split(os.pathsep)


def test_an_already_loaded_store_is_not_rebuilt(tmp_path: Path, exec_recorder: Exec) -> None:
    record = write_record(tmp_path / "ok.yaml", minimal_record_data())
    db = tmp_path / "store.lbug"
    args = ["dashboard", str(record), "--db", str(db), "--headless"]
    assert runner.invoke(app, args).exit_code == 0
    built = db.stat().st_mtime_ns
    second = runner.invoke(app, args)
    assert second.exit_code == 0
    assert "nothing to do" in second.output
    assert db.stat().st_mtime_ns == built
    assert len(exec_recorder.calls) == 2


def test_a_busy_port_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Exec()
    monkeypatch.setattr(cli_dashboard.os, "execve", recorder)
    monkeypatch.setattr(cli_dashboard.subprocess, "call", never_spawn)
    record = write_record(tmp_path / "ok.yaml", minimal_record_data())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(
            app, ["dashboard", str(record), "--db", str(tmp_path / "s.lbug"), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert f"port {port} is already in use" in result.output
    assert recorder.calls == []


def test_launch_keeps_the_callers_environment_but_never_adds_secrets(tmp_path: Path) -> None:
    environ: dict[str, Any] = {"PATH": "/bin", "PYTHONPATH": "/elsewhere", "NEO4J_PASSWORD": "s3"}
    launch = cli_dashboard.streamlit_launch(
        record=KYNEX,
        store_kind="neo4j",
        db=None,
        port=8501,
        address="localhost",
        headless=False,
        environ=environ,
    )
    assert launch.env["PYTHONPATH"].split(os.pathsep) == [str(ROOT), "/elsewhere"]
    assert launch.env["ROPAGRAPH_STORE"] == "neo4j"
    assert "ROPAGRAPH_DB" not in launch.env
    assert "s3" not in " ".join(launch.argv)  # credentials stay in the environment only
    assert "--server.headless" not in launch.argv  # Streamlit decides: browser or not


def test_the_cli_and_the_app_agree_on_variable_names() -> None:
    assert (cli_dashboard.ENV_DB, cli_dashboard.ENV_STORE, cli_dashboard.ENV_RECORD) == (
        settings.ENV_DB,
        settings.ENV_STORE,
        settings.ENV_RECORD,
    )
    assert cli_dashboard.APP.exists()
    assert cli_dashboard.DEFAULT_RECORD == KYNEX


def test_neo4j_without_settings_exits_1_before_streamlit(
    exec_recorder: Exec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = runner.invoke(app, ["dashboard", str(KYNEX), "--store", "neo4j", "--headless"])
    assert result.exit_code == 1
    assert "NEO4J_URI is not set" in result.output
    assert exec_recorder.calls == []
