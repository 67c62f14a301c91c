"""Neutralise spreadsheet formula injection in text we write to cells (XLSX, CSV).

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheet programs skip before looking for those) is run as a formula when a user opens the
file: a record name such as ``=HYPERLINK("http://evil", "click")`` would become a live link.
OWASP's advice is to prefix such cells with a single quote, which spreadsheets show as plain
text. :func:`restore_cell` undoes exactly that prefix, so values survive an export/import trip.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def _guarded(value: str) -> bool:
    # Quotes already in front of a trigger get one more, so restore_cell can tell ours apart.
    return value.lstrip(_QUOTE).startswith(FORMULA_TRIGGERS)


def neutralise_cell(value: str) -> str:
    """``value`` made safe to put in a spreadsheet cell: quoted if it could start a formula."""
    return _QUOTE + value if _guarded(value) else value


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` exactly: drop the one quote it added, nothing else."""
    if value.startswith(_QUOTE) and _guarded(value):
        return value[1:]
    return value
