"""Read a record with the fast parser from any thread: in a worker process when needed.

The fast YAML parser (yaml-rs) is used only on a process's main thread (see
:mod:`loaders.fast_yaml`: called first from a Streamlit script thread it crashed the process).
The dashboard reads records from script threads, where the full loader alone takes about a
minute for 100,000 activities. So off the main thread the record is read by a short-lived
worker process (``python -m loaders.record_worker PATH``), on *its* main thread, and handed back
pickled on its standard output — from a process this module started with this project's code,
never from a file. If the worker cannot start or fails, the record is read here with the full
loader: slower, never different (both give the same record and the same problems).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from pathlib import Path

from graph.model import Record
from loaders.cached_record import parse_record_cached
from loaders.problems import RecordInvalid


def read_record(path: Path | str) -> Record:
    """The validated record at ``path`` (as :func:`parse_record_cached` gives it); raises
    :class:`RecordInvalid` with the same problems."""
    if threading.current_thread() is threading.main_thread():
        return parse_record_cached(Path(path))[0]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "loaders.record_worker", str(path)],
            capture_output=True,
            check=False,
            timeout=3600,
        )
        outcome = pickle.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, pickle.UnpicklingError, EOFError):
        outcome = None
    if isinstance(outcome, Record):
        return outcome
    if isinstance(outcome, list):
        raise RecordInvalid(outcome)
    return parse_record_cached(Path(path))[0]  # no worker: the slow path, same answer


def _main(path: str) -> None:
    try:
        outcome: object = parse_record_cached(Path(path))[0]
    except RecordInvalid as exc:  # the problems, not the exception: it does not pickle back
        outcome = exc.problems
    sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _main(sys.argv[1])
