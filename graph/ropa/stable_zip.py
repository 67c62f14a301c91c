"""Deterministic OOXML packages: the same document gives the same bytes.

openpyxl and python-docx stamp the current time into every zip entry, so two exports of one
record would differ byte for byte; a regulator's copy and the team's copy should not. Entries are
re-packed with a fixed time and the document properties carry only the generated date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile
from typing import Any

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stable_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry as :func:`stable_zip` writes it: fixed time, Unix permissions, deflated."""
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3  # Unix, whatever the platform: same bytes everywhere
    entry.external_attr = 0o644 << 16
    return entry


class StableZipFile(zipfile.ZipFile):
    """A zip that writes every entry as :func:`stable_zip` would re-pack it, so a library that
    writes into it (openpyxl's ExcelWriter) gives the same bytes without the re-pack: no second
    compression pass and no second copy of the package in memory."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        super().writestr(stable_entry(str(name)), data)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """A file's bytes, streamed (a write-only worksheet is a temp file of any size)."""
        entry = stable_entry(str(arcname if arcname is not None else filename))
        entry.file_size = os.path.getsize(filename)  # ZIP64 decided as writestr would
        with open(filename, "rb") as source, self.open(entry, "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)


def stable_zip(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed entry times so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(stable_entry(info.filename), source.read(info.filename))
    return out.getvalue()


def generated_datetime(day: dt.date) -> dt.datetime:
    """Document properties carry the generated date at midnight (UTC, naive) — no clock time."""
    return dt.datetime(day.year, day.month, day.day)
