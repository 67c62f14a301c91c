"""ropagraph against a real Neo4j server: what only the real thing can show.

Runs when NEO4J_URI and NEO4J_PASSWORD name a server (``eval "$(make -s neo4j)"`` starts one:
Neo4j Community 5.26 from Maven Central, see tests/neo4j_server/); skipped otherwise. Every test
writes records under ids of its own and removes them, so it shares a database with the store
contract's session fixture and with other data.

- a push stores exactly the graph the embedded store holds, with Neo4j's own types;
- the sync on the server: removals, idempotence, batch sizes from one row to one transaction;
- ``export cypher`` run through the driver, and ``export neo4j-csv`` imported by the real
  ``neo4j-admin database import`` into a second server, both give the graph ``push`` gives;
- two records in one database are both reported;
- the CLI's errors for a wrong password, a locked user, a missing database and a closed port.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.build import Graph, build_graph
from graph.cli import app
from graph.model import Record
from graph.stores import EmbeddedStore
from graph.stores.neo4j_export import write_cypher_script, write_neo4j_csv
from graph.stores.neo4j_store import Neo4jSettings, Neo4jStore, open_neo4j_store
from graph.stores.neo4j_sync import record_id
from graph.synthetic import generate_record
from loaders import load_record
from tests.conftest import KYNEX, ROOT, minimal_record_data, write_record
from tests.test_neo4j_support import split_statements

pytestmark = pytest.mark.neo4j

SERVER_SH = ROOT / "tests" / "neo4j_server" / "server.sh"
NEO4J_MISSING = "no Neo4j server: set NEO4J_URI and NEO4J_PASSWORD (see docs/neo4j.md)"


@pytest.fixture
def neo(tmp_path: Path) -> Iterator[Neo4jStore]:
    """The server named by NEO4J_*; every record pushed through ``pushed`` is removed after."""
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        pytest.skip(NEO4J_MISSING)
    store = open_neo4j_store(prompt=None)
    store.pushed = set()  # type: ignore[attr-defined]
    try:
        yield store
    finally:
        for record in store.pushed:  # type: ignore[attr-defined]
            store.remove(record)


def push(store: Neo4jStore, graph: Graph, batch_size: int | None = None) -> Any:
    store.pushed.add(record_id(graph))  # type: ignore[attr-defined]
    if batch_size is not None:
        store = Neo4jStore(store.settings, batch_size)
    return store.load(graph)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def kynex_as(record: Record, new_id: str) -> Graph:
    """Kynex under another record id, so runs never collide in a shared database."""
    info = record.record.model_copy(update={"id": new_id})
    return build_graph(record.model_copy(update={"record": info}), "kynex-" + new_id)


def graph_of(data: dict[str, Any], folder: Path) -> Graph:
    path = write_record(folder / f"{uuid.uuid4().hex}.yaml", data)
    return build_graph(load_record(path), "hash-" + path.stem)


def embedded_snapshot(graph: Graph, folder: Path) -> tuple[list[str], list[str]]:
    store = EmbeddedStore(folder / f"{uuid.uuid4().hex}.lbug")
    try:
        store.load(graph)
        nodes = store.query("MATCH (n) RETURN n").rows
        rels = store.query("MATCH ()-[r]->() RETURN r").rows
    finally:
        store.close()
    return sorted(repr(sorted(r[0].items())) for r in nodes), sorted(
        repr(sorted(r[0].items())) for r in rels
    )


def neo4j_snapshot(store: Neo4jStore, record: str) -> tuple[list[str], list[str]]:
    """One record's nodes and relationships as the store returns them (tags stripped)."""
    params = {"record": record}
    nodes = store.query("MATCH (n) WHERE n.ropagraphRecord = $record RETURN n", params).rows
    rels = store.query("MATCH ()-[r]->() WHERE r.ropagraphRecord = $record RETURN r", params).rows
    return sorted(repr(sorted(r[0].items())) for r in nodes), sorted(
        repr(sorted(r[0].items())) for r in rels
    )


def raw_snapshot(store: Neo4jStore, record: str) -> tuple[list[str], list[str]]:
    """One record exactly as stored, tags included, endpoints by uid."""
    params = {"record": record}
    nodes = store.read(
        "MATCH (n) WHERE n.ropagraphRecord = $record RETURN labels(n), properties(n)", params
    )
    rels = store.read(
        "MATCH (a)-[r]->(b) WHERE r.ropagraphRecord = $record "
        "RETURN type(r), properties(r), a.ropagraphUid, b.ropagraphUid",
        params,
    )
    return sorted(repr((sorted(labels), sorted(p.items()))) for labels, p in nodes), sorted(
        repr((t, sorted(p.items()), a, b)) for t, p, a, b in rels
    )


# ------------------------------------------------------------------------ what a push stores


def test_a_push_stores_exactly_the_embedded_graph_with_neo4j_types(
    neo: Neo4jStore, kynex_record: Record, tmp_path: Path
) -> None:
    graph = kynex_as(kynex_record, unique("kynex"))
    record = record_id(graph)
    report = push(neo, graph)
    assert (report.nodes_created, report.relationships_created) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    assert neo4j_snapshot(neo, record) == embedded_snapshot(graph, tmp_path)
    types = neo.read(
        "MATCH (a:Activity {ropagraphUid: $uid}) RETURN valueType(a.childConsentAge), "
        "valueType(a.directMarketing), valueType(a.purposes), valueType(a.neverSet)",
        {"uid": f"{record}:email-newsletter"},
    )
    assert types == [
        ["INTEGER NOT NULL", "BOOLEAN NOT NULL", "LIST<STRING NOT NULL> NOT NULL", "NULL"]
    ]


def test_the_push_leaves_a_uniqueness_constraint_and_an_id_index_per_label(
    neo: Neo4jStore, tmp_path: Path
) -> None:
    from graph.schema import NODES

    push(neo, graph_of(minimal_record_data(record={"id": unique("schema"), "name": "s"}), tmp_path))
    constraints = {
        row[0]: (row[1], row[2], row[3])
        for row in neo.read("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties", {})
    }
    indexes = {
        row[0]: (row[1], row[2])
        for row in neo.read("SHOW INDEXES YIELD name, state, properties", {})
    }
    for spec in NODES:
        uid = f"ropagraph_{spec.label}_uid"
        assert constraints[uid] == ("UNIQUENESS", [spec.label], ["ropagraphUid"])
        assert indexes[f"ropagraph_{spec.label}_id"] == ("ONLINE", ["id"])
        assert indexes[uid][0] == "ONLINE"  # the constraint's own index


AWKWARD = 'O\'Brien "quoted" back\\slash; semi | pipe\nsecond line\ttab ünïcödé 🚀 \u200b'


def test_awkward_strings_and_lists_round_trip(neo: Neo4jStore, tmp_path: Path) -> None:
    activity = dict(minimal_record_data()["activities"][0])
    activity.update(name=AWKWARD, purposes=[AWKWARD, "plain", "a;b"])
    data = minimal_record_data(
        record={"id": unique("awkward"), "name": AWKWARD, "ref": "t"}, activities=[activity]
    )
    graph = graph_of(data, tmp_path)
    push(neo, graph)
    assert neo4j_snapshot(neo, record_id(graph)) == embedded_snapshot(graph, tmp_path)
    [[name, purposes]] = neo.read(
        "MATCH (a:Activity {ropagraphUid: $uid}) RETURN a.name, a.purposes",
        {"uid": f"{record_id(graph)}:newsletter"},
    )
    assert name == AWKWARD and purposes == [AWKWARD, "plain", "a;b"]


# ------------------------------------------------------------------------ the sync


def test_the_sync_removes_what_the_record_dropped_and_is_idempotent(
    neo: Neo4jStore, tmp_path: Path
) -> None:
    record = {"id": unique("sync"), "name": "Sync test", "ref": "t"}
    first = minimal_record_data(record=record)
    second_activity = dict(first["activities"][0], id="payroll", name="Payroll")
    first["activities"].append(second_activity)
    first["recipients"].append(
        {"id": "bank", "name": "Bank", "kind": "controller", "country": "GB", "ref": "t"}
    )
    first["activities"][0]["recipients"] = ["mailchimp", "bank"]
    v1 = graph_of(first, tmp_path)
    push(neo, v1)
    assert neo4j_snapshot(neo, record["id"]) == embedded_snapshot(v1, tmp_path)

    second = minimal_record_data(record=record)  # payroll, the bank and a property gone
    second["recipients"][0].pop("contract_ref")
    v2 = graph_of(second, tmp_path)
    report = push(neo, v2)
    assert report.nodes_removed >= 2 and report.relationships_removed >= 2
    assert neo4j_snapshot(neo, record["id"]) == embedded_snapshot(v2, tmp_path)
    [[contract]] = neo.read(
        "MATCH (r:Recipient {ropagraphUid: $uid}) RETURN r.contractRef",
        {"uid": f"{record['id']}:mailchimp"},
    )
    assert contract is None

    again = push(neo, v2, batch_size=1)  # one row per transaction: the same graph, no change
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert (again.nodes_removed, again.relationships_removed) == (0, 0)
    assert neo4j_snapshot(neo, record["id"]) == embedded_snapshot(v2, tmp_path)


def test_one_transaction_per_label_and_small_batches_store_the_same_graph(
    neo: Neo4jStore, tmp_path: Path
) -> None:
    data = generate_record(300, seed=3)
    data["record"]["id"] = unique("batches")
    graph = graph_of(data, tmp_path)
    record = record_id(graph)
    push(neo, graph, batch_size=100_000)  # every label and type in one statement each
    whole = raw_snapshot(neo, record)
    neo.remove(record)
    assert raw_snapshot(neo, record) == ([], [])
    push(neo, graph, batch_size=250)
    assert raw_snapshot(neo, record) == whole
    assert len(whole[0]) == graph.number_of_nodes()
    assert len(whole[1]) == graph.number_of_edges()


# ------------------------------------------------------------------------ the offline exports


def test_the_cypher_script_run_through_the_driver_gives_the_push_graph(
    neo: Neo4jStore, kynex_record: Record, tmp_path: Path
) -> None:
    graph = kynex_as(kynex_record, unique("script"))
    record = record_id(graph)
    push(neo, graph)
    pushed = raw_snapshot(neo, record)
    neo.remove(record)

    script = write_cypher_script(graph, tmp_path / "record.cypher", batch_size=50)
    for statement in split_statements(script.read_text(encoding="utf-8")):
        neo.write(statement, {})
    assert raw_snapshot(neo, record) == pushed
    report = push(neo, graph)  # the script's tags are push's: nothing new, nothing removed
    assert (report.nodes_created, report.relationships_created) == (0, 0)
    assert (report.nodes_removed, report.relationships_removed) == (0, 0)


def _server(env: dict[str, str], *args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(SERVER_SH), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    return done.stdout


def test_the_csv_files_imported_by_neo4j_admin_give_the_push_graph(
    neo: Neo4jStore, kynex_record: Record, tmp_path: Path
) -> None:
    """The real ``neo4j-admin database import full`` (same Maven artifacts as the server) fills
    a new home; a second server started on it holds exactly what ``push`` wrote."""
    graph = kynex_as(kynex_record, unique("csv"))
    record = record_id(graph)
    push(neo, graph)
    pushed = raw_snapshot(neo, record)

    export = write_neo4j_csv(graph, tmp_path / "import")
    home = tmp_path / "home"
    env = {
        **os.environ,
        "NEO4J_TEST_HOME": str(home),
        "NEO4J_TEST_STATE": str(tmp_path / "state"),
        "NEO4J_HEAP": "512m",
    }
    command = shlex.split(export.command.replace("\\\n", " "))
    assert command[:2] == ["neo4j-admin", "database"]
    output = _server(env, "admin", *command[1:], cwd=export.folder)
    assert "IMPORT DONE" in output

    _server(env, "start")
    try:
        ready = dict(
            line.split("=", 1)
            for line in (tmp_path / "state" / "ready").read_text().splitlines()
            if "=" in line
        )
        imported = Neo4jStore(
            Neo4jSettings(
                uri=ready["NEO4J_URI"],
                user=ready["NEO4J_USER"],
                password=ready["NEO4J_PASSWORD"],
                database="neo4j",
            )
        )
        constraints = (export.folder / "constraints.cypher").read_text(encoding="utf-8")
        for statement in split_statements(constraints):
            imported.write(statement, {})
        assert raw_snapshot(imported, record) == pushed
        report = imported.load(graph)  # a push keeps the imported database in sync
        assert (report.nodes_created, report.relationships_created) == (0, 0)
        assert (report.nodes_removed, report.relationships_removed) == (0, 0)
    finally:
        _server(env, "stop")


# ------------------------------------------------------------------------ two records


def test_record_info_names_every_record_in_the_database(neo: Neo4jStore, tmp_path: Path) -> None:
    ids = [unique("first"), unique("second")]
    for record_id_ in ids:
        push(
            neo,
            graph_of(minimal_record_data(record={"id": record_id_, "name": record_id_}), tmp_path),
        )
    info = neo.record_info()
    assert info is not None
    listed = {r["id"] for r in info["records"]}
    assert set(ids) <= listed
    assert all(i in info["id"] for i in ids)
    before = info["contentHash"]

    changed = minimal_record_data(record={"id": ids[1], "name": "renamed"})
    push(neo, graph_of(changed, tmp_path))
    after = neo.record_info()
    assert after is not None and after["contentHash"] != before
    assert "renamed" in after["name"]


# ------------------------------------------------------------------------ errors through the CLI


def one_line(output: str) -> str:
    return " ".join(output.split())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_cli_pushes_and_a_second_push_changes_nothing(
    neo: Neo4jStore, make_record: Any
) -> None:
    record = unique("cli")
    path = make_record(record={"id": record, "name": "CLI", "ref": "t"})
    neo.pushed.add(record)  # type: ignore[attr-defined]
    runner = CliRunner()
    first = runner.invoke(app, ["push", str(path)])
    assert first.exit_code == 0, first.output
    assert f"Synced record {record}" in one_line(first.output)
    second = runner.invoke(app, ["push", str(path), "--batch-size", "1"])
    assert second.exit_code == 0, second.output
    assert "(0 nodes and 0 relationships new; 0 nodes and 0 relationships removed)" in one_line(
        second.output
    )


@pytest.fixture
def scratch_user(neo: Neo4jStore) -> Iterator[tuple[str, str]]:
    """A user of its own, so failed logins never lock the user the other tests log in as."""
    import neo4j

    user, password = unique("ropagraph-test"), uuid.uuid4().hex
    settings = neo.settings
    with (
        neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as d,
        d.session(database="system") as session,
    ):
        session.run(
            f"CREATE USER `{user}` SET PASSWORD $password CHANGE NOT REQUIRED",
            password=password,
        ).consume()
        try:
            yield user, password
        finally:
            session.run(f"DROP USER `{user}`").consume()


def test_a_wrong_password_then_a_locked_user_are_one_line_without_the_password(
    neo: Neo4jStore, scratch_user: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user, _ = scratch_user
    secret = "wrong-" + uuid.uuid4().hex
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", secret)
    where = neo.settings.uri
    outputs = [
        CliRunner().invoke(app, ["query", "basis-summary", "--store", "neo4j"]) for _ in range(4)
    ]
    for result in outputs:
        assert result.exit_code == 1
        assert secret not in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 2  # one line, maybe wrapped
    assert one_line(outputs[0].output) == (
        f"error: Neo4j at {where} refused user '{user}': check NEO4J_USER and NEO4J_PASSWORD"
    )
    # Neo4j locks the user after 3 failures (dbms.security.auth_max_failed_attempts).
    assert f"has locked user '{user}' after too many failed logins" in one_line(outputs[-1].output)


def test_a_missing_database_and_a_closed_port_are_one_line_without_the_password(
    neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = neo.settings.password
    monkeypatch.setenv("NEO4J_DATABASE", "nosuchdb")
    missing = CliRunner().invoke(app, ["query", "basis-summary", "--store", "neo4j"])
    assert missing.exit_code == 1 and password not in missing.output
    assert one_line(missing.output).startswith(
        f"error: database 'nosuchdb' does not exist on {neo.settings.uri}"
    )
    monkeypatch.delenv("NEO4J_DATABASE")
    closed = f"bolt://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("NEO4J_URI", closed)
    unreachable = CliRunner().invoke(app, ["push", str(KYNEX)])
    assert unreachable.exit_code == 1 and password not in unreachable.output
    assert one_line(unreachable.output).startswith(f"error: cannot reach Neo4j at {closed}")
