"""The graph built from Kynex: its shape and the key facts the policy states."""

from __future__ import annotations

from graph.build import Graph, build_graph, counts_by_label, node_key
from graph.model import Record
from graph.schema import NODE_SPECS, REL_SPECS


def test_counts_per_label_follow_the_record(kynex_record: Record, kynex_graph: Graph) -> None:
    counts = counts_by_label(kynex_graph)
    assert counts["Activity"] == len(kynex_record.activities) == 16
    assert counts["DataCategory"] == len(kynex_record.data_categories) == 15
    assert counts["Recipient"] == len(kynex_record.recipients) == 15
    assert counts["Source"] == len(kynex_record.sources) == 8
    assert counts["Controller"] == 1
    assert counts["ServedController"] == len(kynex_record.controllers_served) == 1  # §10
    assert counts["Record"] == 1
    assert counts["LawfulBasis"] == 7
    assert counts["Country"] == 2  # GB (Kynex, HMRC, Ofcom) and US (Google, MailChimp)


def test_every_node_and_edge_matches_the_schema(kynex_graph: Graph) -> None:
    for _, data in kynex_graph.nodes(data=True):
        spec = NODE_SPECS[data["label"]]
        assert data["id"] and data["name"]
        assert set(data) - {"label"} <= set(spec.properties)
    labels = dict(kynex_graph.nodes(data="label"))
    for a, b, data in kynex_graph.edges(data=True):
        rel = REL_SPECS[data["type"]]
        assert (labels[a], labels[b]) in rel.endpoints
        assert set(data) - {"type"} <= set(rel.properties)


def test_mailchimp_is_a_processor_in_the_us_under_privacy_shield(kynex_graph: Graph) -> None:
    mc = kynex_graph.nodes[node_key("Recipient", "mailchimp")]
    assert mc["kind"] == "processor"
    assert mc["country"] == "US"
    assert mc["ref"].startswith("kynex-privacy-policy §")
    targets = {
        (b, k) for _, b, k in kynex_graph.out_edges(node_key("Recipient", "mailchimp"), keys=True)
    }
    assert (node_key("Country", "US"), "LOCATED_IN") in targets
    assert (node_key("TransferMechanism", "privacy_shield"), "TRANSFER_UNDER") in targets


def test_newsletter_relies_on_consent_with_withdrawal_and_age_rule(kynex_graph: Graph) -> None:
    news = node_key("Activity", "email-newsletter")
    bases = {b for _, b, k in kynex_graph.out_edges(news, keys=True) if k == "RELIES_ON"}
    assert bases == {node_key("LawfulBasis", "consent")}
    data = kynex_graph.nodes[news]
    assert data["childConsentAge"] == 16  # §5.3: "under 16 years of age … parental consent"
    assert "unsubscrib" in data["consentWithdrawal"].lower()
    assert data["directMarketing"] is True


def test_edges_point_the_way_data_moves(kynex_graph: Graph) -> None:
    source = node_key("Source", "data-subject-directly")
    assert all(
        k == "PROVIDES" or k == "SUPPLIES" for _, _, k in kynex_graph.out_edges(source, keys=True)
    )
    assert kynex_graph.in_degree(source) == 0


def test_disclosure_defaults_to_all_the_activity_categories(make_record) -> None:
    from loaders import load_record

    graph = build_graph(load_record(make_record()))
    [(_, _, data)] = [e for e in graph.edges(data=True) if e[2]["type"] == "DISCLOSES_TO"]
    assert data["dataCategories"] == ["email"]


def test_build_is_deterministic(kynex_record: Record) -> None:
    a, b = build_graph(kynex_record, "h"), build_graph(kynex_record, "h")
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
