"""Read a record authored as YAML: one file, or a folder of files merged.

Two paths keep this fast and safe. Files without anchors are parsed with the C loader straight to
Python objects (a 100k-activity record must parse in seconds). Files with anchors are composed
node by node with an expansion budget, so an alias bomb ("billion laughs") is refused instead of
eating memory. Line numbers are only needed when something is wrong, so they are computed then, by
composing the file again and mapping pydantic's error locations onto YAML node marks.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graph.gcpause import gc_paused
from graph.model import COLLECTIONS, Record, check_references
from loaders.messages import human_message
from loaders.problems import Problem, RecordInvalid
from loaders.record_folder import scan_folder
from loaders.yaml_safety import (
    ALIAS_BYTES_FACTOR,
    ALIAS_BYTES_FLOOR,
    AliasBomb,
    StrictLoader,
    YamlRefused,
    check_depth,
    compose_budgeted,
    count_nodes,
    deep_point,
    refuse,
)

YAML_SUFFIXES = (".yaml", ".yml")
WAIVER_FILE_NAMES = ("waivers.yaml", "waivers.yml")
"""Accepted risks live beside the record (graph/findings/waivers.py reads them); they are not
part of the record, so a folder's record files leave them out (and its content hash too)."""
MAX_FILE_BYTES = 200 * 1024 * 1024
ALIAS_BUDGET_FACTOR = 10  # expanded nodes allowed per node written in the file
ALIAS_BUDGET_FLOOR = 100_000
LIST_KEYS = tuple(COLLECTIONS)
SINGLE_KEYS = ("record", "controller")
TOP_KEYS = SINGLE_KEYS + LIST_KEYS
_ANCHOR = re.compile(r"(^|[\s\[{,:-])&[^\s,\[\]{}]+")

Loc = tuple[str | int, ...]


@dataclass
class _Parsed:
    path: Path
    data: Any
    text: str


@dataclass
class _Origin:
    """Where an element of the merged record came from: file and its path in that file."""

    file: _Parsed
    prefix: Loc


@dataclass
class _Merge:
    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[Loc, _Origin] = field(default_factory=dict)


def record_files(path: Path) -> list[Path]:
    """The YAML files that make up the record at ``path`` (a file or a folder), sorted.

    Hidden folders and links leaving the folder are left out (see :mod:`loaders.record_folder`;
    :func:`skipped_files` lists them for a warning).
    """
    if not path.exists():
        raise RecordInvalid([Problem(str(path), "no such file or folder")])
    if path.is_file():
        return [path]
    files, _ = scan_folder(path)
    files = [f for f in files if not (f.parent == path and f.name in WAIVER_FILE_NAMES)]
    if not files:
        raise RecordInvalid(
            [Problem(str(path), "folder has no YAML files", suggestion="add *.yaml files")]
        )
    return files


def skipped_files(path: Path) -> list[Problem]:
    """Warnings for the YAML files in the folder ``path`` that are not part of the record."""
    return scan_folder(path)[1] if path.is_dir() else []


def content_hash(path: Path) -> str:
    """A hash of the record's files (names and bytes): identifies what a store was built from."""
    digest = hashlib.sha256()
    root = path if path.is_dir() else path.parent
    for file in record_files(path):
        digest.update(str(file.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    f"file is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
                    suggestion="split the record into several files in a folder",
                )
            ]
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                    line=line,
                    suggestion="save the file as UTF-8",
                )
            ]
        ) from exc


def _parse(path: Path) -> _Parsed:
    text = _read_text(path)
    try:
        check_depth(text)
        if not _ANCHOR.search(text):
            return _Parsed(path, yaml.load(text, Loader=StrictLoader), text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:
            return _Parsed(path, None, text)
        written = count_nodes(root, set())
        budget = [
            max(ALIAS_BUDGET_FLOOR, written * ALIAS_BUDGET_FACTOR),
            max(ALIAS_BYTES_FLOOR, len(text) * ALIAS_BYTES_FACTOR),
        ]
        return _Parsed(path, compose_budgeted(root, budget), text)
    except RecursionError:
        raise refuse(path, deep_point(text)) from None
    except YamlRefused as exc:
        raise refuse(path, exc) from None
    except AliasBomb as exc:
        limit_mb = max(ALIAS_BYTES_FLOOR, len(text) * ALIAS_BYTES_FACTOR) // 2**20
        what = f"more than {limit_mb} MB of text" if exc.args == ("bytes",) else "too many nodes"
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    f"YAML aliases expand to {what} (an 'alias bomb'); refused",
                    suggestion="write the data out instead of repeating large anchors",
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    f"malformed YAML: {exc.problem or exc.context}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise RecordInvalid([Problem(str(path), f"malformed YAML: {exc}")]) from None


def read_yaml(path: Path) -> Any:
    """One untrusted YAML file as Python data, with the record loader's walls: duplicate and
    complex keys, deep nesting, alias bombs and bad tagged values are located problems
    (:class:`RecordInvalid`), never a silent last-key-wins or a traceback. For other formats
    kept in YAML (Fides manifests) that must not be read more loosely than a record."""
    return _parse(path).data


def _merge(parsed: list[_Parsed]) -> tuple[_Merge, list[Problem]]:
    merge = _Merge()
    problems: list[Problem] = []
    single_from: dict[str, _Parsed] = {}
    for item in parsed:
        if item.data is None:
            continue
        if not isinstance(item.data, dict):
            problems.append(
                Problem(
                    str(item.path),
                    f"top level is a {type(item.data).__name__}, expected a mapping of "
                    f"{', '.join(TOP_KEYS)}",
                    line=1,
                )
            )
            continue
        for key, value in item.data.items():
            if key in SINGLE_KEYS:
                if key in single_from:
                    problems.append(
                        Problem(
                            str(item.path),
                            f"'{key}' is given again (first in {single_from[key].path})",
                            line=_line_for(item, (key,)),
                            field=str(key),
                            suggestion=f"keep one '{key}' section in the record",
                        )
                    )
                    continue
                single_from[key] = item
                merge.data[key] = value
                merge.origins[(key,)] = _Origin(item, (key,))
            elif key in LIST_KEYS and isinstance(value, list):
                target = merge.data.setdefault(key, [])
                for index, element in enumerate(value):
                    merge.origins[(key, len(target))] = _Origin(item, (key, index))
                    target.append(element)
            elif key in LIST_KEYS:
                problems.append(
                    Problem(
                        str(item.path),
                        f"'{key}' must be a list, got {type(value).__name__}",
                        line=_line_for(item, (key,)),
                        field=str(key),
                        suggestion=f"write each item on a line starting with '- ' under {key}:",
                    )
                )
            else:
                near = difflib.get_close_matches(str(key), TOP_KEYS, n=1, cutoff=0.5)
                problems.append(
                    Problem(
                        str(item.path),
                        f"unknown top-level key '{key}'",
                        line=_line_for(item, (key,)),
                        field=str(key),
                        suggestion=f"did you mean '{near[0]}'?"
                        if near
                        else f"valid keys: {', '.join(TOP_KEYS)}",
                    )
                )
    return merge, problems


def _node_at(root: yaml.Node | None, loc: Loc) -> tuple[yaml.Node | None, bool]:
    """The deepest YAML node along ``loc``; the flag says whether we stopped at a key."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == part:
                    node = value_node
                    break
            else:
                return node, False
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node, False
            node = node.value[part]
        else:
            return node, False
    return node, True


def _key_node(root: yaml.Node | None, loc: Loc) -> yaml.Node | None:
    """The key node for the last part of ``loc`` (so 'unknown field' points at the key)."""
    parent, found = _node_at(root, loc[:-1])
    if found and isinstance(parent, yaml.MappingNode):
        for key_node, _ in parent.value:
            if getattr(key_node, "value", None) == loc[-1]:
                return key_node  # type: ignore[no-any-return]
    return None


_compose_cache: dict[int, yaml.Node | None] = {}


def _line_for(item: _Parsed, loc: Loc, at_key: bool = False) -> int | None:
    position = _position(item, loc, at_key)
    return position[0] if position else None


def _position(item: _Parsed, loc: Loc, at_key: bool = False) -> tuple[int, int] | None:
    key = id(item)
    if key not in _compose_cache:
        try:
            _compose_cache[key] = yaml.compose(item.text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError):
            _compose_cache[key] = None
    root = _compose_cache[key]
    node = _key_node(root, loc) if at_key else None
    if node is None:
        node, _ = _node_at(root, loc)
    if node is None:
        return None
    return node.start_mark.line + 1, node.start_mark.column + 1


def _field_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _locate(merge: _Merge, loc: Loc, default: _Parsed) -> tuple[_Parsed, Loc]:
    """Map a location in the merged record back to its file and in-file location."""
    for size in (2, 1):
        origin = merge.origins.get(loc[:size])
        if origin is not None:
            return origin.file, origin.prefix + loc[size:]
    return default, loc


def _problems_from(merge: _Merge, default: _Parsed, errors: Iterable[Any]) -> list[Problem]:
    problems = []
    for error in errors:
        loc: Loc = tuple(error["loc"])
        # Shorthand validators wrap a string in a dict: drop pydantic's internal loc parts.
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
        message, suggestion = (
            error["message_suggestion"] if "message_suggestion" in error else human_message(error)
        )
        item, in_file = _locate(merge, loc, default)
        position = _position(item, in_file, at_key=error.get("type") == "extra_forbidden")
        problems.append(
            Problem(
                file=str(item.path),
                line=position[0] if position else None,
                column=position[1] if position else None,
                field=_field_path(loc) or None,
                message=message,
                suggestion=suggestion,
            )
        )
    return problems


def parse_record(path: Path | str) -> tuple[Record, list[Path]]:
    """Load and validate the record at ``path``; raise :class:`RecordInvalid` with every problem."""
    with gc_paused():
        return _parse_record(Path(path))


def _parse_record(
    path: Path, parse: Callable[[Path], _Parsed] | None = None
) -> tuple[Record, list[Path]]:
    """``parse`` reads one file (default :func:`_parse`): loaders/cached_record.py passes its
    fast, cached reader, and every step after it — merging, validation, cross-references and
    their located errors — is this one."""
    files = record_files(path)
    parsed: list[_Parsed] = []
    problems: list[Problem] = []
    for file in files:
        try:
            parsed.append((parse or _parse)(file))
        except RecordInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise RecordInvalid(problems)
    try:
        merge, problems = _merge(parsed)
        if not merge.data:
            raise RecordInvalid(
                [
                    Problem(
                        str(path),
                        "the record is empty",
                        suggestion="a record needs 'record', 'controller' and 'activities'",
                    )
                ]
            )
        default = parsed[0]
        try:
            record = Record.model_validate(merge.data)
        except ValidationError as exc:
            problems.extend(_problems_from(merge, default, exc.errors()))
            raise RecordInvalid(problems) from None
        if problems:
            raise RecordInvalid(problems)
        references = check_references(record)
        if references:
            errors = [
                {"loc": p.loc, "type": "reference", "message_suggestion": (p.message, p.suggestion)}
                for p in references
            ]
            raise RecordInvalid(_problems_from(merge, default, errors))
        return record, files
    finally:
        _compose_cache.clear()


def load_record(path: Path | str) -> Record:
    """The validated record at ``path`` (a YAML file or a folder of YAML files)."""
    return parse_record(path)[0]
