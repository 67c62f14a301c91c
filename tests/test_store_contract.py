"""One contract, every store: the same cases run on the embedded store and on Neo4j.

Neo4j runs when NEO4J_URI (and NEO4J_PASSWORD) point at a server — use an empty scratch
database, e.g. the project's test server: ``eval "$(make -s neo4j)"`` then
``.venv/bin/pytest -m neo4j`` (CI does this). The tests write only tagged test records and
remove them afterwards.

Expected catalog rows are computed from the networkx graph in plain Python, independently of
Cypher, so a query that is wrong on every store still fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.build import Graph, build_graph
from graph.queries import CATALOG
from graph.stores import EmbeddedStore, GraphStore
from graph.stores.readonly import WriteRefused
from loaders import load_record
from tests.conftest import minimal_record_data
from tests.test_neo4j_support import KYNEX_PARAMS

NEO4J_MISSING = "no Neo4j server: set NEO4J_URI and NEO4J_PASSWORD (see docs/neo4j.md)"

STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _require_neo4j() -> None:
    if not os.environ.get("NEO4J_URI") or os.environ.get("NEO4J_PASSWORD") is None:
        pytest.skip(NEO4J_MISSING)


# ------------------------------------------------------------------------ store fixtures


@pytest.fixture(scope="session")
def neo4j_kynex(kynex_graph: Graph) -> Iterator[Any]:
    """Kynex pushed into the Neo4j database named by NEO4J_*; removed again at the end."""
    _require_neo4j()
    from graph.stores.neo4j_store import open_neo4j_store

    store = open_neo4j_store(prompt=None)
    other = store.query(
        "MATCH (n) WHERE n.ropagraphRecord IS NULL OR n.ropagraphRecord <> 'kynex' "
        "RETURN count(n) AS n"
    ).rows[0][0]
    if other:
        pytest.skip(
            f"the Neo4j database holds {other} other nodes: run the contract on an empty one"
        )
    store.load(kynex_graph)
    yield store
    store.remove("kynex")
    store.close()


@pytest.fixture(params=STORES)
def kynex_on(request: pytest.FixtureRequest) -> GraphStore:
    """Kynex, loaded into each store in turn."""
    if request.param == "embedded":
        store: GraphStore = request.getfixturevalue("kynex_store")
        return store
    store = request.getfixturevalue("neo4j_kynex")
    return store


Loader = Callable[[Graph], None]


@pytest.fixture(params=STORES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[GraphStore, Loader]]:
    """(store, load) for tests that load records of their own; cleaned up afterwards."""
    if request.param == "embedded":
        embedded = EmbeddedStore(tmp_path / "fresh.lbug")
        yield embedded, lambda g: (embedded.load(g), None)[1]
        embedded.close()
        return
    _require_neo4j()
    from graph.stores.neo4j_store import open_neo4j_store
    from graph.stores.neo4j_sync import record_id

    neo = open_neo4j_store(prompt=None)
    pushed: set[str] = set()

    def load(graph: Graph) -> None:
        pushed.add(record_id(graph))
        neo.load(graph)

    try:
        yield neo, load
    finally:
        for record in pushed:
            neo.remove(record)
        neo.close()


def test_record(make_record: Any, **overrides: Any) -> Graph:
    """A small record under a unique id, so a shared Neo4j database never mixes runs."""
    record = {"id": f"contract-{uuid.uuid4().hex[:8]}", "name": "Contract test"}
    data = minimal_record_data(record=record, **overrides)
    return build_graph(load_record(make_record(data)))


test_record.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


# ------------------------------------------------------------------------ expected rows


def _sorted(rows: list[list[Any]], key: Callable[[list[Any]], tuple[Any, ...]]) -> list[list[Any]]:
    return sorted(rows, key=key)


def _nulls_last(*values: Any) -> tuple[Any, ...]:
    """Cypher's ascending order: nulls after every value."""
    return tuple(item for v in values for item in (v is None, v if v is not None else ""))


def _nodes(graph: Graph, label: str) -> list[dict[str, Any]]:
    return [d for _, d in graph.nodes(data=True) if d["label"] == label]


def _out(graph: Graph, key: str, rel: str) -> list[tuple[Any, Any]]:
    """(target node data, edge data) of ``key``'s outgoing ``rel`` edges."""
    return [(graph.nodes[t], d) for _, t, d in graph.out_edges(key, data=True) if d["type"] == rel]


def _key(data: dict[str, Any]) -> str:
    return f"{data['label']}:{data['id']}"


def expected_basis_summary(graph: Graph) -> list[list[Any]]:
    rows = []
    for basis in _nodes(graph, "LawfulBasis"):
        claims = [
            d for _, _, d in graph.in_edges(_key(basis), data=True) if d["type"] == "RELIES_ON"
        ]
        vague = sum(1 for d in claims if d.get("vague") is True)
        rows.append(
            [
                basis["id"],
                basis["name"],
                basis.get("article"),
                len(claims) - vague,
                vague,
                len(claims),
            ]
        )
    return _sorted(rows, lambda r: _nulls_last(r[2]))


def expected_activities_without_basis(graph: Graph) -> list[list[Any]]:
    rows = [
        [a["id"], a["name"], a.get("purposes"), a.get("ref")]
        for a in _nodes(graph, "Activity")
        # processors' activities are their customers' to justify; a missing role compares null
        if a.get("role") not in (None, "processor") and not _out(graph, _key(a), "RELIES_ON")
    ]
    return _sorted(rows, lambda r: _nulls_last(r[1]))


def expected_third_country_transfers(graph: Graph) -> list[list[Any]]:
    rows = []
    for controller in _nodes(graph, "Controller"):
        for activity, _ in _out(graph, _key(controller), "PERFORMS"):
            for recipient, disclosure in _out(graph, _key(activity), "DISCLOSES_TO"):
                transfers = _out(graph, _key(recipient), "TRANSFER_UNDER") or [(None, None)]
                for mechanism, transfer in transfers:
                    destination = (transfer or {}).get("country") or recipient.get("country")
                    if destination is None or destination == controller.get("country"):
                        continue
                    country_key = f"Country:{destination}"
                    if country_key not in graph:
                        continue
                    country = graph.nodes[country_key]
                    rows.append(
                        [
                            activity["id"],
                            activity["name"],
                            disclosure.get("dataCategories"),
                            recipient["id"],
                            recipient["name"],
                            country["id"],
                            country["name"],
                            mechanism["id"] if mechanism else None,
                            (transfer or {}).get("statedAs"),
                            (transfer or {}).get("ref"),
                        ]
                    )
    return _sorted(rows, lambda r: _nulls_last(r[5], r[4], r[1], r[7]))


def expected_what_goes_to(graph: Graph, recipient_arg: str) -> list[list[Any]]:
    rows = []
    for activity in _nodes(graph, "Activity"):
        for recipient, disclosure in _out(graph, _key(activity), "DISCLOSES_TO"):
            if recipient_arg not in (recipient["id"],) and (
                recipient["name"].lower() != recipient_arg.lower()
            ):
                continue
            for category_id in disclosure.get("dataCategories") or []:
                category_key = f"DataCategory:{category_id}"
                if category_key not in graph:
                    continue
                category = graph.nodes[category_key]
                rows.append(
                    [
                        recipient["name"],
                        activity["id"],
                        activity["name"],
                        category["id"],
                        category["name"],
                        disclosure.get("ref"),
                    ]
                )
    return _sorted(rows, lambda r: _nulls_last(r[2], r[4]))


def expected_recipients_by_country(graph: Graph) -> list[list[Any]]:
    rows = []
    for recipient in _nodes(graph, "Recipient"):
        located = _out(graph, _key(recipient), "LOCATED_IN") or [(None, None)]
        for country, _ in located:
            rows.append(
                [
                    country["id"] if country else None,
                    country["name"] if country else None,
                    recipient["id"],
                    recipient["name"],
                    recipient.get("kind"),
                ]
            )
    return _sorted(rows, lambda r: (r[0] if r[0] is not None else "~", r[3]))


def expected_data_categories(graph: Graph) -> list[list[Any]]:
    rows = []
    for category in _nodes(graph, "DataCategory"):
        users = [
            s for s, _, d in graph.in_edges(_key(category), data=True) if d["type"] == "PROCESSES"
        ]
        rows.append(
            [
                category["id"],
                category["name"],
                category.get("special"),
                category.get("specialCategory"),
                len(users),
            ]
        )
    return _sorted(rows, lambda r: _nulls_last(r[1]))


def expected_processing_for_controllers(graph: Graph) -> list[list[Any]]:
    rows = []
    for activity in _nodes(graph, "Activity"):
        if activity.get("role") != "processor":
            continue
        categories = sorted(c["name"] for c, _ in _out(graph, _key(activity), "PROCESSES"))
        for served, _ in _out(graph, _key(activity), "ON_BEHALF_OF") or [(None, None)]:
            s = served or {}
            rows.append(
                [
                    s.get("id"),
                    s.get("name"),
                    s.get("categoryOnly"),
                    s.get("country"),
                    s.get("contractRef"),
                    activity["id"],
                    activity["name"],
                    activity.get("purposes"),
                    categories,
                    s.get("ref") or activity.get("ref"),
                ]
            )
    return _sorted(rows, lambda r: (r[1] if r[1] is not None else "~", r[6]))


EXPECTED: dict[str, Callable[[Graph], list[list[Any]]]] = {
    "basis-summary": expected_basis_summary,
    "activities-without-basis": expected_activities_without_basis,
    "third-country-transfers": expected_third_country_transfers,
    "what-goes-to": lambda g: expected_what_goes_to(g, KYNEX_PARAMS["what-goes-to"]["recipient"]),
    "recipients-by-country": expected_recipients_by_country,
    "data-categories": expected_data_categories,
    "processing-for-controllers": expected_processing_for_controllers,
}


# ------------------------------------------------------------------------ the contract


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalog_rows_match_the_graph(kynex_on: GraphStore, kynex_graph: Graph, name: str) -> None:
    query = CATALOG[name]
    rows = kynex_on.query(query.cypher, query.bind(KYNEX_PARAMS.get(name, {}))).rows
    expected = EXPECTED[name](kynex_graph)
    assert expected, f"Kynex should give {name} rows, or this case proves nothing"
    assert rows == expected


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_catalog_query_gives_the_embedded_rows_on_neo4j(
    neo4j_kynex: GraphStore, kynex_store: EmbeddedStore, name: str
) -> None:
    query = CATALOG[name]
    params = query.bind(KYNEX_PARAMS.get(name, {}))
    assert neo4j_kynex.query(query.cypher, params).records() == (
        kynex_store.query(query.cypher, params).records()
    )


def test_whole_nodes_come_back_as_plain_dicts_without_tags(kynex_on: GraphStore) -> None:
    rows = kynex_on.query("MATCH (r:Recipient {id: 'mailchimp'}) RETURN r").rows
    assert rows == [
        [
            {
                "_label": "Recipient",
                "id": "mailchimp",
                "name": "MailChimp",
                **{k: v for k, v in rows[0][0].items() if k not in ("_label", "id", "name")},
            }
        ]
    ]
    assert not any(key.startswith("ropagraph") for key in rows[0][0])
    rel = kynex_on.query(
        "MATCH (:Activity)-[d:DISCLOSES_TO]->(:Recipient {id: 'mailchimp'}) RETURN d"
    ).rows[0][0]
    assert rel["_type"] == "DISCLOSES_TO" and "dataCategories" in rel
    assert not any(key.startswith("ropagraph") for key in rel)


RELATIONSHIPS = [
    # the relationship alone: its ends are not in the result and must be looked up
    "MATCH (a:Activity)-[d:DISCLOSES_TO]->(r:Recipient) RETURN d ORDER BY a.id, r.id",
    # with one end returned beside it
    "MATCH (a:Activity)-[d:DISCLOSES_TO]->(r:Recipient) RETURN r, d ORDER BY a.id, r.id",
    # inside a path
    "MATCH p = (:Activity {id: 'email-newsletter'})-[:DISCLOSES_TO]->(:Recipient) RETURN p",
]


@pytest.mark.parametrize("cypher", RELATIONSHIPS, ids=["alone", "beside-a-node", "in-a-path"])
def test_relationships_carry_their_ends_in_the_same_shape(
    kynex_on: GraphStore, kynex_store: EmbeddedStore, cypher: str
) -> None:
    rows = kynex_on.query(cypher).rows
    assert rows == kynex_store.query(cypher).rows  # the same shape and values on every store
    rels = [
        value
        for row in rows
        for cell in row
        for value in (cell.get("relationships", [cell]) if isinstance(cell, dict) else [])
        if "_type" in value
    ]
    assert rels and all(r["_start"].startswith("Activity:") for r in rels)
    assert ("Activity:email-newsletter", "Recipient:mailchimp") in {
        (r["_start"], r["_end"]) for r in rels
    }


@pytest.mark.neo4j
def test_findings_on_neo4j_are_the_embedded_findings(
    neo4j_kynex: GraphStore, kynex_store: EmbeddedStore
) -> None:
    import datetime as dt

    from graph.findings import run_findings

    day = dt.date(2026, 1, 1)
    on_neo4j = run_findings(neo4j_kynex, as_of=day)
    embedded = run_findings(kynex_store, as_of=day)
    assert on_neo4j.errors == embedded.errors == {}
    assert on_neo4j.findings == embedded.findings
    assert on_neo4j.jurisdiction == embedded.jurisdiction


WRITES = [
    "CREATE (:Activity {id: 'x', name: 'x'})",
    "MATCH (a:Activity) SET a.name = 'changed'",
    "MATCH (a:Activity) DETACH DELETE a",
    "MERGE (:Country {id: 'ZZ', name: 'Nowhere'})",
    "MATCH (a:Activity) REMOVE a.name",
    "MATCH (n) WITH n LIMIT 1 CALL db.createLabel('Evil') RETURN n",
    "DROP TABLE Activity",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_write_clauses_are_refused_and_change_nothing(kynex_on: GraphStore, cypher: str) -> None:
    count = "MATCH (a:Activity) RETURN count(a) AS n, min(a.name) AS first"
    before = kynex_on.query(count).rows
    with pytest.raises(WriteRefused):
        kynex_on.query(cypher)
    assert kynex_on.query(count).rows == before


@pytest.mark.parametrize(
    "value", ["it's", "x' OR 1=1 //", 'a "quoted" \\ value\nnext line', "mailchimp' OR true //"]
)
def test_parameters_are_passed_not_interpolated(kynex_on: GraphStore, value: str) -> None:
    assert kynex_on.query("RETURN $v AS v", {"v": value}).rows == [[value]]
    what = CATALOG["what-goes-to"]
    assert kynex_on.query(what.cypher, what.bind({"recipient": value})).rows == []


def test_a_name_with_a_quote_is_found_through_a_parameter(
    fresh: tuple[GraphStore, Loader], make_record: Any
) -> None:
    store, load = fresh
    recipients = minimal_record_data()["recipients"]
    recipients[0]["name"] = 'O\'Reilly "Mail" \\ Ltd'
    load(test_record(make_record, recipients=recipients))
    what = CATALOG["what-goes-to"]
    rows = store.query(what.cypher, what.bind({"recipient": 'o\'reilly "mail" \\ ltd'})).rows
    assert [row[0] for row in rows] == ['O\'Reilly "Mail" \\ Ltd']


def _snapshot(store: GraphStore, record: str) -> tuple[list[str], list[str]]:
    """The record's nodes and relationships with their properties (tags stripped)."""
    if isinstance(store, EmbeddedStore):
        nodes_q, rels_q = "MATCH (n) RETURN n", "MATCH (a)-[r]->(b) RETURN a.id, r, b.id"
        params: dict[str, Any] = {}
    else:
        nodes_q = "MATCH (n) WHERE n.ropagraphRecord = $record RETURN n"
        rels_q = "MATCH (a)-[r]->(b) WHERE r.ropagraphRecord = $record RETURN a.id, r, b.id"
        params = {"record": record}
    nodes = sorted(repr(sorted(r[0].items())) for r in store.query(nodes_q, params).rows)
    rels = sorted(
        repr((r[0], sorted(r[1].items()), r[2])) for r in store.query(rels_q, params).rows
    )
    return nodes, rels


def test_loading_the_same_record_twice_changes_nothing(
    fresh: tuple[GraphStore, Loader], make_record: Any
) -> None:
    store, load = fresh
    graph = test_record(make_record)
    record = graph.nodes[next(k for k in graph if k.startswith("Record:"))]["id"]
    load(graph)
    first = _snapshot(store, record)
    assert len(first[0]) == graph.number_of_nodes()
    assert len(first[1]) == graph.number_of_edges()
    load(graph)
    assert _snapshot(store, record) == first


def test_an_element_removed_from_the_record_disappears(
    fresh: tuple[GraphStore, Loader], make_record: Any
) -> None:
    store, load = fresh
    data = minimal_record_data()
    extra = {"id": "contract-printer", "name": "Contract Printer", "kind": "processor"}
    graph = test_record(make_record, recipients=[*data["recipients"], extra])
    record = graph.nodes[next(k for k in graph if k.startswith("Record:"))]["id"]
    load(graph)
    find = "MATCH (r:Recipient {id: 'contract-printer'}) RETURN r.name"
    assert store.query(find).rows == [["Contract Printer"]]

    smaller = minimal_record_data(record={"id": record, "name": "Contract test"})
    load(build_graph(load_record(make_record(smaller))))
    assert store.query(find).rows == []
    nodes, _ = _snapshot(store, record)
    assert len(nodes) == build_graph(load_record(make_record(smaller))).number_of_nodes()


@pytest.mark.neo4j
def test_a_second_record_is_untouched_by_syncing_the_first(make_record: Any) -> None:
    _require_neo4j()
    from graph.stores.neo4j_store import open_neo4j_store
    from graph.stores.neo4j_sync import record_id

    store = open_neo4j_store(prompt=None)
    first, second = test_record(make_record), test_record(make_record)
    a, b = record_id(first), record_id(second)
    try:
        store.load(first)
        store.load(second)
        before = _snapshot(store, b)
        data = minimal_record_data(record={"id": a, "name": "changed"}, recipients=[])
        data["activities"][0]["recipients"] = []
        store.load(build_graph(load_record(make_record(data))))
        assert _snapshot(store, b) == before
        assert (
            store.query("MATCH (r:Recipient) WHERE r.ropagraphRecord = $a RETURN r", {"a": a}).rows
            == []
        )
    finally:
        store.remove(a)
        store.remove(b)
        store.close()
