"""Generate the graph-schema document from :mod:`graph.schema`, so docs cannot drift from code.

docs/graph-schema.md is this function's output; a test fails when they differ
(regenerate with ``ropagraph schema --graph > docs/graph-schema.md``).
"""

from __future__ import annotations

from graph.schema import NODES, RELS

EXAMPLE_NODE_QUERY = "MATCH (n:{label}) RETURN n.id AS id, n.name AS name ORDER BY id LIMIT 10"
EXAMPLE_REL_QUERY = "MATCH (a:{a})-[r:{type}]->(b:{b}) RETURN a.id AS from, b.id AS to LIMIT 10"


def graph_schema_markdown() -> str:
    lines = [
        "# The ropagraph graph schema",
        "",
        "Generated from `graph/schema.py` by `ropagraph schema --graph`; do not edit by hand.",
        "",
        "Edges point the way personal data moves: sources supply activities, activities disclose",
        "to recipients, recipients transfer under a mechanism. Every node has `id` (unique within",
        "its label) and `name`; most carry `ref` (where the fact comes from) and `note`. Labels",
        "are PascalCase, relationship types UPPER_SNAKE, properties camelCase. The same Cypher",
        "runs on the embedded store and on Neo4j: one label per node, labels in patterns,",
        "`toLower` not `lower`.",
        "",
        "## Overview",
        "",
        "```",
    ]
    for rel in RELS:
        for a, b in rel.endpoints:
            lines.append(f"(:{a})-[:{rel.type}]->(:{b})")
    lines += ["```", "", "## Node labels", ""]
    for spec in NODES:
        lines += [f"### {spec.label}", "", spec.doc, "", "| property | type |", "| --- | --- |"]
        lines += [f"| `{name}` | {t} |" for name, t in spec.properties.items()]
        lines += ["", "```cypher", EXAMPLE_NODE_QUERY.format(label=spec.label), "```", ""]
    lines += ["## Relationship types", ""]
    for rel in RELS:
        ends = ", ".join(f"`(:{a})->(:{b})`" for a, b in rel.endpoints)
        lines += [f"### {rel.type}", "", f"{rel.doc} Connects {ends}.", ""]
        if rel.properties:
            lines += ["| property | type |", "| --- | --- |"]
            lines += [f"| `{name}` | {t} |" for name, t in rel.properties.items()]
            lines.append("")
        a, b = rel.endpoints[0]
        lines += ["```cypher", EXAMPLE_REL_QUERY.format(a=a, type=rel.type, b=b), "```", ""]
    return "\n".join(lines)
