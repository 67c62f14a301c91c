"""Uploaded records: staged safely in a temporary folder, validated, loaded into a private store.

An upload is untrusted input from a browser. A zip may try to write outside its folder (absolute
names, ``..``, symlinks) or expand to gigabytes (a zip bomb), so members are checked by name and
type before anything is written, only YAML files are extracted, and bytes are counted while they
are read (a zip's declared sizes can lie). Everything goes to a fresh temporary folder through
atomic writes; the default store is never touched: a valid upload gets its own embedded store
next to it, which only the uploading session reads.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from graph.atomic import atomic_write_bytes
from graph.build import build_graph
from graph.model import Record
from graph.stores import EmbeddedStore, StoreError
from loaders import Problem, RecordInvalid, content_hash, load_record
from loaders.record_folder import is_hidden

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""Largest upload (a YAML file or a zip as sent)."""
MAX_EXTRACTED_BYTES = 100 * 1024 * 1024
"""Largest total size of the YAML files extracted from a zip."""
MAX_FILES = 500
YAML_SUFFIXES = (".yaml", ".yml")
UPLOAD_ROOT_ENV = "ROPAGRAPH_UPLOAD_DIR"
"""Optional folder for upload temp folders (default: the system temp folder)."""
_CHUNK = 1024 * 1024

_created: list[Path] = []


class UploadRefused(ValueError):
    """The upload cannot be used; the message says why and what to send instead."""


@dataclass(frozen=True)
class Staged:
    """An upload written to disk: the record folder, its files, and what was left out."""

    root: Path
    record: Path
    files: list[str]
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """YAML files left out on purpose (hidden folders, links), as for 'ropagraph load'."""


def new_upload_dir() -> Path:
    """A fresh private folder for one upload, removed when the process exits."""
    base = os.environ.get(UPLOAD_ROOT_ENV) or None
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="ropagraph-upload-", dir=base))
    _created.append(path)
    return path


def discard(path: Path | None) -> None:
    """Remove an upload folder (its store and files)."""
    if path is not None and path.name.startswith("ropagraph-upload-"):
        shutil.rmtree(path, ignore_errors=True)


@atexit.register
def _discard_all() -> None:
    for path in _created:
        discard(path)


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path a member may be written to; UploadRefused when it could escape."""
    cleaned = name.replace("\\", "/")
    path = PurePosixPath(cleaned)
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise UploadRefused(f"'{name}' is an absolute path; archives must hold relative paths")
    if any(part == ".." for part in path.parts):
        raise UploadRefused(f"'{name}' points outside the archive ('..'); refusing the upload")
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts:
        raise UploadRefused(f"'{name}' is not a file name")
    return PurePosixPath(*parts)


MAX_NAME_PART = 255
"""Longest file or folder name most file systems accept (bytes)."""


def _is_yaml(path: PurePosixPath) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES


def _check_writable(path: PurePosixPath, written: list[str]) -> None:
    for part in path.parts:
        if len(part.encode("utf-8")) > MAX_NAME_PART:
            raise UploadRefused(
                f"'{part[:40]}…' in the archive is a name of {len(part.encode('utf-8'))} bytes; "
                f"file systems allow {MAX_NAME_PART}: shorten it"
            )
    for other in written:
        mine, theirs = str(path), other
        if theirs.startswith(mine + "/") or mine.startswith(theirs + "/"):
            clash = mine if theirs.startswith(mine + "/") else theirs
            raise UploadRefused(
                f"'{clash}' is both a file and a folder in the archive; rename one of them"
            )


def _extract_zip(data: bytes, target: Path) -> tuple[list[str], list[str], list[str]]:
    try:
        archive = zipfile.ZipFile(_BytesReader(data))
    except zipfile.BadZipFile:
        raise UploadRefused("the .zip file is damaged or not a zip archive") from None
    written: list[str] = []
    skipped: list[str] = []
    warnings: list[str] = []
    total = 0
    with archive:
        members = archive.infolist()
        for info in members:
            if info.is_dir():
                continue
            path = safe_member_path(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                warnings.append(f"{path}: symbolic link left out of the record")
                continue
            if not _is_yaml(path):
                skipped.append(str(path))
                continue
            if is_hidden(path):
                warnings.append(f"{path}: in a hidden folder, left out of the record")
                continue
            _check_writable(path, written)
            if info.flag_bits & 0x1:
                raise UploadRefused(f"'{info.filename}' is encrypted; upload an unencrypted zip")
            if len(written) >= MAX_FILES:
                raise UploadRefused(f"the archive holds more than {MAX_FILES} YAML files")
            chunks: list[bytes] = []
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_EXTRACTED_BYTES:
                        raise UploadRefused(
                            "the archive expands to more than "
                            f"{MAX_EXTRACTED_BYTES // (1024 * 1024)} MB of YAML; "
                            "refusing it (possible zip bomb)"
                        )
                    chunks.append(chunk)
            destination = target.joinpath(*path.parts)
            if str(path) in written:
                raise UploadRefused(f"'{path}' appears twice in the archive")
            try:
                atomic_write_bytes(destination, b"".join(chunks))
            except OSError as exc:
                raise UploadRefused(f"'{path}' cannot be written: {exc.strerror}") from None
            written.append(str(path))
    return written, skipped, warnings


class _BytesReader:
    """A seekable read-only view of bytes for zipfile (avoids copying large uploads)."""

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else min(self._pos + size, len(self._view))
        out = bytes(self._view[self._pos : end])
        self._pos = end
        return out

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True


def stage(files: Sequence[tuple[str, bytes]], root: Path) -> Staged:
    """Write an upload (YAML files, or one zip of a record folder) under ``root/record``."""
    if not files:
        raise UploadRefused("no file uploaded")
    for name, data in files:
        if len(data) > MAX_UPLOAD_BYTES:
            raise UploadRefused(
                f"'{name}' is {len(data) / 1e6:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB — split the record or load it with "
                "'ropagraph load' instead"
            )
    record = root / "record"
    zips = [f for f in files if f[0].lower().endswith(".zip")]
    if zips:
        if len(files) > 1:
            raise UploadRefused("upload either one .zip or YAML files, not both")
        written, skipped, warnings = _extract_zip(zips[0][1], record)
        if not written:
            raise UploadRefused(
                "the archive holds no .yaml or .yml files"
                + (f" (found: {', '.join((skipped + warnings)[:5])})" if skipped else "")
            )
        return Staged(root, record, sorted(written), sorted(skipped), warnings)
    written = []
    for name, data in files:
        path = safe_member_path(name)
        if path.suffix.lower() not in YAML_SUFFIXES:
            raise UploadRefused(f"'{name}' is not a .yaml/.yml file or a .zip of a record folder")
        if str(path.name) in written:
            raise UploadRefused(f"two files are named '{path.name}'")
        _check_writable(PurePosixPath(path.name), written)
        try:
            atomic_write_bytes(record / path.name, data)
        except OSError as exc:
            raise UploadRefused(f"'{name}' cannot be written: {exc.strerror}") from None
        written.append(path.name)
    return Staged(root, record, sorted(written))


def problem_rows(problems: Sequence[Problem], root: Path) -> list[dict[str, str | int | None]]:
    """Problems as table rows (file, line, field, message, suggestion), paths made relative."""
    rows = []
    for problem in problems:
        row = problem.as_dict()
        try:
            row["file"] = str(Path(problem.file).resolve().relative_to(root.resolve()))
        except ValueError:
            row["file"] = Path(problem.file).name
        rows.append(
            {
                key: row.get(key)
                for key in ("file", "line", "column", "field", "message", "suggestion")
            }
        )
    return rows


def load_staged(staged: Staged, record: Record) -> Path:
    """Load a validated upload into its own embedded store; returns the store path."""
    store = EmbeddedStore(staged.root / "store.lbug")
    try:
        store.load(build_graph(record, content_hash(staged.record)))
    finally:
        store.close()
    return store.path


@dataclass(frozen=True)
class Ingested:
    """The outcome of an upload: a loaded store, or why not (a refusal or the problems)."""

    staged: Staged | None = None
    store: Path | None = None
    record_name: str | None = None
    refused: str | None = None
    problems: list[dict[str, str | int | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.store is not None


def ingest(files: Sequence[tuple[str, bytes]], root: Path) -> Ingested:
    """Stage, validate and load an upload into ``root``; on failure ``root`` is removed."""

    try:
        staged = stage(files, root)
    except UploadRefused as exc:
        discard(root)
        return Ingested(refused=str(exc))
    try:
        record = load_record(staged.record)
    except RecordInvalid as exc:
        rows = problem_rows(exc.problems, staged.record)
        discard(root)
        return Ingested(staged=staged, problems=rows)
    try:
        store = load_staged(staged, record)
    except (StoreError, OSError) as exc:
        discard(root)
        return Ingested(
            staged=staged, refused=f"the record is valid but could not be loaded: {exc}"
        )
    return Ingested(staged, store, record.record.name)
