"""The Cypher console's logic: parameters found in a query, a guarded run, a readable table.

A person types the query, so every failure (a refused write, a syntax error, the time limit, the
memory ceiling) is an expected outcome shown as a message, never a stack trace. The query runs in
a worker process (:mod:`graph.stores.sandbox`) that checks the engine's own plan against a
read-only allow-list and can neither write nor read files; at most ROW_CAP rows come back, and
the page says so when the cap cut the result.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import data
from dashboard.data import Loaded
from graph.stores import QueryResult, StoreError
from graph.stores.readonly import WriteRefused
from graph.stores.sandbox import Limits

DEFAULT_TIMEOUT_S = 10
MAX_TIMEOUT_S = 120
ROW_CAP = 10_000

_SKIP = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def parameter_names(cypher: str) -> list[str]:
    """``$names`` used in the query (outside strings and comments), in order of appearance."""
    names: dict[str, None] = {}
    for match in _PARAM.finditer(_SKIP.sub(" ", cypher)):
        names.setdefault(match.group(1), None)
    return list(names)


@dataclass(frozen=True)
class Outcome:
    """A console run: a result, or a message saying why there is none."""

    result: QueryResult | None = None
    refused: str | None = None
    error: str | None = None


def run(current: Loaded, cypher: str, params: dict[str, Any], timeout_s: float) -> Outcome:
    if not cypher.strip():
        return Outcome(error="type a query first (or start from a catalog query)")
    if not math.isfinite(timeout_s):
        timeout_s = DEFAULT_TIMEOUT_S
    limits = Limits(timeout_s=min(max(timeout_s, 1), MAX_TIMEOUT_S), max_rows=ROW_CAP)
    try:
        return Outcome(result=data.run_user_cypher(current, cypher, params, limits))
    except WriteRefused as exc:
        return Outcome(refused=str(exc))
    except StoreError as exc:
        return Outcome(error=str(exc))
    except Exception as exc:  # a driver's own error type: still the user's query, not a crash
        return Outcome(error=f"{type(exc).__name__}: {exc}")


def _display(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def display_frame(result: QueryResult) -> pd.DataFrame:
    """The result as a table; nodes, lists and maps shown as JSON text."""
    rows = [[_display(v) for v in row] for row in result.rows]
    columns: list[str] = []
    for name in result.columns:  # 'RETURN 1, 1' gives two columns with one name
        unique, n = name, 1
        while unique in columns:
            n += 1
            unique = f"{name} ({n})"
        columns.append(unique)
    return pd.DataFrame(rows, columns=columns)
