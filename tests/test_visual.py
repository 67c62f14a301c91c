"""graph/visual/: what the explorer draws — filters, neighbourhoods, aggregation, escaping."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from graph.build import Graph, build_graph, counts_by_label, counts_by_type, node_key
from graph.model import Record
from graph.schema import NODE_SPECS
from graph.stores import EmbeddedStore
from graph.visual import (
    FLOW_LABELS,
    STYLE,
    ViewFilter,
    aggregate,
    facets,
    focus_candidates,
    graph_from_store,
    legend,
    neighbourhood,
    node_fields,
    result_node_keys,
    select_nodes,
    to_visual,
    view,
    view_of,
)
from tests.conftest import minimal_record_data

MAILCHIMP = node_key("Recipient", "mailchimp")
GOOGLE = node_key("Recipient", "google")


def labels_of(graph: Graph, keys: set[str]) -> set[str]:
    return {graph.nodes[k]["label"] for k in keys}


def test_every_label_has_a_style() -> None:
    assert set(STYLE) == set(NODE_SPECS)
    assert len({(s.colour, s.shape) for s in STYLE.values()}) == len(STYLE)


def test_to_visual_keeps_every_node_and_edge_in_a_stable_order(kynex_graph: Graph) -> None:
    visual = to_visual(kynex_graph)
    assert [n["id"] for n in visual["nodes"]] == sorted(kynex_graph.nodes)
    assert len(visual["edges"]) == kynex_graph.number_of_edges()
    assert visual == to_visual(kynex_graph)
    keys = [(e["source"], e["type"], e["target"]) for e in visual["edges"]]
    assert keys == sorted(keys)
    json.dumps(visual)  # plain JSON, for any renderer


def test_tooltip_shows_fields_and_where_the_source_says_it(kynex_graph: Graph) -> None:
    node = next(n for n in to_visual(kynex_graph)["nodes"] if n["id"] == MAILCHIMP)
    assert node["group"] == "Recipient"
    assert node["ref"] == kynex_graph.nodes[MAILCHIMP]["ref"]
    assert "kind: processor" in node["title"]
    assert "country: US" in node["title"]
    assert "where the source says it:</i> kynex-privacy-policy §5.3, §6" in node["title"]


def test_record_text_is_escaped_in_tooltips_and_labels() -> None:
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    data = minimal_record_data()
    data["activities"][0]["name"] = evil
    data["activities"][0]["ref"] = "§<b>2</b>"
    graph = build_graph(Record.model_validate(data))
    visual = to_visual(graph)
    node = next(n for n in visual["nodes"] if n["id"] == node_key("Activity", "newsletter"))
    assert "<script>" not in node["title"] and "<img" not in node["title"]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in node["title"]
    assert "§&lt;b&gt;2&lt;/b&gt;" in node["title"]
    assert node["label"].startswith("<script>")  # a label is drawn as canvas text, not HTML


def test_node_fields_follow_the_schema_with_ref_last(kynex_graph: Graph) -> None:
    fields = node_fields(kynex_graph.nodes[MAILCHIMP])
    names = [name for name, _ in fields]
    assert names[0] == "id" and names[-1] == "ref"
    assert ("categoryOnly", "no") in fields


def test_no_filter_hides_only_unconnected_nodes(kynex_graph: Graph) -> None:
    kept = select_nodes(kynex_graph, ViewFilter())
    unconnected = {k for k in kynex_graph.nodes if kynex_graph.degree(k) == 0}
    assert unconnected  # unused lawful bases, conditions, mechanisms, the Record node
    assert kept == set(kynex_graph.nodes) - unconnected
    everything = select_nodes(kynex_graph, ViewFilter(hide_isolated=False))
    assert everything == set(kynex_graph.nodes)


def test_lawful_basis_filter_scopes_to_those_activities(kynex_graph: Graph) -> None:
    kept = select_nodes(kynex_graph, ViewFilter(lawful_bases=frozenset({"consent"})))
    activities = {k for k in kept if k.startswith("Activity:")}
    consent = {
        a
        for a, b in kynex_graph.edges()
        if b == node_key("LawfulBasis", "consent") and a.startswith("Activity:")
    }
    assert activities == consent and consent
    assert node_key("LawfulBasis", "contract") not in kept
    assert MAILCHIMP in kept  # the newsletter (consent) discloses to MailChimp
    assert GOOGLE not in kept  # analytics states no basis


def test_country_filter_keeps_recipients_there_and_who_sends_them_data(
    kynex_graph: Graph,
) -> None:
    kept = select_nodes(kynex_graph, ViewFilter(countries=frozenset({"US"})))
    assert {k for k in kept if k.startswith("Recipient:")} == {GOOGLE, MAILCHIMP}
    assert node_key("Country", "US") in kept and node_key("Country", "GB") not in kept
    assert node_key("Activity", "email-newsletter") in kept
    assert node_key("Activity", "website-analytics") in kept
    assert node_key("TransferMechanism", "privacy_shield") in kept


def test_filters_combine_with_and(kynex_graph: Graph) -> None:
    kept = select_nodes(
        kynex_graph,
        ViewFilter(lawful_bases=frozenset({"consent"}), countries=frozenset({"US"})),
    )
    assert {k for k in kept if k.startswith("Activity:")} == {
        node_key("Activity", "email-newsletter")
    }
    assert {k for k in kept if k.startswith("Recipient:")} == {MAILCHIMP}


def test_recipient_kind_and_label_filters(kynex_graph: Graph) -> None:
    kept = select_nodes(kynex_graph, ViewFilter(recipient_kinds=frozenset({"public_authority"})))
    kinds = {kynex_graph.nodes[k]["kind"] for k in kept if k.startswith("Recipient:")}
    assert kinds == {"public_authority"}
    only = select_nodes(kynex_graph, ViewFilter(labels=frozenset({"Activity", "Recipient"})))
    assert labels_of(kynex_graph, only) == {"Activity", "Recipient"}


def test_nothing_matching_says_so(kynex_graph: Graph) -> None:
    result = view(kynex_graph, ViewFilter(lawful_bases=frozenset({"public_task"})))
    assert result.matched == 0 and result.visual["nodes"] == []
    assert "Nothing matches" in result.message


def test_neighbourhood_counts_hops_in_both_directions() -> None:
    graph: Graph = nx.MultiDiGraph()
    for key in "abcd":
        graph.add_node(key, label="Activity", id=key, name=key)
    graph.add_edge("a", "b", type="X")
    graph.add_edge("c", "b", type="X")
    graph.add_edge("c", "d", type="X")
    assert neighbourhood(graph, "b", 1) == {"a", "b", "c"}
    assert neighbourhood(graph, "b", 2) == {"a", "b", "c", "d"}
    assert neighbourhood(graph, "b", 2, within={"a", "b"}) == {"a", "b"}
    assert neighbourhood(graph, "zz", 2) == set()


def test_focus_draws_the_neighbourhood_and_keeps_the_focus(kynex_graph: Graph) -> None:
    result = view(kynex_graph, ViewFilter(focus=MAILCHIMP, hops=1))
    drawn = {n["id"] for n in result.visual["nodes"]}
    assert drawn == {MAILCHIMP, *nx.all_neighbors(kynex_graph, MAILCHIMP)}
    assert result.focus == MAILCHIMP and not result.aggregated
    wider = view(kynex_graph, ViewFilter(focus=MAILCHIMP, hops=2))
    assert drawn < {n["id"] for n in wider.visual["nodes"]}


def test_unknown_focus_is_reported_not_fatal(kynex_graph: Graph) -> None:
    result = view(kynex_graph, ViewFilter(focus="Activity:nope"))
    assert result.missing_focus == "Activity:nope"
    assert "not in this graph" in result.message
    assert result.matched > 0


def test_too_many_nodes_are_aggregated_per_label(kynex_graph: Graph) -> None:
    result = view(kynex_graph, ViewFilter(max_nodes=20, focus=None))
    assert result.aggregated and result.matched > 20
    assert "drawn as one box with their count" in result.message
    groups = {n["id"]: n for n in result.visual["nodes"]}
    assert groups["group:Activity"]["count"] == 16
    assert sum(n["count"] for n in groups.values()) == result.matched
    processes = next(e for e in result.visual["edges"] if e["type"] == "PROCESSES")
    assert processes["count"] == counts_by_type(kynex_graph)["PROCESSES"]


def test_aggregation_keeps_the_focus_node_itself(kynex_graph: Graph) -> None:
    keys = set(kynex_graph.nodes)
    visual = aggregate(kynex_graph, keys, keep=[MAILCHIMP])
    ids = {n["id"] for n in visual["nodes"]}
    assert MAILCHIMP in ids and "group:Recipient" in ids
    recipients = next(n for n in visual["nodes"] if n["id"] == "group:Recipient")
    assert recipients["count"] == counts_by_label(kynex_graph)["Recipient"] - 1


def test_legend_lists_drawn_labels_in_schema_order(kynex_graph: Graph) -> None:
    entries = legend(view(kynex_graph, ViewFilter(countries=frozenset({"US"}))).visual)
    labels = [e.label for e in entries]
    assert labels[:2] == ["Controller", "Activity"]
    assert "Recipient" in labels and "Record" not in labels
    assert entries[labels.index("Recipient")].colour == STYLE["Recipient"].colour


def test_facets_offer_what_the_graph_holds(kynex_graph: Graph) -> None:
    options = facets(kynex_graph)
    assert [b for b, _ in options.lawful_bases] == ["consent", "contract", "legitimate_interests"]
    assert options.countries == [("GB", "United Kingdom"), ("US", "United States")]
    assert "processor" in options.recipient_kinds


def test_focus_candidates_search_names_and_ids(kynex_graph: Graph) -> None:
    assert focus_candidates(kynex_graph, "mailchimp")[0] == MAILCHIMP
    assert focus_candidates(kynex_graph, "MAILCHIMP") == focus_candidates(kynex_graph, "mailchimp")
    assert len(focus_candidates(kynex_graph, "", limit=7)) == 7
    assert focus_candidates(kynex_graph, "no such thing at all") == []


def test_graph_from_store_is_the_graph_that_was_loaded(
    kynex_store: EmbeddedStore, kynex_graph: Graph
) -> None:
    fetched = graph_from_store(kynex_store)
    assert dict(fetched.nodes(data=True)) == dict(kynex_graph.nodes(data=True))
    assert sorted(fetched.edges(keys=True)) == sorted(kynex_graph.edges(keys=True))
    for a, b, k, data in kynex_graph.edges(keys=True, data=True):
        assert fetched.edges[a, b, k] == data
    assert to_visual(fetched) == to_visual(kynex_graph)


def test_result_node_keys_find_nodes_in_rows_and_paths(kynex_store: EmbeddedStore) -> None:
    result = kynex_store.query(
        "MATCH p = (a:Activity)-[:DISCLOSES_TO]->(r:Recipient {id: 'mailchimp'}) RETURN a, p"
    )
    keys = result_node_keys(result.rows)
    assert MAILCHIMP in keys and node_key("Activity", "email-newsletter") in keys
    assert result_node_keys([[1, "x", None], [{"id": "no label"}]]) == []
    neo4j_style = [[{"_labels": ["Recipient"], "id": "google"}]]
    assert result_node_keys(neo4j_style) == [GOOGLE]


def test_result_node_keys_include_the_ends_of_returned_relationships(
    kynex_store: EmbeddedStore,
) -> None:
    result = kynex_store.query(
        "MATCH (:Activity {id: 'email-newsletter'})-[d:DISCLOSES_TO]->(:Recipient) RETURN d"
    )
    keys = result_node_keys(result.rows)
    assert keys == [node_key("Activity", "email-newsletter"), MAILCHIMP]


def test_view_of_query_result_draws_edges_between_returned_nodes(kynex_graph: Graph) -> None:
    result = view_of(kynex_graph, [MAILCHIMP, node_key("Activity", "email-newsletter"), "X:y"])
    assert result.matched == 2
    assert [e["type"] for e in result.visual["edges"]] == ["DISCLOSES_TO"]


@pytest.mark.parametrize("hops", [0, 1, 3])
def test_hops_never_lose_the_focus(kynex_graph: Graph, hops: int) -> None:
    result = view(kynex_graph, ViewFilter(focus=GOOGLE, hops=hops))
    assert GOOGLE in {n["id"] for n in result.visual["nodes"]}


# --------------------------------------------------------------------------- issue 16


def test_every_label_colour_has_readable_text() -> None:
    from graph.visual import contrast_ratio, text_colour

    for label, style in STYLE.items():
        assert contrast_ratio(text_colour(style.colour), style.colour) >= 4.5, label


def test_legend_and_tooltips_speak_plain_words(kynex_graph: Graph) -> None:
    visual = view(kynex_graph, ViewFilter(layout="flow", labels=FLOW_LABELS)).visual
    names = [e.name for e in legend(visual)]
    assert "Processing activity" in names and "Who receives it" in names
    assert all(n and "DataCategory" not in n for n in names)
    node = next(n for n in visual["nodes"] if n["id"] == MAILCHIMP)
    # not 'categoryOnly'; worded for recipients and controllers served alike
    assert "named only as a category (no one organisation): no" in node["title"]
    edge = next(e for e in visual["edges"] if e["type"] == "DISCLOSES_TO")
    assert "discloses to" in edge["title"]


def test_flow_levels_read_left_to_right(kynex_graph: Graph) -> None:
    visual = view(kynex_graph, ViewFilter(layout="flow", labels=FLOW_LABELS)).visual
    level = {n["group"]: n["level"] for n in visual["nodes"]}
    assert level["Source"] < level["Activity"] < level["DataCategory"] < level["Recipient"]
    assert level["Recipient"] < level["Country"] == level["TransferMechanism"]


def test_business_function_filter_keeps_those_activities() -> None:
    from graph.synthetic.generate import generate_record

    graph = build_graph(Record.model_validate(generate_record(120, seed=5)))
    kept = view(graph, ViewFilter(business_functions=frozenset({"Marketing"})))
    activities = [n for n in kept.visual["nodes"] if n["group"] == "Activity"]
    assert activities
    assert all(graph.nodes[n["id"]].get("businessFunction") == "Marketing" for n in activities)
    assert facets(graph).business_functions[0] < facets(graph).business_functions[-1]


def test_grouped_flow_groups_activities_by_business_function() -> None:
    from graph.synthetic.generate import generate_record

    graph = build_graph(Record.model_validate(generate_record(400, seed=5)))
    result = view(graph, ViewFilter(layout="flow", labels=FLOW_LABELS, max_nodes=100))
    assert result.aggregated
    nodes = result.visual["nodes"]
    activity_boxes = [n for n in nodes if n["group"] == "Activity"]
    functions = {str(f) for _, f in graph.nodes(data="businessFunction") if f}
    assert len(activity_boxes) == len(functions)
    assert sum(n["count"] for n in activity_boxes) == 400
    assert all(" activities" in n["label"] or " activity" in n["label"] for n in activity_boxes)
    per_level: dict[int, int] = {}
    for n in nodes:
        per_level[n["level"]] = per_level.get(n["level"], 0) + 1
    assert max(per_level.values()) <= 30, per_level  # every column stays readable
    assert sum(n["count"] for n in nodes) == result.matched  # nothing lost, only grouped
