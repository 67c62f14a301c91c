"""Neo4j as a store: sync the processing graph into a Neo4j server and query it there.

Teams that already run Neo4j keep the graph beside their other graphs, so a push must never
touch data it did not write. Every node and relationship ropagraph writes carries two tags:
``ropagraphRecord`` (the Record id) and ``ropagraphUid`` (``"<record>:<id>"`` for nodes, unique
per label through a constraint; the full endpoint path for relationships). Two records can then
share a database without sharing vocabulary nodes (each has its own ``Country:GB``), a push can
remove exactly what its record no longer has, and the user-facing ``id`` stays the record's id,
so the catalog queries match by ``id`` unchanged. Tags are stripped from query results, so rows
compare equal to the embedded store's.

A push is a sync: MERGE on the tag (idempotent, safe for the driver to retry), then delete what
the record's tag marks but the record no longer holds. The sync speaks Cypher through the small
:class:`CypherRunner` protocol, so the statements it sends can be exercised on any engine that
shares the dialect (the tests run them on ladybug where no Neo4j server is available).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from graph.build import Graph
from graph.readonly import check_read_only
from graph.schema import NODE_SPECS, NODES, REL_SPECS, RELS
from graph.store import DEFAULT_TIMEOUT_MS, LoadReport, Progress, QueryResult, StoreError

TAG_RECORD = "ropagraphRecord"
TAG_UID = "ropagraphUid"
TAGS = frozenset({TAG_RECORD, TAG_UID})
"""Properties ropagraph adds to everything it writes; never part of a query result."""

_FROM = "ropagraphFrom"
_TO = "ropagraphTo"
"""Row keys carrying a relationship's endpoint uids (never stored)."""

DEFAULT_BATCH_SIZE = 1000
"""Rows per UNWIND statement and transaction. A Kynex-sized record (~140 nodes) is one batch per
label; a large record (tens of thousands of rows) makes a few dozen round trips. 1000 keeps each
transaction's memory small on a default-configured server and a driver retry cheap; raise it
with ``--batch-size`` on a fast network, lower it if the server's transaction memory is tight."""

SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
CONNECTION_TIMEOUT_S = 15.0

# The driver logs notifications and routing failures; without a handler Python would print them
# on stderr under our one-line errors. Applications that configure logging still receive them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


# ------------------------------------------------------------------------------ identity


def record_id(graph: Graph) -> str:
    """The id of the graph's Record node: the tag that scopes a push."""
    ids = [data["id"] for _, data in graph.nodes(data=True) if data.get("label") == "Record"]
    if len(ids) != 1:
        raise StoreError(
            f"the graph has {len(ids)} Record nodes; a push needs exactly one to know which "
            "record it syncs"
        )
    return str(ids[0])


def node_uid(record: str, node_id: str) -> str:
    """Unique within a label (ids are slugs, so ':' cannot be ambiguous)."""
    return f"{record}:{node_id}"


def rel_uid(record: str, source: tuple[str, str], rel_type: str, target: tuple[str, str]) -> str:
    """Unique within a record: the graph holds at most one edge per type between two nodes."""
    return f"{record}:{source[0]}:{source[1]}-{rel_type}->{target[0]}:{target[1]}"


# ------------------------------------------------------------------------------ statements


def schema_statements() -> list[str]:
    """Constraints (the MERGE key, and what makes concurrent pushes safe) and id indexes."""
    statements = []
    for spec in NODES:
        label = spec.label
        statements.append(
            f"CREATE CONSTRAINT ropagraph_{label}_uid IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{TAG_UID} IS UNIQUE"
        )
        statements.append(
            f"CREATE INDEX ropagraph_{label}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)"
        )
    return statements


def node_merge_statement(label: str, keys: Sequence[str], rows: str, record: str) -> str:
    """MERGE a batch of ``label`` nodes; ``rows``/``record`` are a parameter or a literal.

    Every property of the label is SET: those the rows lack become null, which Neo4j treats as
    removal, so a property dropped from the record disappears on the next push.
    """
    spec = NODE_SPECS[label]
    present = set(keys)
    assignments = [f"n.{TAG_RECORD} = {record}"]
    for name in spec.properties:
        if name != "id":
            assignments.append(f"n.{name} = " + (f"row.{name}" if name in present else "null"))
    return (
        f"UNWIND {rows} AS row\n"
        f"MERGE (n:{label} {{{TAG_UID}: row.{TAG_UID}, id: row.id}})\n"
        f"SET {', '.join(assignments)}"
    )


def rel_merge_statement(
    rel_type: str, pair: tuple[str, str], keys: Sequence[str], rows: str, record: str
) -> str:
    """MERGE a batch of relationships between nodes of this record (matched by their uids)."""
    spec = REL_SPECS[rel_type]
    present = set(keys)
    assignments = [f"r.{TAG_RECORD} = {record}"]
    for name in spec.properties:
        assignments.append(f"r.{name} = " + (f"row.{name}" if name in present else "null"))
    return (
        f"UNWIND {rows} AS row\n"
        f"MATCH (a:{pair[0]} {{{TAG_UID}: row.{_FROM}}})\n"
        f"MATCH (b:{pair[1]} {{{TAG_UID}: row.{_TO}}})\n"
        f"MERGE (a)-[r:{rel_type} {{{TAG_UID}: row.{TAG_UID}}}]->(b)\n"
        f"SET {', '.join(assignments)}"
    )


@dataclass(frozen=True)
class NodeBatch:
    label: str
    keys: tuple[str, ...]
    """The properties every row carries (besides id and uid); one statement shape per batch."""
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class RelBatch:
    type: str
    pair: tuple[str, str]
    keys: tuple[str, ...]
    rows: list[dict[str, Any]]


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def node_batches(graph: Graph, record: str, batch_size: int) -> list[NodeBatch]:
    """Rows per label, grouped by which properties they carry (missing ones are never sent).

    Grouping keeps each statement's rows uniform, which engines with typed maps need and which
    lets the statement null exactly the properties the rows lack.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for _, data in sorted(
        graph.nodes(data=True), key=lambda item: (item[1]["label"], item[1]["id"])
    ):
        label = data["label"]
        spec = NODE_SPECS[label]
        keys = tuple(
            name
            for name in spec.properties
            if name != "id" and data.get(name) is not None and data.get(name) != []
        )
        row: dict[str, Any] = {TAG_UID: node_uid(record, data["id"]), "id": data["id"]}
        row.update({name: data[name] for name in keys})
        groups.setdefault((label, keys), []).append(row)
    batches: list[NodeBatch] = []
    for (label, keys), rows in groups.items():
        batches.extend(NodeBatch(label, keys, chunk) for chunk in _chunks(rows, batch_size))
    return batches


def rel_batches(graph: Graph, record: str, batch_size: int) -> list[RelBatch]:
    """Rows per relationship type and endpoint pair, grouped like :func:`node_batches`."""
    groups: dict[tuple[str, tuple[str, str], tuple[str, ...]], list[dict[str, Any]]] = {}
    edges = []
    for source, target, data in graph.edges(data=True):
        s, t = graph.nodes[source], graph.nodes[target]
        edges.append(((s["label"], s["id"]), data["type"], (t["label"], t["id"]), data))
    for source, rel_type, target, data in sorted(edges, key=lambda e: (e[1], e[0], e[2])):
        spec = REL_SPECS[rel_type]
        keys = tuple(
            name for name in spec.properties if data.get(name) is not None and data.get(name) != []
        )
        row: dict[str, Any] = {
            TAG_UID: rel_uid(record, source, rel_type, target),
            _FROM: node_uid(record, source[1]),
            _TO: node_uid(record, target[1]),
        }
        row.update({name: data[name] for name in keys})
        groups.setdefault((rel_type, (source[0], target[0]), keys), []).append(row)
    batches: list[RelBatch] = []
    for (rel_type, pair, keys), rows in groups.items():
        batches.extend(RelBatch(rel_type, pair, keys, chunk) for chunk in _chunks(rows, batch_size))
    return batches


# ------------------------------------------------------------------------------ sync


class CypherRunner(Protocol):
    """Where sync statements run: a Neo4j session, or another engine with the same dialect."""

    def read(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]: ...

    def write(self, cypher: str, params: Mapping[str, Any]) -> None: ...


@dataclass
class SyncCounts:
    nodes_created: int = 0
    relationships_created: int = 0
    nodes_removed: int = 0
    relationships_removed: int = 0
    stages: dict[str, float] = field(default_factory=dict)


def _existing_uids(
    runner: CypherRunner, record: str
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What this record's tag marks in the store now, per label and per relationship type."""
    params = {"record": record, "prefix": f"{record}:"}
    nodes = {
        spec.label: {
            row[0]
            for row in runner.read(
                f"MATCH (n:{spec.label}) WHERE n.{TAG_UID} STARTS WITH $prefix "
                f"AND n.{TAG_RECORD} = $record RETURN n.{TAG_UID}",
                params,
            )
        }
        for spec in NODES
    }
    rels = {
        rel.type: {
            row[0]
            for row in runner.read(
                f"MATCH ()-[r:{rel.type}]->() WHERE r.{TAG_RECORD} = $record RETURN r.{TAG_UID}",
                params,
            )
        }
        for rel in RELS
    }
    return nodes, rels


def _remove(
    runner: CypherRunner,
    record: str,
    stale_nodes: dict[str, list[str]],
    stale_rels: dict[str, list[str]],
    batch_size: int,
    progress: Progress | None,
) -> None:
    """Delete by uid and record tag: nothing without this record's tag can match."""
    total = sum(map(len, stale_nodes.values())) + sum(map(len, stale_rels.values()))
    done = 0
    stage = "removing what the record no longer has"
    if progress:
        progress(stage, 0, total)
    for rel_type, uids in stale_rels.items():
        for start in range(0, len(uids), batch_size):
            chunk = uids[start : start + batch_size]
            runner.write(
                f"MATCH ()-[r:{rel_type}]->() WHERE r.{TAG_RECORD} = $record "
                f"AND r.{TAG_UID} IN $uids DELETE r",
                {"record": record, "uids": chunk},
            )
            done += len(chunk)
            if progress:
                progress(stage, done, total)
    for label, uids in stale_nodes.items():
        for start in range(0, len(uids), batch_size):
            chunk = uids[start : start + batch_size]
            # DETACH: a relationship someone else attached to a node we remove cannot outlive it.
            runner.write(
                f"MATCH (n:{label}) WHERE n.{TAG_UID} IN $uids AND n.{TAG_RECORD} = $record "
                "DETACH DELETE n",
                {"record": record, "uids": chunk},
            )
            done += len(chunk)
            if progress:
                progress(stage, done, total)


def sync_graph(
    runner: CypherRunner,
    graph: Graph,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> SyncCounts:
    """Make the store's copy of the graph's record equal the graph, touching nothing else."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    record = record_id(graph)
    counts = SyncCounts()

    t0 = time.perf_counter()
    existing_nodes, existing_rels = _existing_uids(runner, record)
    counts.stages["read existing"] = time.perf_counter() - t0

    nodes = node_batches(graph, record, batch_size)
    wanted_nodes: dict[str, set[str]] = {spec.label: set() for spec in NODES}
    for nb in nodes:
        wanted_nodes[nb.label].update(row[TAG_UID] for row in nb.rows)
    t0 = time.perf_counter()
    _write_batches(
        runner,
        record,
        "nodes",
        [(node_merge_statement(nb.label, nb.keys, "$rows", "$record"), nb.rows) for nb in nodes],
        progress,
    )
    counts.stages["merge nodes"] = time.perf_counter() - t0

    rels = rel_batches(graph, record, batch_size)
    wanted_rels: dict[str, set[str]] = {rel.type: set() for rel in RELS}
    for rb in rels:
        wanted_rels[rb.type].update(row[TAG_UID] for row in rb.rows)
    t0 = time.perf_counter()
    _write_batches(
        runner,
        record,
        "relationships",
        [
            (rel_merge_statement(rb.type, rb.pair, rb.keys, "$rows", "$record"), rb.rows)
            for rb in rels
        ],
        progress,
    )
    counts.stages["merge relationships"] = time.perf_counter() - t0

    stale_nodes = {k: sorted(existing_nodes[k] - wanted_nodes[k]) for k in existing_nodes}
    stale_rels = {k: sorted(existing_rels[k] - wanted_rels[k]) for k in existing_rels}
    t0 = time.perf_counter()
    _remove(runner, record, stale_nodes, stale_rels, batch_size, progress)
    counts.stages["remove stale"] = time.perf_counter() - t0

    counts.nodes_created = sum(len(wanted_nodes[k] - existing_nodes[k]) for k in wanted_nodes)
    counts.relationships_created = sum(len(wanted_rels[k] - existing_rels[k]) for k in wanted_rels)
    counts.nodes_removed = sum(map(len, stale_nodes.values()))
    counts.relationships_removed = sum(map(len, stale_rels.values()))
    return counts


def _write_batches(
    runner: CypherRunner,
    record: str,
    stage: str,
    batches: list[tuple[str, list[dict[str, Any]]]],
    progress: Progress | None,
) -> None:
    """Run each (statement, rows) batch in its own write transaction, reporting rows done."""
    total = sum(len(rows) for _, rows in batches)
    done = 0
    if progress:
        progress(stage, 0, total)
    for statement, rows in batches:
        runner.write(statement, {"rows": rows, "record": record})
        done += len(rows)
        if progress:
            progress(stage, done, total)


def remove_record(
    runner: CypherRunner,
    record: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> SyncCounts:
    """Delete everything tagged with ``record`` (and only that)."""
    existing_nodes, existing_rels = _existing_uids(runner, record)
    stale_nodes = {k: sorted(v) for k, v in existing_nodes.items()}
    stale_rels = {k: sorted(v) for k, v in existing_rels.items()}
    _remove(runner, record, stale_nodes, stale_rels, batch_size, progress)
    return SyncCounts(
        nodes_removed=sum(map(len, stale_nodes.values())),
        relationships_removed=sum(map(len, stale_rels.values())),
    )


# ------------------------------------------------------------------------------ settings

PasswordPrompt = Callable[[str], str | None]


def ask_in_terminal(message: str) -> str | None:
    """Ask for the password with hidden input, but only when someone is at a terminal."""
    if not sys.stdin.isatty():
        return None
    import typer

    answer: str = typer.prompt(message, hide_input=True)
    return answer


def safe_uri(uri: str) -> str:
    """The URI without any user:password@ part, fit for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable NEO4J_URI>"
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    return urlunsplit(parts)


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect; the password is kept out of repr and messages."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str

    @classmethod
    def from_env(cls, prompt: PasswordPrompt | None = ask_in_terminal) -> Neo4jSettings:
        """From NEO4J_* variables; the password never comes from the command line."""
        uri = os.environ.get("NEO4J_URI", "").strip()
        if not uri:
            raise StoreError(
                "NEO4J_URI is not set: export NEO4J_URI=neo4j://localhost:7687 (Aura: "
                "neo4j+s://<id>.databases.neo4j.io) and NEO4J_PASSWORD; optionally NEO4J_USER "
                "(default neo4j) and NEO4J_DATABASE (default neo4j). See docs/neo4j.md."
            )
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in SCHEMES:
            raise StoreError(
                f"NEO4J_URI '{safe_uri(uri)}' is not a Bolt address: use one of "
                f"{', '.join(s + '://' for s in SCHEMES)} followed by host:port, e.g. "
                "neo4j://localhost:7687"
            )
        if "@" in urlsplit(uri).netloc:
            raise StoreError(
                f"NEO4J_URI '{safe_uri(uri)}' carries credentials: remove them from the URI and "
                "set NEO4J_USER and NEO4J_PASSWORD instead"
            )
        user = os.environ.get("NEO4J_USER", "").strip() or "neo4j"
        database = os.environ.get("NEO4J_DATABASE", "").strip() or "neo4j"
        password = os.environ.get("NEO4J_PASSWORD")
        if password is None and prompt is not None:
            password = prompt(f"Neo4j password for '{user}' at {safe_uri(uri)}")
        if password is None:
            raise StoreError(
                "NEO4J_PASSWORD is not set: export NEO4J_PASSWORD=… (or run in a terminal to be "
                "asked for it); it is never taken from a command-line option"
            )
        return cls(uri=uri, user=user, password=password, database=database)

    @property
    def location(self) -> str:
        return f"{safe_uri(self.uri)} (database {self.database})"


# ------------------------------------------------------------------------------ errors


def _one_line_reason(exc: Exception) -> str:
    """The driver's connection message, often several lines, as its plain reason."""
    text = " ".join(str(exc).split())
    match = re.search(r"\(reason (.+?)\)+$", text)
    return match.group(1) if match else text


def store_error(
    exc: Exception, settings: Neo4jSettings, timeout_ms: int | None = None
) -> StoreError:
    """One plain line for a driver or server error; never the password."""
    from neo4j import exceptions as ne

    where = safe_uri(settings.uri)
    server_message = getattr(exc, "message", None) or str(exc)
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, ne.AuthError):
        return StoreError(
            f"Neo4j at {where} refused user '{settings.user}': check NEO4J_USER and NEO4J_PASSWORD"
        )
    if isinstance(exc, ne.ServiceUnavailable | ne.SessionExpired):
        return StoreError(
            f"cannot reach Neo4j at {where} ({_one_line_reason(exc)}): is the server running, "
            "and is NEO4J_URI right (scheme, host, port 7687)?"
        )
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return StoreError(
            f"database '{settings.database}' does not exist on {where}: set NEO4J_DATABASE to an "
            f"existing one (Community edition has only 'neo4j'), or create it with "
            f"'CREATE DATABASE {settings.database}' (Enterprise, Aura)"
        )
    if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
        limit = f"the {timeout_ms / 1000:g} s" if timeout_ms else "the"
        return StoreError(f"query stopped after {limit} time limit")
    if isinstance(exc, ne.Forbidden):
        return StoreError(
            f"user '{settings.user}' is not allowed to do this on database "
            f"'{settings.database}': {server_message}"
        )
    if isinstance(exc, ne.DatabaseUnavailable):
        return StoreError(
            f"database '{settings.database}' on {where} is unavailable: {server_message}"
        )
    if isinstance(exc, ne.ConfigurationError):
        return StoreError(f"cannot connect to {where}: {server_message}")
    if isinstance(exc, ne.Neo4jError):
        return StoreError(server_message)
    return StoreError(f"Neo4j error at {where}: {server_message}")


# ------------------------------------------------------------------------------ driver

_DRIVERS: dict[tuple[str, str, str], Any] = {}
"""One driver per process and connection target: drivers pool connections and are costly."""


def _close_drivers() -> None:
    for driver in _DRIVERS.values():
        with contextlib.suppress(Exception):  # closing at exit must not mask the exit status
            driver.close()
    _DRIVERS.clear()


atexit.register(_close_drivers)


def _driver_for(settings: Neo4jSettings) -> Any:
    """The process's driver for these settings, connected and authenticated once."""
    import neo4j

    digest = hashlib.sha256(settings.password.encode("utf-8")).hexdigest()
    key = (settings.uri, settings.user, digest)
    driver = _DRIVERS.get(key)
    if driver is not None:
        return driver
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            user_agent="ropagraph",
            connection_timeout=CONNECTION_TIMEOUT_S,
        )
    except (neo4j.exceptions.DriverError, ValueError) as exc:
        raise StoreError(f"NEO4J_URI '{safe_uri(settings.uri)}' is not usable: {exc}") from None
    try:
        # Fail fast and plainly: managed transactions would retry an unreachable server for 30 s.
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        raise store_error(exc, settings) from None
    _DRIVERS[key] = driver
    return driver


# ------------------------------------------------------------------------------ values


def plain(value: Any) -> Any:
    """Driver values as plain JSON-able Python, shaped like the embedded store's results."""
    from neo4j.graph import Node, Path, Relationship
    from neo4j.spatial import Point

    if isinstance(value, Node):
        node: dict[str, Any] = {"_label": ":".join(sorted(value.labels))}
        node.update({k: plain(v) for k, v in value.items() if k not in TAGS})
        return node
    if isinstance(value, Relationship):
        rel: dict[str, Any] = {"_type": value.type}
        rel.update({k: plain(v) for k, v in value.items() if k not in TAGS})
        return rel
    if isinstance(value, Path):
        return {
            "nodes": [plain(n) for n in value.nodes],
            "relationships": [plain(r) for r in value.relationships],
        }
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "iso_format"):  # neo4j.time Date, Time, DateTime, Duration (a tuple)
        return str(value.iso_format())
    if isinstance(value, Point):  # a tuple too, but its meaning is in the SRID: keep it readable
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


# ------------------------------------------------------------------------------ store


@dataclass
class PushReport(LoadReport):
    record: str = ""
    nodes_created: int = 0
    relationships_created: int = 0
    nodes_removed: int = 0
    relationships_removed: int = 0


class Neo4jStore:
    """A Neo4j database as a GraphStore: ``load`` syncs a record, ``query`` reads."""

    def __init__(self, settings: Neo4jSettings, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size < 1:
            raise StoreError("the batch size must be at least 1")
        self.settings = settings
        self.batch_size = batch_size

    @property
    def location(self) -> str:
        return self.settings.location

    @contextlib.contextmanager
    def _errors(self, timeout_ms: int | None = None) -> Iterator[None]:
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            yield
        except (Neo4jError, DriverError) as exc:
            raise store_error(exc, self.settings, timeout_ms) from None

    def _session(self, write: bool) -> Any:
        import neo4j

        driver = _driver_for(self.settings)
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return driver.session(database=self.settings.database, default_access_mode=mode)

    # CypherRunner -------------------------------------------------------------------

    def read(self, cypher: str, params: Mapping[str, Any]) -> list[list[Any]]:
        """Rows of a read transaction (internal queries: no user text, no time limit)."""

        def work(tx: Any) -> list[list[Any]]:
            return [list(record.values()) for record in tx.run(cypher, dict(params))]

        with self._errors(), self._session(write=False) as session:
            rows: list[list[Any]] = session.execute_read(work)
        return rows

    def write(self, cypher: str, params: Mapping[str, Any]) -> None:
        """One managed write transaction; the driver retries it on transient failures."""

        def work(tx: Any) -> None:
            tx.run(cypher, dict(params)).consume()

        with self._errors(), self._session(write=True) as session:
            session.execute_write(work)

    # GraphStore ---------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Constraints and indexes, each in its own transaction (schema and data don't mix)."""
        for statement in schema_statements():
            self.write(statement, {})

    def load(self, graph: Graph, progress: Progress | None = None) -> PushReport:
        """Sync the graph's record into the database (see the module docstring)."""
        started = time.perf_counter()
        record = record_id(graph)
        t0 = time.perf_counter()
        statements = schema_statements()
        for index, statement in enumerate(statements, 1):
            self.write(statement, {})
            if progress:
                progress("constraints", index, len(statements))
        constraints_s = time.perf_counter() - t0
        counts = sync_graph(self, graph, self.batch_size, progress)
        return PushReport(
            path=self.location,
            nodes=graph.number_of_nodes(),
            relationships=graph.number_of_edges(),
            seconds=time.perf_counter() - started,
            stages={"constraints": constraints_s, **counts.stages},
            record=record,
            nodes_created=counts.nodes_created,
            relationships_created=counts.relationships_created,
            nodes_removed=counts.nodes_removed,
            relationships_removed=counts.relationships_removed,
        )

    def remove(self, record: str, progress: Progress | None = None) -> SyncCounts:
        """Delete one record's nodes and relationships, nothing else."""
        return remove_record(self, record, self.batch_size, progress)

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> QueryResult:
        """Read-only Cypher in a read transaction with a server-side time limit."""
        import neo4j

        check_read_only(cypher)
        bound = dict(params or {})

        @neo4j.unit_of_work(timeout=timeout_ms / 1000)
        def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(cypher, bound)
            keys = list(result.keys())
            return keys, [[plain(v) for v in record.values()] for record in result]

        started = time.perf_counter()
        with self._errors(timeout_ms), self._session(write=False) as session:
            columns, rows = session.execute_read(work)
        return QueryResult(columns, rows, (time.perf_counter() - started) * 1000)

    def record_info(self) -> dict[str, Any] | None:
        """The Record node(s) pushed to this database: what the dashboard shows as 'loaded'."""
        result = self.query(
            "MATCH (r:Record) RETURN r.id AS id, r.name AS name, r.version AS version, "
            "r.contentHash AS contentHash ORDER BY id"
        )
        records = result.records()
        if not records:
            return None
        info = records[0]
        info["path"] = self.location
        if len(records) > 1:
            info["otherRecords"] = [r["id"] for r in records[1:]]
        return info

    def close(self) -> None:
        """Nothing to release per store: the process's driver is closed at exit."""

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_neo4j_store(
    batch_size: int = DEFAULT_BATCH_SIZE, prompt: PasswordPrompt | None = ask_in_terminal
) -> Neo4jStore:
    """The Neo4j store named by NEO4J_URI/USER/PASSWORD/DATABASE; connects on first use."""
    return Neo4jStore(Neo4jSettings.from_env(prompt), batch_size)
