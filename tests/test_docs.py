"""Docs that are generated from code must match it."""

from __future__ import annotations

from pathlib import Path

from graph.docs import graph_schema_markdown
from graph.schema import NODES, RELS

ROOT = Path(__file__).resolve().parent.parent


def test_graph_schema_doc_is_current() -> None:
    doc = (ROOT / "docs" / "graph-schema.md").read_text(encoding="utf-8")
    assert doc == graph_schema_markdown(), (
        "docs/graph-schema.md is stale: run 'ropagraph schema --graph > docs/graph-schema.md'"
    )


def test_graph_schema_doc_covers_everything() -> None:
    doc = graph_schema_markdown()
    for spec in NODES:
        assert f"### {spec.label}" in doc
    for rel in RELS:
        assert f"### {rel.type}" in doc


def test_example_queries_in_the_schema_doc_run(kynex_store) -> None:
    import re

    for cypher in re.findall(r"```cypher\n(.*?)\n```", graph_schema_markdown(), re.S):
        kynex_store.query(cypher)
