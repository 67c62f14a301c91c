"""Neo4j as a store: connect (settings from the environment, one-line errors that never show the
password), push a record through :mod:`graph.stores.neo4j_sync`, and run read-only queries whose
rows compare equal to the embedded store's (ropagraph's tags are stripped from results).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from graph.build import Graph
from graph.stores.base import (
    DEFAULT_TIMEOUT_MS,
    RECORDS_CYPHER,
    LoadReport,
    Progress,
    QueryResult,
    StoreError,
    records_summary,
)
from graph.stores.neo4j_sync import (
    DEFAULT_BATCH_SIZE,
    TAGS,
    SyncCounts,
    record_id,
    remove_record,
    schema_statements,
    sync_graph,
)
from graph.stores.readonly import check_read_only

SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
CONNECTION_TIMEOUT_S = 15.0

# The driver logs notifications and routing failures; without a handler Python would print them
# on stderr under our one-line errors. Applications that configure logging still receive them.

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
    if code == "Neo.ClientError.Security.AuthenticationRateLimit":
        # Neo4j locks a user for dbms.security.auth_lock_time (5 s by default) after
        # dbms.security.auth_max_failed_attempts (3) wrong passwords; even the right one fails.
        return StoreError(
            f"Neo4j at {where} has locked user '{settings.user}' after too many failed logins: "
            "wait a few seconds (the server's auth_lock_time), then retry with the right "
            "NEO4J_PASSWORD"
        )
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


def _node_key(node: Any) -> str | None:
    """A node's "Label:id" key, when the driver has its labels and properties."""
    labels = sorted(node.labels)
    node_id = node.get("id")
    if not labels or node_id is None:
        return None
    return f"{':'.join(labels)}:{node_id}"


def _end_key(node: Any, ends: Mapping[str, str]) -> str | None:
    # A driver Node with no properties is falsy: compare with None, never test truthiness.
    if node is None:
        return None
    return _node_key(node) or ends.get(node.element_id)


def plain(value: Any, ends: Mapping[str, str] | None = None) -> Any:
    """Driver values as plain JSON-able Python, shaped like the embedded store's results.

    A relationship carries its endpoints as ``_start``/``_end``, the "Label:id" keys of its
    nodes (``ends`` maps element ids of nodes the result did not return to their keys).
    """
    from neo4j.graph import Node, Path, Relationship
    from neo4j.spatial import Point

    ends = ends or {}
    if isinstance(value, Node):
        node: dict[str, Any] = {"_label": ":".join(sorted(value.labels))}
        node.update({k: plain(v, ends) for k, v in value.items() if k not in TAGS})
        return node
    if isinstance(value, Relationship):
        rel: dict[str, Any] = {
            "_type": value.type,
            "_start": _end_key(value.start_node, ends),
            "_end": _end_key(value.end_node, ends),
        }
        rel.update({k: plain(v, ends) for k, v in value.items() if k not in TAGS})
        return rel
    if isinstance(value, Path):
        return {
            "nodes": [plain(n, ends) for n in value.nodes],
            "relationships": [plain(r, ends) for r in value.relationships],
        }
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "iso_format"):  # neo4j.time Date, Time, DateTime, Duration (a tuple)
        return str(value.iso_format())
    if isinstance(value, Point):  # a tuple too, but its meaning is in the SRID: keep it readable
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v, ends) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, ends) for v in value]
    return str(value)


def unresolved_ends(rows: list[list[Any]]) -> set[str]:
    """Element ids of relationship endpoints whose labels or id the driver was not sent."""
    from neo4j.graph import Path, Relationship

    missing: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Relationship):
            for node in (value.start_node, value.end_node):
                if node is not None and _node_key(node) is None:
                    missing.add(node.element_id)
        elif isinstance(value, Path):
            for rel in value.relationships:
                walk(rel)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(rows)
    return missing


ENDS_CYPHER = (
    "MATCH (n) WHERE elementId(n) IN $ids "
    "RETURN elementId(n) AS element, labels(n) AS labels, n.id AS id"
)
"""The keys of relationship endpoints a result referred to but did not return."""


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
            raw = [list(record.values()) for record in result]
            ends: dict[str, str] = {}
            missing = unresolved_ends(raw)
            if missing:
                for row in tx.run(ENDS_CYPHER, {"ids": sorted(missing)}):
                    if row["labels"] and row["id"] is not None:
                        label = ":".join(sorted(row["labels"]))
                        ends[row["element"]] = f"{label}:{row['id']}"
            return keys, [[plain(v, ends) for v in row] for row in raw]

        started = time.perf_counter()
        with self._errors(timeout_ms), self._session(write=False) as session:
            columns, rows = session.execute_read(work)
        return QueryResult(columns, rows, (time.perf_counter() - started) * 1000)

    def record_info(self) -> dict[str, Any] | None:
        """The Record node(s) pushed to this database: what the dashboard shows as 'loaded'.

        One record: that record. Several (two records pushed into one database): all of them,
        named together and listed under ``records`` (see :func:`records_summary`).
        """
        info = records_summary(self.query(RECORDS_CYPHER).records())
        if info is None:
            return None
        info["path"] = self.location
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
