"""CSV downloads that a spreadsheet opens as data, never as formulas.

Query results contain record text, and a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return) is run as a formula by Excel and LibreOffice ("CSV injection"). Such
cells are prefixed with an apostrophe, the convention spreadsheets show as plain text. Numbers
stay numbers: only text is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def cell(value: Any) -> Any:
    """A result value as a CSV cell: lists joined, objects as JSON, text neutralised."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return neutralise(_text(value))


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV (with a BOM, so spreadsheets detect the encoding) of neutralised cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
