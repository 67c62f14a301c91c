"""Writing an imported record: a folder with record.yaml, or one .yaml file, never over work.

Every importer (ICO workbook, Fides) ends the same way: nothing is written unless the record
validates and loads back, the write is atomic, and an existing output is replaced only with
``force`` — and a folder only if it holds nothing but a record.yaml from an earlier import, so a
typo in --out can never delete someone's files.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from graph.atomic import atomic_directory, atomic_path
from graph.model import Record
from loaders.yaml_record import load_record

RECORD_FILE = "record.yaml"


class OutputExists(Exception):
    """The output already exists and may hold someone's work: refuse instead of replacing."""


def record_text(record: Record, header: str) -> str:
    """The record as YAML under a comment ``header`` (each line becomes a comment)."""
    data = record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comment + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_record(text: str, out: Path, *, force: bool) -> Path:
    """Write ``text`` to ``out`` (folder or .yaml file) after checking it loads; the target."""
    single_file = out.suffix.lower() in (".yaml", ".yml")
    if out.exists():
        if single_file or out.is_file():
            if not force:
                raise OutputExists(f"{out} exists: pass --force to replace it")
            if out.is_dir():
                raise OutputExists(f"{out} is a folder; give a .yaml file name")
        else:
            contents = sorted(p.name for p in out.iterdir())
            if contents and contents != [RECORD_FILE]:
                raise OutputExists(
                    f"{out} is a folder with other files ({', '.join(contents[:5])}): "
                    "choose a new or empty folder"
                )
            if contents and not force:
                raise OutputExists(f"{out} already holds a {RECORD_FILE}: pass --force")
    if single_file:
        with atomic_path(out) as tmp:
            tmp.write_text(text, encoding="utf-8")
            load_record(tmp)
    else:
        with atomic_directory(out) as tmp:
            (tmp / RECORD_FILE).write_text(text, encoding="utf-8")
            load_record(tmp)
    return out
