"""Reading Fides resource files (fideslang YAML) with the fideslang package's own models.

A Fides "manifest" is a YAML file whose top-level keys are resource types (``system``,
``organization``, ``data_category``, ``data_use``, ``data_subject``, ``dataset``, ``policy``)
each holding a list. Every resource is validated with fideslang's model for its type, so a
resource Fides would refuse is refused here too — with the file, the line of the resource and
the field, all problems at once. Resource types ropagraph does not read are reported as notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from fideslang.models import DataCategory, DataSubject, DataUse, Organization, System
from pydantic import BaseModel, ValidationError

from graph.model import ImportNote
from loaders.problems import Problem, RecordInvalid
from loaders.yaml_record import read_yaml

SUFFIXES = (".yml", ".yaml")
MAX_FILE_BYTES = 50 * 1024 * 1024
MODELS: dict[str, type[BaseModel]] = {
    "system": System,
    "organization": Organization,
    "data_category": DataCategory,
    "data_use": DataUse,
    "data_subject": DataSubject,
}
NOT_READ = {
    "dataset": "Fides datasets describe storage schemas (collections and fields); ropagraph "
    "keeps only the systems' references to them",
    "policy": "Fides policies are rules evaluated by Fides, not facts of the record",
    "evaluation": "Fides evaluations are results, not facts of the record",
    "registry": "Fides registries group systems; ropagraph does not model them",
}


@dataclass
class Located:
    file: str
    line: int | None


@dataclass
class Resources:
    """The validated resources of one or more Fides files, each with where it was found."""

    systems: list[tuple[System, Located]] = field(default_factory=list)
    organizations: list[tuple[Organization, Located]] = field(default_factory=list)
    data_categories: list[DataCategory] = field(default_factory=list)
    data_uses: list[DataUse] = field(default_factory=list)
    data_subjects: list[DataSubject] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def fides_files(path: Path) -> list[Path]:
    if not path.exists():
        raise RecordInvalid([Problem(str(path), "no such file or folder")])
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    if not files:
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    "folder has no .yml/.yaml files",
                    suggestion="give a Fides manifest file",
                )
            ]
        )
    return files


def _lines(text: str) -> dict[tuple[str, int], int]:
    """(resource type, index) -> 1-based line of the resource in the file."""
    lines: dict[tuple[str, int], int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(value, yaml.SequenceNode):
                for index, item in enumerate(value.value):
                    lines[(str(key.value), index)] = item.start_mark.line + 1
    return lines


def read_resources(path: Path) -> Resources:
    """Every resource under ``path`` (a file or a folder); RecordInvalid lists all problems."""
    out = Resources()
    problems: list[Problem] = []
    for file in fides_files(path):
        name = str(file)
        out.files.append(file.name)
        if file.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(name, "file over 50 MB", suggestion="split the manifest"))
            continue
        try:
            data = read_yaml(file)
        except RecordInvalid as exc:
            problems.extend(exc.problems)
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        if not isinstance(data, dict):
            problems.append(Problem(name, "not a Fides manifest (expected keys such as 'system:')"))
            continue
        lines = _lines(text)
        for kind, items in data.items():
            _read_kind(out, problems, file, str(kind), items, lines)
    if problems:
        raise RecordInvalid(problems)
    return out


def _read_kind(
    out: Resources,
    problems: list[Problem],
    file: Path,
    kind: str,
    items: Any,
    lines: dict[tuple[str, int], int],
) -> None:
    name = str(file)
    if kind in NOT_READ or kind not in MODELS:
        reason = NOT_READ.get(kind, f"'{kind}' is not a Fides resource type ropagraph reads")
        count = len(items) if isinstance(items, list) else 1
        out.notes.append(
            ImportNote(file=file.name, heading=kind, text=f"{count} resource(s)", reason=reason)
        )
        return
    if not isinstance(items, list):
        problems.append(Problem(name, f"'{kind}' must be a list of resources", field=kind))
        return
    model = MODELS[kind]
    for index, item in enumerate(items):
        line = lines.get((kind, index))
        try:
            resource = model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(p) for p in error["loc"])
                problems.append(
                    Problem(
                        name,
                        str(error["msg"]).removeprefix("Value error, "),
                        line=line,
                        field=f"{kind}[{index}].{loc}" if loc else f"{kind}[{index}]",
                    )
                )
            continue
        where = Located(file.name, line)
        if isinstance(resource, System):
            out.systems.append((resource, where))
        elif isinstance(resource, Organization):
            out.organizations.append((resource, where))
        elif isinstance(resource, DataCategory):
            out.data_categories.append(resource)
        elif isinstance(resource, DataUse):
            out.data_uses.append(resource)
        elif isinstance(resource, DataSubject):
            out.data_subjects.append(resource)
