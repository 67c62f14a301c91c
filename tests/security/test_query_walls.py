"""Each wall around user-written Cypher, on its own: the plan allow-list, the worker's sandbox,
the row cap, the hard clock, the memory ceiling, and sessions not waiting on each other."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from pathlib import Path

import ladybug
import pytest
from typer.testing import CliRunner

from dashboard.locked_store import LockedStore
from graph.cli import app
from graph.stores import EmbeddedStore, StoreError, landlock, sandbox
from graph.stores.readonly import WriteRefused, check_plan, check_read_only
from graph.stores.sandbox import Limits, run_in_worker, run_user_query
from tests.security.conftest import PASSWD, digest, folder_listing

runner = CliRunner()
HAS_LANDLOCK = landlock.abi_version() > 0


def _plan(store: EmbeddedStore, cypher: str) -> str:
    db = ladybug.Database(str(store.path), read_only=True)
    try:
        conn = ladybug.Connection(db)
        rows = conn.execute("EXPLAIN " + cypher).get_all()
        conn.close()
    finally:
        db.close()
    return "\n".join(str(r[0]) for r in rows)


@pytest.mark.parametrize(
    ("cypher", "refused"),
    [
        ("COPY (MATCH (a:Activity) RETURN a.id) TO 'x.csv'", "COPY_TO"),
        ("CHECKPOINT", "TRANSACTION"),
        (
            "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
            "READ_CSV",
        ),
    ],
)
def test_the_plan_allow_list_refuses_files_and_commands(
    scratch_store: EmbeddedStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cypher: str,
    refused: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WriteRefused, match=refused):
        check_plan(_plan(scratch_store, cypher))
    assert not (tmp_path / "x.csv").exists(), "EXPLAIN itself must not run the query"


def test_the_plan_allow_list_accepts_reads(scratch_store: EmbeddedStore) -> None:
    for cypher in (
        "MATCH (a:Activity)-[:RELIES_ON]->(b:LawfulBasis) RETURN a, b LIMIT 25",
        "MATCH p = (a)-[*1..3]->(b) RETURN p LIMIT 3",
        "CALL show_tables() RETURN *",
        "MATCH (a:Activity) RETURN a.id ORDER BY a.id",
    ):
        check_plan(_plan(scratch_store, cypher))


@pytest.mark.parametrize(
    "alias",
    ["`RESULT_COLLECTOR[9]`", "`┐\n┌ PROJECTION[9] ┐\n│ Function: READ_FTABLE │`", "`┌`"],
)
def test_user_text_in_the_plan_cannot_hide_an_operator(
    scratch_store: EmbeddedStore, alias: str
) -> None:
    # Aliases and strings appear in the plan's boxes, box-drawing characters and all: they may
    # add names (then refused), never hide or replace the engine's own headings.
    cypher = f"COPY (MATCH (a:Activity) RETURN a.id AS {alias}) TO 'x.csv'"
    with pytest.raises(WriteRefused):
        check_plan(_plan(scratch_store, cypher))


def test_the_lexical_guard_refuses_the_ambiguous_comment() -> None:
    with pytest.raises(WriteRefused, match=r"\*\*/"):
        check_read_only("RETURN 1 /* **/ '*/; CHECKPOINT //'")


@pytest.mark.skipif(not HAS_LANDLOCK, reason="this kernel has no Landlock")
def test_the_worker_alone_cannot_read_files(scratch_store: EmbeddedStore) -> None:
    cypher = "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *"
    with pytest.raises((WriteRefused, StoreError)) as info:
        run_in_worker(scratch_store.path, cypher, check_plan=False)
    assert PASSWD.read_text(encoding="utf-8").splitlines()[0] not in str(info.value)


@pytest.mark.parametrize(
    "cypher",
    ["COPY (MATCH (a:Activity) RETURN a.id) TO '{out}'", "CHECKPOINT"],
    ids=["copy-to", "checkpoint"],
)
def test_the_worker_alone_cannot_write(
    scratch_store: EmbeddedStore, tmp_path: Path, cypher: str
) -> None:
    """With the plan check switched off, the sandbox still stops every write."""
    out = tmp_path / "out.csv"
    before, listing = digest(scratch_store.path), folder_listing(scratch_store.path.parent)
    with contextlib.suppress(WriteRefused, StoreError):
        run_in_worker(scratch_store.path, cypher.format(out=out), check_plan=False)
    if HAS_LANDLOCK:
        assert not out.exists()
    else:  # RLIMIT_FSIZE=0: a file may be created, but not a byte written into it
        assert not out.exists() or out.stat().st_size == 0
    assert digest(scratch_store.path) == before
    assert folder_listing(scratch_store.path.parent) == listing
    assert EmbeddedStore(scratch_store.path).query("MATCH (a:Activity) RETURN count(a)").rows == [
        [1]
    ]


def test_the_worker_holds_no_secrets(
    scratch_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker starts with an empty environment in its private folder: no NEO4J_PASSWORD."""
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-in-the-parent")
    started: list[dict[str, object]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> object:
        started.append(kwargs)
        return real_popen(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(sandbox.subprocess, "Popen", recording_popen)
    result = run_in_worker(scratch_store.path, "RETURN 1 AS one")
    assert result.rows == [[1]]
    (kwargs,) = started
    env = kwargs["env"]
    assert isinstance(env, dict) and "NEO4J_PASSWORD" not in env
    assert not any("s3cret" in str(v) for v in env.values())
    assert set(env) <= {"PATH", "LANG", "HOME"}
    assert str(kwargs["cwd"]).startswith(str(scratch_store.path.parent))


def test_the_row_cap_stops_fetching_and_says_so(scratch_store: EmbeddedStore) -> None:
    result = run_in_worker(
        scratch_store.path, "UNWIND range(1, 100000) AS x RETURN x", limits=Limits(max_rows=50)
    )
    assert len(result.rows) == 50 and result.truncated
    cli = runner.invoke(
        app,
        [
            "cypher",
            "UNWIND range(1, 500) AS x RETURN x",
            "--limit",
            "7",
            "--json",
            "--db",
            str(scratch_store.path),
        ],
    )
    assert cli.exit_code == 0
    assert cli.stdout.count('"x"') == 7
    assert "only the first 7 rows" in cli.stderr


def test_the_clock_stops_expression_evaluation(scratch_store: EmbeddedStore) -> None:
    started = time.monotonic()
    with pytest.raises(StoreError, match="time limit"):
        run_in_worker(
            scratch_store.path,
            "UNWIND range(1, 100000000) AS x RETURN sum(x * x % 7)",
            limits=Limits(timeout_s=1),
        )
    assert time.monotonic() - started < 8


def test_the_memory_ceiling_stops_a_huge_list(scratch_store: EmbeddedStore) -> None:
    with pytest.raises(StoreError, match="memory ceiling"):
        run_in_worker(
            scratch_store.path,
            "RETURN size(list_transform(range(1, 300000000), x -> x + 1))",
            limits=Limits(timeout_s=20, memory_mb=512),
        )


@pytest.mark.parametrize(
    ("cypher", "timeout"),
    [
        ("UNWIND range(1, 2000000000) AS x RETURN count(x)", "5"),
        ("RETURN size(list_transform(range(1, 300000000), x -> x + 1))", "2"),
    ],
    ids=["unwind-2e9", "list-transform-3e8"],
)
def test_issue_queries_end_within_their_limits(
    scratch_store: EmbeddedStore, cypher: str, timeout: str
) -> None:
    """Issue 11: these ran 97 s at 17 GB and 21 s at 8.7 GB despite --timeout."""
    started = time.monotonic()
    result = runner.invoke(
        app, ["cypher", cypher, "--timeout", timeout, "--db", str(scratch_store.path)]
    )
    assert result.exit_code == 1
    assert "memory ceiling" in result.output or "time limit" in result.output
    assert time.monotonic() - started < float(timeout) + 8


def test_five_million_rows_as_json_stop_at_the_cap(scratch_store: EmbeddedStore) -> None:
    """Issue 11: 5 M rows with --json ran 31 s at 3.6 GB (fetching was outside every limit)."""
    started = time.monotonic()
    result = runner.invoke(
        app,
        [
            "cypher",
            "UNWIND range(1, 5000000) AS x RETURN x",
            "--json",
            "--db",
            str(scratch_store.path),
        ],
    )
    assert result.exit_code == 0
    assert result.stdout.count('"x"') == 10_000
    assert "only the first 10,000 rows" in result.stderr
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("value", ["-1", "nan", "1e30", "0", "inf"])
def test_cli_timeout_is_checked(scratch_store: EmbeddedStore, value: str) -> None:
    result = runner.invoke(
        app, ["cypher", "RETURN 1", "--timeout", value, "--db", str(scratch_store.path)]
    )
    assert result.exit_code == 2
    assert "--timeout" in result.output and "Traceback" not in result.output


def test_cli_limit_is_checked(scratch_store: EmbeddedStore) -> None:
    result = runner.invoke(
        app, ["cypher", "RETURN 1", "--limit", "0", "--db", str(scratch_store.path)]
    )
    assert result.exit_code == 2 and "--limit" in result.output


def test_a_console_query_does_not_wait_for_the_shared_lock(scratch_store: EmbeddedStore) -> None:
    """Another session holding the store's lock (a slow catalog query) blocks nobody's console."""
    shared = LockedStore(EmbeddedStore(scratch_store.path), str(scratch_store.path))
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with shared._lock:
            held.set()
            release.wait(30)

    answers: list[object] = []

    def console_query() -> None:
        answers.append(run_user_query(shared, "MATCH (a:Activity) RETURN a.id", None, Limits()))

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        asking = threading.Thread(target=console_query)
        asking.start()
        asking.join(20)  # the lock stays held all along: a query waiting for it never ends
        assert not asking.is_alive(), "the console query waited for the shared store lock"
        assert [r.rows for r in answers] == [[["newsletter"]]]  # type: ignore[attr-defined]
    finally:
        release.set()
        holder.join()
        shared.close()


def test_an_answer_too_large_for_the_caller_is_refused(
    scratch_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "MAX_OUTPUT_BYTES", 200_000)
    with pytest.raises(StoreError, match="larger than"):
        run_in_worker(
            scratch_store.path,
            "UNWIND range(1, 10000) AS x RETURN x, 'padding-padding-padding' AS p",
        )
