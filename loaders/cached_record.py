"""Read a record fast, and re-read only what changed: the loader behind ``ropagraph load``.

Two things make a large record load quickly, without touching what the YAML loader promises:

* **Parse fast, locate on failure.** Each file goes through :func:`loaders.fast_yaml.fast_parse`
  (a Rust parser, used only where it reads exactly what PyYAML reads). Anything else — a YAML 1.1
  form, anchors, a syntax error, duplicate keys — goes to :mod:`loaders.yaml_record`'s own
  ``_parse``, so its ``file:line:column`` errors are the ones the user sees.
* **A per-file cache keyed by content.** The parsed data of every fast-parsed file is kept in
  a cache folder under the hash of its text (and of the parser), so after editing one file of a
  large record, only that file is parsed again. Validation always runs on the whole record
  (cross-references span files): :func:`loaders.yaml_record.parse_record`'s own steps, which
  take this module's reader as their ``parse`` hook (so the two cannot drift apart).

The cache holds plain data (dicts, lists, strings, numbers) written with :mod:`marshal`, which
cannot run code on load; each entry carries a hash of its payload and a damaged entry is a miss.
Only the entries used by the latest load are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.atomic import atomic_write_bytes
from graph.gcpause import gc_paused
from graph.model import Record
from loaders import fast_yaml, yaml_record

_FORMAT = b"ropagraph-parse-cache 1\0"
_SUFFIX = ".parsed"


@dataclass
class ParseStats:
    """How each file was read: from the cache, by the fast parser, or by the full loader."""

    cached: list[Path] = field(default_factory=list)
    fast: list[Path] = field(default_factory=list)
    full: list[Path] = field(default_factory=list)


def parse_cache_for(store_path: Path) -> Path:
    """The parse cache that goes with a store file: a folder beside it."""
    return store_path.with_name(store_path.name + ".parse-cache")


def _parser_tag() -> bytes:
    return fast_yaml.parser_version().encode()


def parse_record_cached(
    path: Path | str, cache: Path | None = None
) -> tuple[Record, list[Path], ParseStats]:
    """Like :func:`loaders.yaml_record.parse_record`, with the fast parser and ``cache``."""
    with gc_paused():
        return _parse_record(Path(path), cache)


def _parse_record(path: Path, cache: Path | None) -> tuple[Record, list[Path], ParseStats]:
    stats = ParseStats()
    used: set[str] = set()
    record, files = yaml_record._parse_record(
        path, parse=lambda file: _parse_file(file, cache, stats, used)
    )
    if cache is not None:
        _prune(cache, used)
    return record, files, stats


def _parse_file(
    file: Path,
    cache: Path | None,
    stats: ParseStats,
    used: set[str],
    keep: Callable[[Any], bool] | None = None,
) -> Any:
    """One file, from the cache or parsed; ``keep`` says whether freshly parsed data is worth
    caching (loaders/table_cache.py keeps table fragments of activity files instead)."""
    text = yaml_record._read_text(file)  # the size limit and UTF-8 check, with their errors
    if cache is not None:
        name = hashlib.sha256(_parser_tag() + b"\0" + text.encode("utf-8")).hexdigest() + _SUFFIX
        used.add(name)
        data = _read_entry(cache / name)
        if data is not None:
            stats.cached.append(file)
            return yaml_record._Parsed(file, data[0], text)
    fast = fast_yaml.fast_parse(text)
    if fast is None:
        stats.full.append(file)
        return yaml_record._parse(file)
    stats.fast.append(file)
    if cache is not None and (keep is None or keep(fast)):
        _write_entry(cache / name, fast)
    return yaml_record._Parsed(file, fast, text)


def _read_entry(entry: Path) -> tuple[Any] | None:
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    head = len(_FORMAT)
    checksum, payload = blob[head : head + 32], blob[head + 32 :]
    if blob[:head] != _FORMAT or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        return (marshal.loads(payload),)
    except (EOFError, ValueError, TypeError):
        return None


def _write_entry(entry: Path, data: Any) -> None:
    try:
        payload = marshal.dumps(data)
    except ValueError:  # not plain data: nothing to cache
        return
    with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write_bytes(entry, _FORMAT + hashlib.sha256(payload).digest() + payload)


def _prune(cache: Path, used: set[str]) -> None:
    with contextlib.suppress(OSError):
        for entry in os.scandir(cache):
            if entry.name.endswith(_SUFFIX) and entry.name not in used:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
