"""The query worker: runs one user-written query in a process that can do nothing else.

Started by :mod:`graph.stores.sandbox` as ``python -I sandbox_worker.py`` (by path, so that it
imports only the standard library, ladybug and the two small modules beside it: it starts in a
fraction of a second). It reads one JSON request on stdin and writes one JSON answer on stdout.

Before it opens the store it gives up, for good:

* writing: RLIMIT_FSIZE = 0, so no write of a single byte to any file succeeds;
* memory beyond the ceiling: RLIMIT_AS (the engine's buffer pool and address reservation are
  sized to fit inside it);
* the file system and the network: Landlock (Linux), reading only the private folder that holds
  its link to the store, creating nothing, executing nothing, no TCP;
* secrets: it is started with an empty environment in an empty folder.

Then the query must pass the plan allow-list (:func:`readonly.check_plan`, the engine's own
``EXPLAIN``) before it runs, and at most ``max_rows`` rows are fetched. The parent kills the
worker when the wall-clock limit passes, whatever it is doing (planning, running, fetching).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import resource
import signal
import sys
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

_HERE = Path(__file__).resolve().parent


def _sibling(name: str) -> ModuleType:
    """Load graph/stores/<name>.py by path, without importing the graph package (slow)."""
    spec = importlib.util.spec_from_file_location(f"_ropagraph_{name}", _HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _plain(value: Any) -> Any:
    """Nodes and relationships as dicts, dates as ISO text: the embedded store's own shape."""
    if isinstance(value, dict):
        if "_LABEL" in value and ("_SRC" in value or "_DST" in value):
            out = {"_type": value["_LABEL"]}
            out.update(
                {k: _plain(v) for k, v in value.items() if not k.startswith("_") and v is not None}
            )
            return out
        if "_LABEL" in value:
            out = {"_label": value["_LABEL"]}
            out.update(
                {k: _plain(v) for k, v in value.items() if not k.startswith("_") and v is not None}
            )
            return out
        if "_NODES" in value and "_RELS" in value:
            return {
                "nodes": [_plain(n) for n in value["_NODES"]],
                "relationships": [_plain(r) for r in value["_RELS"]],
            }
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _limit_resources(memory_bytes: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with EFBIG, no core
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _answer(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
    sys.stdout.flush()


_PLAIN_ERRORS = (
    "Parser exception:",
    "Binder exception:",
    "Catalog exception:",
    "Connection exception:",
    "Connection Exception:",
)
"""Planning errors shown to the user as the engine words them (they quote the query, not data).

Any other error while planning (a "Copy exception" quoting a line of a file the binder sniffed,
an IO error) may carry a file's content, so only its kind is shown."""


def _planning_failed(message: str, guard: ModuleType) -> Exception:
    if "bad_alloc" in message or "Mmap for size" in message:
        return MemoryError(message)
    if "multiple statements" in message:
        return guard.WriteRefused(  # type: ignore[no-any-return]
            "refused: one statement at a time, please (no ';' between statements)."
        )
    if "read-only" in message or "read only" in message:
        return guard.WriteRefused(  # type: ignore[no-any-return]
            "refused: this would change the store, and queries here are read-only. "
            "Change the record's YAML and run 'ropagraph load' instead."
        )
    if message.startswith(_PLAIN_ERRORS):
        return RuntimeError(message)
    kind = message.split(":", 1)[0][:40]
    return guard.WriteRefused(  # type: ignore[no-any-return]
        f"refused: the engine could not plan this query without reaching outside the graph "
        f"({kind}); queries here read the graph only, not files."
    )


def check_query(conn: Any, cypher: str, params: dict[str, Any], guard: ModuleType) -> None:
    """The first wall: raise ``guard.WriteRefused`` unless the engine plans one pure read.

    ``prepare`` makes the engine itself split the text into statements (it refuses more than
    one), then ``EXPLAIN`` gives its physical plan, checked by ``guard.check_plan``. A query the
    engine cannot plan raises RuntimeError with the engine's message (parser and binder errors)
    or WriteRefused (anything else: it may quote a file the binder opened).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ladybug calls prepare() deprecated; it still works
        prepared = conn.prepare(cypher, params)
    if not prepared.is_success():
        raise _planning_failed(prepared.get_error_message(), guard)
    try:
        plan = conn.execute("EXPLAIN " + cypher, params)
    except RuntimeError as exc:
        raise _planning_failed(str(exc), guard) from None
    if isinstance(plan, list):
        raise guard.WriteRefused("refused: one statement at a time, please.")
    lines: list[Any] = plan.get_all()
    plan.close()
    guard.check_plan("\n".join(str(line[0]) for line in lines))


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Open the store behind every wall, check the plan, run, fetch at most max_rows rows."""
    readonly = _sibling("readonly")
    landlock = _sibling("landlock")
    _limit_resources(int(request["address_space"]))
    import ladybug  # imported before Landlock: afterwards the library folders are unreadable
    from ladybug import _backend

    _backend.get_pybind_module()
    with contextlib.suppress(Exception):  # the C-API fallback, imported lazily by ladybug
        _backend.get_capi_module()

    folder = Path(request["folder"])
    walls = ["plan allow-list", "RLIMIT_FSIZE=0", "RLIMIT_AS", "empty environment"]
    if landlock.restrict([folder]) is None:
        walls.append("landlock")
    cypher = str(request["cypher"])
    params = dict(request["params"])
    try:
        db = ladybug.Database(
            str(folder / request["name"]),
            read_only=True,
            buffer_pool_size=int(request["buffer_pool"]),
            max_db_size=int(request["max_db_size"]),
            max_num_threads=1,
        )
        conn = ladybug.Connection(db)
        conn.set_query_timeout(int(request["timeout_ms"]))
        sys.stdout.write("ready\n")  # the parent starts the query's clock now
        sys.stdout.flush()
        if request.get("check_plan", True):
            check_query(conn, cypher, params, readonly)
        started = time.perf_counter()
        result = conn.execute(cypher, params)
        if isinstance(result, list):
            return {"refused": "refused: one statement at a time, please."}
        columns = list(result.get_column_names())
        rows: list[list[Any]] = []
        truncated = False
        limit = int(request["max_rows"])
        while result.has_next():
            if len(rows) >= limit:
                truncated = True
                break
            row: Any = result.get_next()
            rows.append([_plain(v) for v in row])
        result.close()
        return {
            "columns": columns,
            "rows": rows,
            "truncated": truncated,
            "elapsed_ms": (time.perf_counter() - started) * 1000,
            "walls": walls,
        }
    except readonly.WriteRefused as exc:
        return {"refused": str(exc)}
    except MemoryError:
        return {"memory": True}
    except RuntimeError as exc:
        return _failure(str(exc))


def _failure(message: str) -> dict[str, Any]:
    if "bad_alloc" in message or "Mmap for size" in message or "out of memory" in message:
        return {"memory": True}
    return {"error": message}


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    try:
        answer = run(request)
    except MemoryError:
        answer = {"memory": True}
    _answer(answer)


if __name__ == "__main__":
    main()
