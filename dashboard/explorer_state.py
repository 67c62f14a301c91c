"""How other pages (and links) send the graph explorer to one element.

A finding's "show in graph" button or a ``?focus=Label:id`` link asks the explorer to focus on
an element. The request is put in session state and applied by the explorer *before* it creates
its widgets (Streamlit only lets a widget's value be set then), clearing the filters so the
element is not hidden by choices made earlier.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

FOCUS = "explorer_focus"
SEARCH = "explorer_search"
HOPS = "explorer_hops"
LABELS = "explorer_labels"
BASES = "explorer_bases"
KINDS = "explorer_kinds"
COUNTRIES = "explorer_countries"
FUNCTIONS = "explorer_functions"
LAYOUT = "explorer_layout"
REQUEST = "explorer_focus_request"
ORIGIN = "explorer_origin"
COUNTED_ABOVE = 10_000
"""Connected elements above which the explorer's first view is counted in the store instead of
drawn from the graph read back: reading it costs ~2 s of CPU at 10,000 activities and ~20 s at
100,000 (benchmarks/README.md, explorer_fetch)."""
FILTERS = (LABELS, f"{LABELS}_flow", f"{LABELS}_free", BASES, KINDS, COUNTRIES, FUNCTIONS)


def request_focus(
    state: MutableMapping[Any, Any],
    key: str,
    origin: tuple[str, str, str] | None = None,
) -> None:
    """Ask the explorer to focus on ``key``; ``origin`` is (page file, page title, what was
    being looked at), so the explorer can say why and offer the way back."""
    state[REQUEST] = key
    if origin is None:
        state.pop(ORIGIN, None)
    else:
        state[ORIGIN] = origin


def apply_focus_request(
    state: MutableMapping[Any, Any], query_focus: str | None = None
) -> str | None:
    """Apply a pending focus request (or a ``?focus=`` value); returns the focused key.

    The caller removes ``?focus=`` from the URL once applied, so choosing another focus (or
    none) afterwards is not overridden by the link on the next rerun.
    """
    requested = state.pop(REQUEST, None) or query_focus
    if requested:
        state[FOCUS] = requested
        state[SEARCH] = ""
        for key in FILTERS:
            state[key] = []
    focus = state.get(FOCUS)
    return focus if isinstance(focus, str) else None
