"""A record as it stood at a git revision: ``git:REV:PATH`` (e.g. ``git:main:data/kynex``).

Privacy as code keeps the record in a repository; a reviewer compares the record on a branch with
the one on main. The files under PATH at REV are copied into a temporary folder with ``git``
itself (``ls-tree`` and ``cat-file``), so the loader reads them exactly like a checkout, and
errors name the revision and the path.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

PREFIX = "git:"


class RevisionError(ValueError):
    """A ``git:REV:PATH`` that cannot be read; the message says why and what to try."""


def is_revision(spec: str) -> bool:
    return spec.startswith(PREFIX)


def parse_revision(spec: str) -> tuple[str, str]:
    """``git:REV:PATH`` -> (REV, PATH); RevisionError explains the form when it is wrong."""
    body = spec[len(PREFIX) :]
    rev, sep, path = body.rpartition(":")
    if not sep or not rev or not path:
        raise RevisionError(
            f"'{spec}' is not a git revision: write git:REV:PATH, e.g. git:main:data/kynex "
            "(PATH from the repository's top folder)"
        )
    return rev, path.strip("/")


def _git(repo: Path, *args: str) -> bytes:
    if shutil.which("git") is None:
        raise RevisionError(
            "reading a git revision needs the 'git' command, which is not installed"
        )
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {' '.join(args)} failed")
    return result.stdout


@contextmanager
def checkout_revision(spec: str, repo: Path | None = None) -> Iterator[Path]:
    """The record at ``spec`` copied into a temporary folder (or file), removed afterwards.

    ``repo`` is any folder inside the repository (default: the current folder).
    """
    rev, path = parse_revision(spec)
    where = (repo or Path.cwd()).resolve()
    try:
        top = Path(_git(where, "rev-parse", "--show-toplevel").decode().strip())
    except RevisionError:
        raise RevisionError(f"{where} is not inside a git repository (for '{spec}')") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"'{rev}' is not a revision of the repository at {top}") from None
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", "--name-only", rev, "--", path)
    files = [name for name in listing.decode("utf-8").split("\0") if name]
    if not files:
        raise RevisionError(f"'{path}' does not exist at revision '{rev}' of {top}")
    with tempfile.TemporaryDirectory(prefix="ropagraph-rev-") as tmp:
        root = Path(tmp) / "record"
        single = files == [path]
        for name in files:
            relative = PurePosixPath(name).name if single else PurePosixPath(name).relative_to(path)
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(top, "cat-file", "blob", f"{rev}:{name}"))
        yield root / PurePosixPath(path).name if single else root
