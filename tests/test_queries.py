"""Every catalog query on Kynex returns exactly the rows the record implies.

Expectations are computed from the pydantic record in plain Python, independently of Cypher,
and a few are spelled out literally where the policy states them.
"""

from __future__ import annotations

import pytest

from graph.model import Record
from graph.queries import CATALOG, get_query
from graph.reference import reference_by_id
from graph.stores import EmbeddedStore


def run(store: EmbeddedStore, name: str, **params: str) -> list[dict]:
    q = get_query(name)
    return store.query(q.cypher, q.bind(params)).records()


def test_catalog_is_documented() -> None:
    for q in CATALOG.values():
        assert q.question.endswith("?"), q.name
        for param in q.params:
            assert f"${param}" in q.cypher


def test_basis_summary(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    bases = run(kynex_store, "basis-summary")

    def claims(basis: str, vague: bool) -> int:
        return sum(
            1
            for a in kynex_record.activities
            for c in a.lawful_bases
            if c.basis.value == basis and c.vague is vague
        )

    expected = {
        basis: (claims(basis, False), claims(basis, True))
        for basis in reference_by_id("lawful_bases")
    }
    assert {r["basis"]: (r["stated"], r["vague"]) for r in bases} == expected
    assert all(r["activities"] == r["stated"] + r["vague"] for r in bases)
    # direct marketing and the newsletter state consent; four activities are covered only by
    # §8's general "for other purposes, this will be with your consent" (vague, not stated)
    consent = next(r for r in bases if r["basis"] == "consent")
    assert (consent["stated"], consent["vague"], consent["activities"]) == (2, 4, 6)
    assert [r["article"] for r in bases] == sorted(r["article"] for r in bases)


def test_activities_by_basis(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    rows = run(kynex_store, "activities-by-basis")
    expected = sorted(
        (c.basis.value, a.name) for a in kynex_record.activities for c in a.lawful_bases
    )
    assert [(r["basis"], r["activity"]) for r in rows] == expected
    vague = {
        (c.basis.value, a.name) for a in kynex_record.activities for c in a.lawful_bases if c.vague
    }
    assert {(r["basis"], r["activity"]) for r in rows if r["vague"]} == vague
    assert len(vague) == 4


def test_categories_by_basis(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    names = {c.id: c.name for c in kynex_record.data_categories}
    expected = sorted(
        {
            (c.basis.value, names[d])
            for a in kynex_record.activities
            for c in a.lawful_bases
            for d in a.data_categories
        }
    )
    rows = run(kynex_store, "categories-by-basis")
    assert [(r["basis"], r["category"]) for r in rows] == expected


def test_consent_activities_with_withdrawal(
    kynex_store: EmbeddedStore, kynex_record: Record
) -> None:
    rows = run(kynex_store, "consent-activities")
    expected = sorted(
        a.name
        for a in kynex_record.activities
        if "consent" in {c.basis.value for c in a.lawful_bases}
    )
    assert [r["activity"] for r in rows] == expected
    newsletter = next(r for r in rows if r["activityId"] == "email-newsletter")
    assert newsletter["withdrawal"]


def test_legitimate_interests(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    rows = run(kynex_store, "legitimate-interests")
    assert {r["activityId"] for r in rows} == {"business-contacts-events", "b2b-email-marketing"}
    assert all(r["lia"] is None for r in rows)  # the policy names no assessment


def test_special_and_criminal_processing_empty_for_kynex(kynex_store: EmbeddedStore) -> None:
    # The policy names no special-category or criminal-offence data.
    assert run(kynex_store, "special-category-processing") == []
    assert run(kynex_store, "criminal-offence-processing") == []


def test_activities_without_basis(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    rows = run(kynex_store, "activities-without-basis")
    expected = sorted(
        a.name
        for a in kynex_record.activities
        if not a.lawful_bases and a.role.value != "processor"
    )
    assert [r["activity"] for r in rows] == expected
    assert "website-analytics" in {r["activityId"] for r in rows}


def test_third_country_transfers(kynex_store: EmbeddedStore) -> None:
    rows = run(kynex_store, "third-country-transfers")
    assert [(r["activityId"], r["recipient"], r["country"], r["mechanism"]) for r in rows] == [
        ("website-analytics", "Google", "US", "privacy_shield"),
        ("email-newsletter", "MailChimp", "US", "privacy_shield"),
    ]
    assert rows[1]["dataCategories"] == ["newsletter-email-address"]
    assert rows[1]["statedAs"] == "EU-U.S Privacy Shield compliant"


def test_recipients_by_country(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    rows = run(kynex_store, "recipients-by-country")
    assert len(rows) == len(kynex_record.recipients)
    located = [(r["country"], r["recipientId"]) for r in rows if r["country"]]
    assert located == sorted((r.country, r.id) for r in kynex_record.recipients if r.country)
    assert rows[-1]["country"] is None  # unknown locations last


@pytest.mark.parametrize("recipient", ["mailchimp", "MailChimp", "MAILCHIMP"])
def test_what_goes_to_mailchimp(kynex_store: EmbeddedStore, recipient: str) -> None:
    rows = run(kynex_store, "what-goes-to", recipient=recipient)
    assert [(r["activityId"], r["categoryId"]) for r in rows] == [
        ("email-newsletter", "newsletter-email-address")
    ]


def test_what_goes_to_is_parameterised_not_interpolated(kynex_store: EmbeddedStore) -> None:
    assert run(kynex_store, "what-goes-to", recipient="x' OR 1=1 //") == []


def test_who_receives(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    rows = run(kynex_store, "who-receives", category="usage-data")
    expected = sorted(
        (r.name, a.name)
        for a in kynex_record.activities
        for d in a.recipients
        for r in kynex_record.recipients
        if r.id == d.recipient
        and "usage-data" in (a.data_categories if d.data_categories is None else d.data_categories)
    )
    assert sorted((r["recipient"], r["activity"]) for r in rows) == expected
    assert expected


def test_sources_of(kynex_store: EmbeddedStore, kynex_record: Record) -> None:
    rows = run(kynex_store, "sources-of", category="credit-reference-data")
    expected = sorted(
        s.name for s in kynex_record.sources if "credit-reference-data" in s.data_categories
    )
    assert [r["source"] for r in rows] == expected
    assert "credit-reference-agencies-source" in {r["sourceId"] for r in rows}


def test_recipients_retention_and_categories(
    kynex_store: EmbeddedStore, kynex_record: Record
) -> None:
    recipients = run(kynex_store, "recipients")
    assert {r["recipientId"] for r in recipients} == {r.id for r in kynex_record.recipients}
    retention = run(kynex_store, "retention-schedule")
    pairs = [(a.name, rule) for a in kynex_record.activities for rule in (a.retention or [None])]
    expected = sorted(pairs, key=lambda x: (x[0], x[1] or ""))
    assert [(r["activity"], r["ruleId"]) for r in retention] == expected
    cats = run(kynex_store, "data-categories")
    usage = {r["categoryId"]: r["activities"] for r in cats}
    assert usage == {
        c.id: sum(1 for a in kynex_record.activities if c.id in a.data_categories)
        for c in kynex_record.data_categories
    }


def test_bind_reports_missing_and_unknown_parameters() -> None:
    q = get_query("what-goes-to")
    with pytest.raises(ValueError, match="missing --param recipient"):
        q.bind({})
    with pytest.raises(ValueError, match="unknown parameter"):
        q.bind({"recipient": "x", "colour": "red"})


def test_unknown_query_suggests() -> None:
    with pytest.raises(KeyError, match="third-country-transfers"):
        get_query("third-country-transfer")
