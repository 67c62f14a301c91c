"""Reload a record by re-reading only the files that changed: per-file table fragments.

``ropagraph load`` of a 100,000-activity record spends most of its time on the activities:
parsing, validating and turning them into 1.6 M relationship rows. When one file of a record
changed, every other file's activities would give the same rows again, so the rows of each file
that holds only ``activities`` are kept beside the store (:mod:`graph.table_fragments`), keyed
by the hash of the file's bytes and of the code that made them. A load then

1. parses and validates the other files (record, controller, categories, recipients, …; small)
   as a record without activities, with the same cross-reference checks;
2. parses, validates and checks the activity files it has no fragment for, against those ids;
3. checks the kept fragments' links on ids (every category, recipient, … they name still
   exists; no activity id twice) while putting the tables together.

Any doubt gives None — a problem of any kind, a file mixing activities with other sections, a
cache entry that is missing or damaged in a way that matters — and the caller takes the
whole-record path, which reports the exact located problems (its messages never come from here).

Cache entries are Arrow IPC streams (data only, no code runs on reading), with a SHA-256 of
their payload checked before use: a damaged entry is a miss. Only the latest load's entries are
kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import struct
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from pydantic import Field, TypeAdapter, ValidationError

import graph.build
import graph.build_activity
import graph.model
import graph.schema
import graph.sink
import graph.table_fragments
import graph.tables
from graph.atomic import atomic_write_bytes
from graph.gcpause import gc_paused
from graph.model import Activity, Record, check_references
from graph.table_fragments import Fragment, activity_fragment, assemble, fragment_is_complete
from graph.tables import GraphTables, build_tables
from loaders import cached_record, fast_yaml, yaml_record, yaml_safety
from loaders.cached_record import ParseStats, _parse_file, _prune
from loaders.problems import RecordInvalid

_FORMAT = b"ropagraph-table-fragment 1\0"
_SUFFIX = ".tables"


class _RecordWithoutActivities(Record):
    """The record's other files alone: the same checks, activities come as fragments."""

    activities: list[Activity] = Field(default_factory=list)


_ACTIVITIES = TypeAdapter(list[Activity])


@dataclass
class Reloaded:
    """The tables of a record put together from fragments, and how each file was read."""

    tables: GraphTables
    record_name: str
    content_hash: str
    cached: list[Path] = field(default_factory=list)
    built: list[Path] = field(default_factory=list)
    other: list[Path] = field(default_factory=list)


@cache
def code_tag() -> bytes:
    """What fragments depend on besides the file: the code that validates and builds them."""
    digest = hashlib.sha256(fast_yaml.parser_version().encode() + b"\0" + pa.__version__.encode())
    modules = (
        graph.build,
        graph.build_activity,
        graph.schema,
        graph.sink,
        graph.tables,
        graph.table_fragments,
        fast_yaml,
        yaml_record,
        yaml_safety,
        cached_record,
    )
    files = [Path(m.__file__ or "") for m in modules]
    files += sorted(Path(graph.model.__file__ or "").parent.glob("*.py"))
    files.append(Path(__file__))
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.digest()


def tables_from_fragments(path: Path | str, cache_dir: Path) -> Reloaded | None:
    """The tables of the record at ``path``, re-reading only what ``cache_dir`` lacks; None when
    the whole-record path must decide (see the module)."""
    with gc_paused():
        try:
            return _tables(Path(path), cache_dir)
        except (RecordInvalid, OSError):
            return None  # the whole-record path reports it, with its exact messages


def _tables(path: Path, cache_dir: Path) -> Reloaded | None:
    files = yaml_record.record_files(path)
    root = path if path.is_dir() else path.parent
    digest = hashlib.sha256()  # as yaml_record.content_hash, from the bytes read here
    stats, used_parses = ParseStats(), set[str]()
    entries: list[tuple[Path, str, Fragment | None, Any]] = []  # file, entry, fragment, data
    rest: list[yaml_record._Parsed] = []
    for file in files:
        raw = file.read_bytes()
        digest.update(str(file.relative_to(root)).encode() + b"\0" + raw + b"\0")
        key = hashlib.sha256(code_tag())
        key.update(raw)
        entry = key.hexdigest() + _SUFFIX
        fragment = _read_fragment(cache_dir / entry)
        if fragment is not None and fragment_is_complete(fragment):
            entries.append((file, entry, fragment, None))
            continue
        parsed = _parse_file(file, cache_dir, stats, used_parses, keep=_not_activities)
        data = parsed.data
        if _has_activities(data):
            if set(data) != {"activities"} or not isinstance(data["activities"], list):
                return None  # activities beside other sections: the whole-record path
            entries.append((file, entry, None, data["activities"]))
        else:
            rest.append(parsed)
    if not rest:
        return None
    merge, problems = yaml_record._merge(rest)
    if problems or "record" not in merge.data or "controller" not in merge.data:
        return None
    try:
        others = _RecordWithoutActivities.model_validate(merge.data)
        new = {file: _ACTIVITIES.validate_python(data) for file, _, f, data in entries if f is None}
    except ValidationError:
        return None
    if check_references(others):
        return None
    # tables of everything but the activities, then the ones not cached, checked as a record would
    content_hash = digest.hexdigest()
    rest_tables = build_tables(others, content_hash)
    fragments: list[Fragment] = []
    result = Reloaded(rest_tables, others.record.name, content_hash, other=[p.path for p in rest])
    for file, _, fragment, _ in entries:
        if fragment is None:
            activities = new[file]
            if check_references(others.model_copy(update={"activities": activities})):
                return None
            fragment = activity_fragment(activities)
            result.built.append(file)
        else:
            result.cached.append(file)
        fragments.append(fragment)
    tables = assemble(rest_tables, fragments)
    if tables is None:
        return None
    result.tables = tables
    for (_, entry, cached, _), fragment in zip(entries, fragments, strict=True):
        if cached is None:
            _write_fragment(cache_dir / entry, fragment)
    _prune(cache_dir, used_parses)
    _prune_fragments(cache_dir, {entry for _, entry, _, _ in entries})
    return result


def _has_activities(data: Any) -> bool:
    return isinstance(data, dict) and "activities" in data


def _not_activities(data: Any) -> bool:
    """Parsed data worth keeping in the parse cache: an activity file's fragment is kept."""
    return not _has_activities(data)


def _read_fragment(entry: Path) -> Fragment | None:
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    head = len(_FORMAT)
    checksum, payload = blob[head : head + 32], blob[head + 32 :]
    if blob[:head] != _FORMAT or hashlib.sha256(payload).digest() != checksum:
        return None
    fragment: Fragment = {}
    try:
        view, offset = memoryview(payload), 0
        while offset < len(view):
            (name_size,) = struct.unpack_from("<I", view, offset)
            name = bytes(view[offset + 4 : offset + 4 + name_size]).decode()
            offset += 4 + name_size
            (size,) = struct.unpack_from("<Q", view, offset)
            offset += 8
            with pa.ipc.open_stream(pa.py_buffer(view[offset : offset + size])) as reader:
                fragment[name] = reader.read_all()
            offset += size
    except (pa.ArrowException, struct.error, UnicodeDecodeError, ValueError):
        return None
    return fragment


def _write_fragment(entry: Path, fragment: Fragment) -> None:
    out = io.BytesIO()
    for name, table in fragment.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        data = sink.getvalue()
        encoded = name.encode()
        out.write(struct.pack("<I", len(encoded)) + encoded + struct.pack("<Q", data.size))
        out.write(memoryview(data))
    payload = out.getvalue()
    with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(entry, _FORMAT + hashlib.sha256(payload).digest() + payload)


def _prune_fragments(cache_dir: Path, used: set[str]) -> None:
    with contextlib.suppress(OSError):
        for entry in os.scandir(cache_dir):
            if entry.name.endswith(_SUFFIX) and entry.name not in used:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
