"""Graph stores: where the built graph lives so people can ask it questions in Cypher.

A store is a rebuildable cache of the record, never the record itself. The embedded store
(ladybug, the maintained fork of Kùzu) needs no server. Loading builds a complete new database
beside the live one and swaps it in with an atomic rename, which gives three guarantees at once:
a failed load leaves the previous store intact, loading twice gives the same store, and readers
(a running dashboard, another CLI) never meet a half-written database or a writer's lock —
they keep reading the old file until they notice the swap and reopen.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from graph.build import Graph
from graph.schema import NODES, RELS
from graph.stores.base import (
    DEFAULT_TIMEOUT_MS,
    RECORDS_CYPHER,
    LoadReport,
    Progress,
    QueryResult,
    StoreError,
    default_store_path,
    records_summary,
)
from graph.stores.embedded_values import _endpoint_keys, _plain, plain_columns, rows_from_arrow
from graph.stores.readonly import check_read_only
from graph.stores.sandbox import Limits, run_in_worker
from graph.tables import GraphTables, tables_from_graph


def schema_ddl() -> list[str]:
    """CREATE statements for the embedded store, from :mod:`graph.schema`."""
    statements = []
    for spec in NODES:
        columns = ", ".join(f"{name} {t}" for name, t in spec.properties.items())
        statements.append(f"CREATE NODE TABLE {spec.label}({columns}, PRIMARY KEY (id))")
    for rel in RELS:
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in rel.endpoints)
        props = "".join(f", {name} {t}" for name, t in rel.properties.items())
        statements.append(f"CREATE REL TABLE {rel.type}({pairs}{props})")
    return statements


class EmbeddedStore:
    """The default store: an embedded ladybug database file, read through a read-only handle."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._db: Any = None
        self._conn: Any = None
        self._opened_stat: tuple[int, int] | None = None

    # ------------------------------------------------------------------ loading

    def load(self, graph: Graph, progress: Progress | None = None) -> LoadReport:
        """Replace the store's contents with ``graph``, atomically."""
        started = time.perf_counter()
        tables = tables_from_graph(graph)
        prepared = time.perf_counter() - started
        return self._load(tables, progress, started, {"prepare": prepared})

    def load_tables(self, tables: GraphTables, progress: Progress | None = None) -> LoadReport:
        """Replace the store's contents with ``tables`` (from :func:`graph.tables.build_tables`,
        the fast path: no networkx graph), atomically."""
        return self._load(tables, progress, time.perf_counter(), {})

    def _load(
        self,
        tables: GraphTables,
        progress: Progress | None,
        started: float,
        stages: dict[str, float],
    ) -> LoadReport:
        import ladybug

        check_store_path(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store's folder {self.path.parent}: {exc}") from exc
        remove_leftovers(self.path)
        building = self.path.with_name(f".{self.path.name}.building-{os.getpid()}")
        _remove_database(building)
        total = len(NODES) + len(RELS)
        done = 0
        try:
            # One checkpoint at the end instead of one whenever the log grows past its threshold
            # during the COPYs (~0.4 s of CPU at 100k activities); the new file is not live yet.
            db = ladybug.Database(str(building), auto_checkpoint=False)
            conn = ladybug.Connection(db)
            try:
                for statement in schema_ddl():
                    conn.execute(statement)
                t0 = time.perf_counter()
                for spec in NODES:
                    table = tables.nodes[spec.label]
                    if table.num_rows:
                        _copy(conn, spec.label, table, None)
                    done += 1
                    if progress:
                        progress(f"nodes {spec.label}", done, total)
                stages["copy nodes"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                for rel in RELS:
                    for pair in rel.endpoints:
                        table = tables.rels[(rel.type, pair)]
                        if table.num_rows:
                            _copy(conn, rel.type, table, pair if len(rel.endpoints) > 1 else None)
                    done += 1
                    if progress:
                        progress(f"relationships {rel.type}", done, total)
                stages["copy relationships"] = time.perf_counter() - t0
                t0 = time.perf_counter()
                conn.execute("CHECKPOINT")  # everything into the database file, no log left
                stages["checkpoint"] = time.perf_counter() - t0
            finally:
                conn.close()
                db.close()
            self._release()
            os.replace(building, self.path)
            _remove_sidecars(self.path)
        except RuntimeError as exc:  # ladybug reports every database failure as RuntimeError
            _remove_database(building)
            raise StoreError(f"load failed; the previous store is unchanged: {exc}") from exc
        except BaseException:
            _remove_database(building)
            raise
        return LoadReport(
            path=str(self.path),
            nodes=tables.node_count,
            relationships=tables.relationship_count,
            seconds=time.perf_counter() - started,
            stages=stages,
        )

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        return self.path.exists()

    def _connection(self) -> Any:
        import ladybug

        if not self.path.exists():
            raise StoreError(
                f"no store at {self.path}: load a record first ('ropagraph load RECORD')"
            )
        stat = self.path.stat()
        current = (stat.st_ino, stat.st_mtime_ns)
        if self._conn is None or current != self._opened_stat:
            self._release()  # a load swapped a new database in: read the new one
            try:
                self._db = ladybug.Database(str(self.path), read_only=True)
                self._conn = ladybug.Connection(self._db)
            except RuntimeError as exc:
                raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
            self._opened_stat = current
        return self._conn

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> QueryResult:
        """Run read-only Cypher with parameters; write clauses are refused before running."""
        check_read_only(cypher)
        conn = self._connection()
        conn.set_query_timeout(timeout_ms)
        started = time.perf_counter()
        try:
            result = conn.execute(cypher, dict(params or {}))
        except RuntimeError as exc:
            message = str(exc)
            if "interrupted" in message.lower() or "timeout" in message.lower():
                raise StoreError(
                    f"query stopped after the {timeout_ms / 1000:g} s time limit"
                ) from exc
            raise StoreError(message) from exc
        if isinstance(result, list):  # several statements: keep the last result
            result = result[-1]
        try:
            columns = list(result.get_column_names())
            if plain_columns(result.get_column_data_types()):
                # Only text, numbers, booleans and lists of them: the values are already plain,
                # and Arrow hands them over column by column (several times faster than a
                # Python object per value through get_all, then _plain on each).
                rows = rows_from_arrow(result.get_as_arrow(chunk_size=0))
                return QueryResult(columns, rows, (time.perf_counter() - started) * 1000)
            raw = result.get_all()
        finally:
            result.close()
        try:
            ends = _endpoint_keys(conn, raw)
        except RuntimeError as exc:
            raise StoreError(f"cannot resolve the ends of returned relationships: {exc}") from exc
        rows = [[_plain(v, ends) for v in row] for row in raw]
        return QueryResult(columns, rows, (time.perf_counter() - started) * 1000)

    def query_untrusted(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
    ) -> QueryResult:
        """Run user-written Cypher in the sandboxed worker (see :mod:`graph.stores.sandbox`).

        Not through this process's handle: the worker checks the engine's plan, cannot write or
        read files, and is killed at the time limit; at most ``limits.max_rows`` rows come back.
        """
        return run_in_worker(self.path, cypher, params, limits)

    def record_info(self) -> dict[str, Any] | None:
        """The Record node of the loaded graph (what was loaded, from which content hash).

        A store built by ``load`` holds one record; should it hold several, all are named
        (see :func:`records_summary`).
        """
        if not self.path.exists():
            return None
        info = records_summary(self.query(RECORDS_CYPHER).records())
        if info is None:
            return None
        info["loadedAt"] = time.strftime(
            "%Y-%m-%d %H:%M:%S", time.localtime(self.path.stat().st_mtime)
        )
        info["path"] = str(self.path)
        return info

    def _release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        if self._db is not None:
            with contextlib.suppress(Exception):
                self._db.close()
        self._conn = self._db = None
        self._opened_stat = None

    def close(self) -> None:
        self._release()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _copy(conn: Any, table_name: str, table: pa.Table, pair: tuple[str, str] | None) -> None:
    # ladybug resolves the local variable name in COPY ... FROM <name>.
    arrow_table = table  # noqa: F841 - referenced by name inside the COPY statement
    if pair is None:
        conn.execute(f"COPY {table_name} FROM arrow_table")
    else:
        conn.execute(f"COPY {table_name} FROM arrow_table (from='{pair[0]}', to='{pair[1]}')")


STORE_MAGIC = b"LBUG"
"""The first bytes of a ladybug database file: how a store is told from anything else."""
_STALE_QUERY_S = 2 * 3600


def check_store_path(path: Path) -> None:
    """Refuse to load into ``path`` when it is something other than a store (or nothing).

    ``load --db`` replaces what is there: a folder, a YAML file or a spreadsheet passed by mistake
    must not be silently turned into a database.
    """
    if path.is_dir():
        raise StoreError(
            f"--db {path} is a folder, not a store file: give a file path such as "
            f"{path / 'store.lbug'}"
        )
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(STORE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc}") from exc
    if head != STORE_MAGIC:
        raise StoreError(
            f"{path} exists and is not a ropagraph store; refusing to replace it. "
            "Choose another --db path (or delete the file yourself if you meant to)."
        )


def remove_leftovers(path: Path) -> list[Path]:
    """Remove build folders of loads that died and query folders of killed workers.

    A load builds ``.<name>.building-<pid>`` beside the store; a killed load leaves it behind
    (15 MB and more). Anything whose process is gone is removed; so are query folders older than
    the longest allowed query.
    """
    removed: list[Path] = []
    parent = path.parent
    if not parent.is_dir():
        return removed
    now = time.time()
    for candidate in parent.glob(f".{path.name}.*"):
        suffix = candidate.name[len(path.name) + 2 :]
        if suffix.startswith("building-"):
            pid = suffix.removeprefix("building-").split(".", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue
        elif suffix.startswith("query-"):
            with contextlib.suppress(OSError):
                if now - candidate.stat().st_mtime < _STALE_QUERY_S:
                    continue
        else:
            continue
        _remove_database(candidate)
        removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_sidecars(path: Path) -> None:
    for suffix in (".wal", ".shadow", ".lock"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _remove_database(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        path.unlink()
    if path.is_dir():
        import shutil

        shutil.rmtree(path, ignore_errors=True)
    _remove_sidecars(path)
