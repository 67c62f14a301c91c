"""Writing a generated record as YAML (one file or a folder), byte-for-byte reproducible."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from graph.atomic import atomic_directory, atomic_write_text
from graph.synthetic.vocabulary import DEFAULT_PER_FILE

try:  # the C emitter is an optional part of PyYAML wheels; both give the same text here
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


# --------------------------------------------------------------------------- writing


def _header(activities: int, seed: int) -> str:
    return (
        f"# Synthetic record: ropagraph generate --activities {activities} --seed {seed}\n"
        "# Generated data for benchmarks and demos "
        "(graph/synthetic/); not a real organisation.\n"
    )


class _RecordDumper(_Dumper):
    """Block style for elements, inline for lists of ids: how people write records by hand."""

    def ignore_aliases(self, data: Any) -> bool:
        # Never anchors: the loader takes its slow, node-counting path for files with anchors.
        return True


def _represent_list(dumper: _RecordDumper, items: list[Any]) -> yaml.Node:
    inline = all(isinstance(item, str | int | float | bool) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=inline)


def _represent_dict(dumper: _RecordDumper, mapping: dict[Any, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping.items(), flow_style=False)


_RecordDumper.add_representer(list, _represent_list)
_RecordDumper.add_representer(dict, _represent_dict)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Emitting YAML allocates millions of short-lived objects and no reference cycles, yet each
    burst triggers the cyclic collector over the whole record: a third of the dump time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def dump_yaml(content: dict[str, Any]) -> str:
    """YAML text for part of a record, keys in authoring order."""
    with _cyclic_gc_paused():
        text: str = yaml.dump(
            content, Dumper=_RecordDumper, sort_keys=False, allow_unicode=True, width=100
        )
    return text


def record_files(data: dict[str, Any], per_file: int = DEFAULT_PER_FILE) -> dict[str, str]:
    """File name -> YAML text for a record written as a folder (activities in chunks)."""
    if per_file < 1:
        raise ValueError("per_file must be at least 1")
    activities = len(data["activities"])
    seed_note = _header(activities, _seed_of(data))
    groups = {
        "record.yaml": ("record", "controller", "procedures"),
        "categories.yaml": ("data_categories", "data_subjects", "sources"),
        "recipients.yaml": ("recipients",),
        "systems.yaml": ("systems", "security_measures", "retention_rules"),
    }
    files = {
        name: seed_note + dump_yaml({key: data[key] for key in keys})
        for name, keys in groups.items()
    }
    chunks = range(0, activities, per_file)
    width = max(3, len(str(len(chunks))))
    for number, start in enumerate(chunks, 1):
        chunk = data["activities"][start : start + per_file]
        files[f"activities-{number:0{width}d}.yaml"] = seed_note + dump_yaml({"activities": chunk})
    return files


def single_file(data: dict[str, Any]) -> str:
    """The whole record as one YAML text."""
    return _header(len(data["activities"]), _seed_of(data)) + dump_yaml(data)


def _seed_of(data: dict[str, Any]) -> int:
    return int(str(data["record"]["version"]).removeprefix("seed-"))


def is_single_file(out: Path) -> bool:
    """A path ending in .yaml/.yml is written as one file; anything else as a folder."""
    return out.suffix.lower() in (".yaml", ".yml")


def write_generated(
    data: dict[str, Any], out: Path, per_file: int = DEFAULT_PER_FILE
) -> list[Path]:
    """Write the record to ``out`` atomically: one file, or a folder replaced as a whole."""
    if is_single_file(out):
        atomic_write_text(out, single_file(data))
        return [out]
    files = record_files(data, per_file)
    with atomic_directory(out) as folder:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]
