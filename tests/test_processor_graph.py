"""The processor record (Art 30(2)) in the graph: controllers served as nodes, each processor
activity linked to the controller it is carried out for, and the catalog query that lists them.

Expectations are spelled out from the small record below (and Kynex §10), never read back from
the store that is being tested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.build import Graph, build_graph, node_key
from graph.queries import get_query
from graph.stores import EmbeddedStore
from loaders import load_record
from tests.conftest import minimal_record_data


def processor_record_data() -> dict[str, Any]:
    """Acme as controller (the newsletter) and as processor for two clinics, plus one
    processor activity whose controller the record does not name."""
    data = minimal_record_data()
    data["controllers_served"] = [
        {
            "id": "harbour-dental",
            "name": "Harbour Dental Practice Ltd",
            "country": "GB",
            "contact": {"address": "12 Quay Street, Poole", "email": "info@harbour.example"},
            "dpo": {"name": "J. Smith", "contact": {"email": "dpo@harbour.example"}},
            "representative": {
                "name": "Rep Co",
                "contact": {"address": "1 Rue X, Paris", "phone": "+33 1 00 00 00 00"},
            },
            "contract_ref": "DPA-HD-2024",
            "ref": "contracts §1",
        },
        {"id": "quay-clinic", "name": "Quay Clinic", "country": "FR", "ref": "contracts §2"},
    ]
    base = {
        "role": "processor",
        "data_subjects": ["subscribers"],
        "data_categories": ["phone", "email"],
        "security_measures": ["encryption"],
    }
    data["activities"] += [
        {
            **base,
            "id": "appointment-reminders",
            "name": "Appointment reminders",
            "purposes": ["Send appointment reminders for the practice"],
            "on_behalf_of": ["harbour-dental", "quay-clinic"],
            "ref": "contracts §3",
        },
        {
            **base,
            "id": "payroll-bureau",
            "name": "Payroll bureau",
            "purposes": ["Run payroll for clients"],
            "on_behalf_of": ["harbour-dental"],
        },
        {
            **base,
            "id": "mystery-hosting",
            "name": "Hosting for customers",
            "purposes": ["Host customer files"],
            "ref": "contracts §9",
        },
    ]
    data["security_measures"] = [{"id": "encryption", "name": "Encryption at rest"}]
    data["data_categories"].append({"id": "phone", "name": "Phone number"})
    return data


@pytest.fixture
def processor_graph(make_record: Any) -> Graph:
    return build_graph(load_record(make_record(processor_record_data())))


@pytest.fixture
def processor_store(processor_graph: Graph, tmp_path: Path) -> Any:
    store = EmbeddedStore(tmp_path / "processor.lbug")
    store.load(processor_graph)
    yield store
    store.close()


def _targets(graph: Graph, key: str, rel: str) -> list[str]:
    return sorted(t for _, t, k in graph.out_edges(key, keys=True) if k == rel)


def test_controllers_served_are_nodes_with_their_contacts(processor_graph: Graph) -> None:
    harbour = processor_graph.nodes[node_key("ServedController", "harbour-dental")]
    assert harbour["name"] == "Harbour Dental Practice Ltd"
    assert harbour["email"] == "info@harbour.example"
    assert harbour["address"] == "12 Quay Street, Poole"
    assert harbour["dpoName"] == "J. Smith" and harbour["dpoEmail"] == "dpo@harbour.example"
    assert harbour["representativeName"] == "Rep Co"
    assert harbour["representativeContact"] == "1 Rue X, Paris; +33 1 00 00 00 00"
    assert harbour["contractRef"] == "DPA-HD-2024" and harbour["categoryOnly"] is False
    quay = node_key("ServedController", "quay-clinic")
    assert _targets(processor_graph, quay, "LOCATED_IN") == [node_key("Country", "FR")]
    assert "email" not in processor_graph.nodes[quay]  # nothing recorded, nothing invented


def test_each_processor_activity_points_to_the_controllers_it_serves(
    processor_graph: Graph,
) -> None:
    reminders = node_key("Activity", "appointment-reminders")
    assert _targets(processor_graph, reminders, "ON_BEHALF_OF") == [
        node_key("ServedController", "harbour-dental"),
        node_key("ServedController", "quay-clinic"),
    ]
    assert _targets(processor_graph, node_key("Activity", "mystery-hosting"), "ON_BEHALF_OF") == []
    assert _targets(processor_graph, node_key("Activity", "newsletter"), "ON_BEHALF_OF") == []


def test_kynex_call_recording_is_processing_for_its_business_customers(
    kynex_graph: Graph,
) -> None:
    served = node_key("ServedController", "kynex-business-customers")
    assert kynex_graph.nodes[served]["categoryOnly"] is True
    assert kynex_graph.nodes[served]["ref"] == "kynex-privacy-policy §10"
    sources = sorted(
        s for s, _, k in kynex_graph.in_edges(served, keys=True) if k == "ON_BEHALF_OF"
    )
    assert sources == [node_key("Activity", "call-recording-processor")]


def test_processing_for_controllers_lists_each_controller_and_the_gap(
    processor_store: EmbeddedStore,
) -> None:
    query = get_query("processing-for-controllers")
    rows = processor_store.query(query.cypher).records()
    assert [(r["controller"], r["activityId"]) for r in rows] == [
        ("Harbour Dental Practice Ltd", "appointment-reminders"),
        ("Harbour Dental Practice Ltd", "payroll-bureau"),
        ("Quay Clinic", "appointment-reminders"),
        (None, "mystery-hosting"),  # a processor activity with no controller named
    ]
    assert rows[0]["contractRef"] == "DPA-HD-2024" and rows[2]["country"] == "FR"
    assert rows[0]["processing"] == ["Send appointment reminders for the practice"]
    assert sorted(rows[0]["dataCategories"]) == ["Email address", "Phone number"]
    assert rows[3]["ref"] == "contracts §9"
    assert "newsletter" not in {r["activityId"] for r in rows}  # done as controller


def test_processing_for_controllers_on_kynex(kynex_store: EmbeddedStore) -> None:
    query = get_query("processing-for-controllers")
    rows = kynex_store.query(query.cypher).records()
    assert [(r["controllerId"], r["activityId"], r["categoryOnly"]) for r in rows] == [
        ("kynex-business-customers", "call-recording-processor", True)
    ]
    assert rows[0]["dataCategories"] == ["Call recordings"]
