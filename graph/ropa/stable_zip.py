"""Deterministic OOXML packages: the same document gives the same bytes.

openpyxl and python-docx stamp the current time into every zip entry, so two exports of one
record would differ byte for byte; a regulator's copy and the team's copy should not. Entries are
re-packed with a fixed time and the document properties carry only the generated date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stable_zip(data: bytes) -> bytes:
    """Re-pack an OOXML zip with fixed entry times so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, whatever the platform: same bytes everywhere
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def generated_datetime(day: dt.date) -> dt.datetime:
    """Document properties carry the generated date at midnight (UTC, naive) — no clock time."""
    return dt.datetime(day.year, day.month, day.day)
