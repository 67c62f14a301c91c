"""Which files of a record folder are part of the record, and which are left out (and why).

The same rule for the CLI (``ropagraph load FOLDER``) and the dashboard upload: YAML files only;
nothing under a hidden folder (``.github/workflows/*.yml`` is CI configuration, not processing)
or ``__MACOSX``; no symbolic link whose target lies outside the record folder (a link could pull
in any file the reader can open). Each file left out is reported as a warning, never silently.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from loaders.problems import Problem

YAML_SUFFIXES = (".yaml", ".yml")


def is_hidden(relative: PurePath) -> bool:
    """A part of the path starts with '.' or is macOS's ``__MACOSX`` archive folder."""
    return any(part.startswith(".") or part == "__MACOSX" for part in relative.parts)


def scan_folder(root: Path) -> tuple[list[Path], list[Problem]]:
    """(the record's YAML files sorted, a warning for each YAML file left out)."""
    files: list[Path] = []
    skipped: list[Problem] = []
    real_root = root.resolve()
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in sorted(dirnames):
            entry = base / name
            relative = entry.relative_to(root)
            if is_hidden(relative):
                dirnames.remove(name)
                if any(entry.rglob("*.y*ml")):
                    skipped.append(
                        Problem(
                            str(entry),
                            "hidden folder left out of the record",
                            suggestion="move its YAML files to a visible folder to include them",
                        )
                    )
            elif entry.is_symlink():
                dirnames.remove(name)
                skipped.append(_link_warning(entry, real_root, "folder"))
        for name in sorted(filenames):
            entry = base / name
            if entry.suffix.lower() not in YAML_SUFFIXES:
                continue
            if is_hidden(entry.relative_to(root)):
                skipped.append(Problem(str(entry), "hidden file left out of the record"))
                continue
            if entry.is_symlink():
                target = entry.resolve()
                if not target.is_relative_to(real_root) or not target.is_file():
                    skipped.append(_link_warning(entry, real_root, "file"))
                    continue
            if entry.is_file():
                files.append(entry)
    return sorted(files), skipped


def _link_warning(entry: Path, real_root: Path, kind: str) -> Problem:
    target = entry.resolve()
    inside = target.is_relative_to(real_root)
    return Problem(
        str(entry),
        f"symbolic link to a {kind} "
        + ("inside the folder, already read there" if inside else "outside the record folder")
        + " left out of the record",
        suggestion="copy the file into the record folder to include it",
    )
