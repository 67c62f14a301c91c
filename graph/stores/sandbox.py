"""Run user-written Cypher in a worker process with a row cap, a memory ceiling and a hard clock.

User-written queries (``ropagraph cypher``, the dashboard console) never run in the calling
process. Each one gets a fresh worker (:mod:`graph.stores.sandbox_worker`) that sees a private
link to the store file in a folder of its own, cannot write a byte to any file, cannot read
outside that folder (Landlock, where the kernel has it), holds no environment (so no
``NEO4J_PASSWORD``), and is killed when the wall-clock limit passes, whether it is planning,
running or handing rows back. The worker also checks the engine's own plan against a read-only
allow-list before running anything. One user's long query only costs its own process: other
sessions do not wait for it. The catalog's own queries keep the fast in-process path.
"""

from __future__ import annotations

import json
import math
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.stores.base import QueryResult, StoreError
from graph.stores.readonly import WriteRefused, check_read_only

WORKER = Path(__file__).resolve().with_name("sandbox_worker.py")
DEFAULT_ROW_CAP = 10_000
MAX_ROW_CAP = 1_000_000
DEFAULT_TIMEOUT_S = 30.0
MAX_TIMEOUT_S = 3600.0
DEFAULT_MEMORY_MB = 2048
STARTUP_GRACE_S = 5.0
"""Time allowed on top of the query's limit for starting Python and opening the store."""
_BUFFER_POOL = 256 * 2**20
MAX_OUTPUT_BYTES = 256 * 2**20
"""Largest answer the calling process accepts from a worker (rows are JSON text)."""


@dataclass(frozen=True)
class Limits:
    """What one user-written query may cost."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_rows: int = DEFAULT_ROW_CAP
    memory_mb: int = DEFAULT_MEMORY_MB


def check_timeout(seconds: float) -> float:
    """``seconds`` if it is a usable time limit, else ValueError saying what is allowed."""
    if not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(
            f"the time limit must be a positive number of seconds (at most {MAX_TIMEOUT_S:g}), "
            f"not {seconds!r}"
        )
    if seconds > MAX_TIMEOUT_S:
        raise ValueError(
            f"the time limit {seconds:g} s is over the maximum of {MAX_TIMEOUT_S:g} s (one hour)"
        )
    return float(seconds)


def check_row_cap(rows: int) -> int:
    """``rows`` if it is a usable row cap, else ValueError saying what is allowed."""
    if rows < 1 or rows > MAX_ROW_CAP:
        raise ValueError(f"the row limit must be between 1 and {MAX_ROW_CAP:,}, not {rows:,}")
    return rows


def _max_db_size(size: int) -> int:
    """The engine's address reservation: a power of two at least twice the store's size."""
    return 1 << max(28, (max(size, 1) * 2 - 1).bit_length())


def _private_link(store: Path) -> tuple[Path, Path]:
    """(folder, file): a folder of the worker's own holding a link to (or copy of) the store.

    A hard link costs nothing and sits beside the store, so any file the engine might try to
    create next to its database lands in the private folder, never beside the real store.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{store.name}.query-", dir=store.parent))
        try:
            os.link(store, folder / "store.lbug")
            return folder, folder / "store.lbug"
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass  # the store's folder is not writable: copy into the system's temporary folder
    folder = Path(tempfile.mkdtemp(prefix="ropagraph-query-"))
    shutil.copyfile(store, folder / "store.lbug")
    return folder, folder / "store.lbug"


def run_in_worker(
    store: Path,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    *,
    check_plan: bool = True,
) -> QueryResult:
    """Run ``cypher`` against the embedded store at ``store`` inside a fresh worker.

    Raises :class:`WriteRefused` when the plan is not a pure read, :class:`StoreError` for a
    failed query, the time limit or the memory ceiling (each with a message for the user).
    ``check_plan=False`` is for the tests that prove the worker's other walls hold on their own
    (it is not reachable from the CLI or the dashboard).
    """
    limits = limits or Limits()
    check_timeout(limits.timeout_s)
    check_row_cap(limits.max_rows)
    if not store.exists():
        raise StoreError(f"no store at {store}: load a record first ('ropagraph load RECORD')")
    folder, link = _private_link(store)
    max_db = _max_db_size(link.stat().st_size)
    request = {
        "folder": str(folder),
        "name": link.name,
        "cypher": cypher,
        "params": dict(params or {}),
        "max_rows": limits.max_rows,
        "timeout_ms": int(limits.timeout_s * 1000),
        "buffer_pool": _BUFFER_POOL,
        "max_db_size": max_db,
        "address_space": limits.memory_mb * 2**20 + max_db + _BUFFER_POOL,
        "check_plan": check_plan,
    }
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=folder,
            env={"PATH": os.defpath, "LANG": "C.UTF-8", "HOME": str(folder)},
            start_new_session=True,
        )
        try:
            out, err = _exchange(process, json.dumps(request, default=str).encode(), limits)
        finally:
            _kill(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _result(out, err, process.returncode, limits)


def _exchange(
    process: subprocess.Popen[bytes], request: bytes, limits: Limits
) -> tuple[bytes, bytes]:
    """Send the request; collect stdout and stderr until the worker ends or its time is up.

    The clock has two parts: up to STARTUP_GRACE_S for the worker to start and open the store
    (it then writes a line 'ready'), and the query's own limit from that moment on. Either
    running out ends the worker with SIGKILL, whatever it is doing.
    """
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write(request)
    process.stdin.close()
    chunks: dict[int, list[bytes]] = {process.stdout.fileno(): [], process.stderr.fileno(): []}
    deadline = time.monotonic() + STARTUP_GRACE_S
    ready = False
    received = 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        selector.register(process.stderr, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreError(
                    f"query stopped after the {limits.timeout_s:g} s time limit "
                    "(raise it with --timeout, or narrow the query)"
                    if ready
                    else "the query worker did not start in time; try again"
                )
            for key, _ in selector.select(left):
                data = os.read(key.fd, 1 << 16)
                if not data:
                    selector.unregister(key.fileobj)
                    continue
                chunks[key.fd].append(data)
                received += len(data)
                if received > MAX_OUTPUT_BYTES:
                    raise StoreError(
                        f"the result is larger than {MAX_OUTPUT_BYTES // 2**20} MB: lower --limit, "
                        "return fewer or shorter columns, or aggregate"
                    )
                if not ready and key.fd == process.stdout.fileno() and b"\n" in data:
                    ready = True
                    deadline = time.monotonic() + limits.timeout_s
    process.wait()
    out = b"".join(chunks[process.stdout.fileno()])
    return out.removeprefix(b"ready\n"), b"".join(chunks[process.stderr.fileno()])


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    process.wait()


def _result(out: bytes, err: bytes, code: int, limits: Limits) -> QueryResult:
    memory = (
        f"query stopped: it needed more than the {limits.memory_mb:,} MB memory ceiling "
        "(narrow the query, or add LIMIT)"
    )
    try:
        answer = json.loads(out) if out else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if code < 0 or b"MemoryError" in err or b"bad_alloc" in err:
            raise StoreError(memory)
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no answer"]
        raise StoreError(f"the query worker failed: {tail[0]}")
    if "refused" in answer:
        raise WriteRefused(str(answer["refused"]))
    if answer.get("memory"):
        raise StoreError(memory)
    if "error" in answer:
        message = str(answer["error"])
        lowered = message.lower()
        if "interrupted" in lowered or "timeout" in lowered:
            raise StoreError(f"query stopped after the {limits.timeout_s:g} s time limit")
        if "cannot open file" in lowered or "permission denied" in lowered:
            raise WriteRefused(
                "refused: queries here cannot read files (LOAD FROM and the like); they read "
                "the graph only."
            )
        if "read-only" in lowered or "read only" in lowered:
            raise WriteRefused(
                "refused: this would change the store, and queries here are read-only. "
                "Change the record's YAML and run 'ropagraph load' instead."
            )
        raise StoreError(message)
    return QueryResult(
        list(answer["columns"]),
        list(answer["rows"]),
        float(answer["elapsed_ms"]),
        truncated=bool(answer["truncated"]),
    )


def run_user_query(
    store: Any,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
) -> QueryResult:
    """Run user-written Cypher on any store with the strongest walls that store offers.

    The embedded store (and wrappers of it) runs it in the worker above. Other stores (Neo4j)
    get the lexical guard, the server's READ access mode and the engine's time limit; their rows
    are cut to the row cap after the driver returns them.
    """
    limits = limits or Limits()
    check_timeout(limits.timeout_s)
    check_row_cap(limits.max_rows)
    untrusted = getattr(store, "query_untrusted", None)
    if callable(untrusted):
        result: QueryResult = untrusted(cypher, params, limits)
        return result
    check_read_only(cypher)
    result = store.query(cypher, params, timeout_ms=int(limits.timeout_s * 1000))
    if len(result.rows) > limits.max_rows:
        result.rows = result.rows[: limits.max_rows]
        result.truncated = True
    return result
