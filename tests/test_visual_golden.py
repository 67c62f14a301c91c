"""Golden files for graph.visual on the Kynex sample: what the explorer draws, pinned down.

A change to the drawing (styles, tooltips, filters) or to the Kynex sample shows up here as a
diff. When the change is intended, regenerate and review the diff in git:

    ROPAGRAPH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_visual_golden.py

The files are JSON, one per view, in tests/golden/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from graph.atomic import atomic_write_text
from graph.build import Graph, node_key
from graph.visual import FLOW_LABELS, ViewFilter, view

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("ROPAGRAPH_UPDATE_GOLDEN") == "1"

VIEWS: dict[str, ViewFilter] = {
    "visual_kynex_all": ViewFilter(),
    "visual_kynex_consent": ViewFilter(lawful_bases=frozenset({"consent"})),
    "visual_kynex_mailchimp_2_hops": ViewFilter(focus=node_key("Recipient", "mailchimp"), hops=2),
    "visual_kynex_aggregated": ViewFilter(max_nodes=20),
    "visual_kynex_flow": ViewFilter(layout="flow", labels=FLOW_LABELS),
    "visual_kynex_flow_grouped": ViewFilter(layout="flow", labels=FLOW_LABELS, max_nodes=40),
}


def _first_difference(expected: Any, actual: Any, path: str = "") -> str:
    if type(expected) is not type(actual):
        return f"{path}: expected {type(expected).__name__}, got {type(actual).__name__}"
    if isinstance(expected, dict):
        for key in sorted(set(expected) | set(actual)):
            if expected.get(key) != actual.get(key):
                return _first_difference(expected.get(key), actual.get(key), f"{path}.{key}")
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return f"{path}: expected {len(expected)} items, got {len(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            if e != a:
                label = e.get("id", index) if isinstance(e, dict) else index
                return _first_difference(e, a, f"{path}[{label}]")
    return f"{path}: expected {expected!r}, got {actual!r}"


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_matches_its_golden_file(name: str, kynex_graph: Graph) -> None:
    result = view(kynex_graph, VIEWS[name])
    actual = {
        "matched": result.matched,
        "aggregated": result.aggregated,
        "nodes": result.visual["nodes"],
        "edges": result.visual["edges"],
    }
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        atomic_write_text(path, json.dumps(actual, indent=1, ensure_ascii=False) + "\n")
        path.chmod(0o644)  # a file for the repository, not a private one
    if not path.exists():
        pytest.fail(f"{path} is missing: regenerate with ROPAGRAPH_UPDATE_GOLDEN=1 (see docstring)")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, (
        f"{name} differs from {path.name} at {_first_difference(expected, actual)}; if the change "
        "is intended, regenerate with ROPAGRAPH_UPDATE_GOLDEN=1 and review the diff"
    )
