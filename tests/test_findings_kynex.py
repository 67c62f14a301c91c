"""The shipped Kynex sample: the rules find the real problems of its privacy policy.

No rule knows about Kynex; these tests check that general rules, applied to the graph built from
data/kynex, point at the elements where the policy goes wrong.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.build import Graph, node_key
from graph.findings import Finding, FindingsReport, Severity, run_findings
from graph.queries import CATALOG
from graph.stores import EmbeddedStore

LATER = dt.date(2026, 6, 1)
"""A fixed date after every change the reference data records, so the tests do not age."""


@pytest.fixture(scope="module")
def report(kynex_store: EmbeddedStore) -> FindingsReport:
    result = run_findings(kynex_store, as_of=LATER)
    assert not result.errors, result.errors
    return result


def found(report: FindingsReport, rule: str) -> dict[str, Finding]:
    return {f.element_id: f for f in report.findings if f.rule == rule}


def test_privacy_shield_transfers_to_the_us(report: FindingsReport) -> None:
    invalid = found(report, "TRANSFER-INVALID-MECHANISM")
    assert set(invalid) == {"google", "mailchimp"}
    for finding in invalid.values():
        assert finding.element_label == "Recipient"
        assert finding.severity is Severity.high
        assert "Privacy Shield" in finding.why and "C-311/18" in finding.why
        assert "Privacy Shield compliant" in finding.why  # what the policy says, quoted
        for alternative in ("UK Extension", "IDTA", "UK Addendum"):
            assert alternative in finding.what_to_do
        # 1 June 2026 is after the DUAA transfer provisions commenced (5 February 2026)
        assert finding.articles == ("UK GDPR Art 44A", "UK GDPR Art 46", "UK GDPR Art 46(1A)")
        assert finding.ref == "kynex-privacy-policy §6"


def test_repealed_legislation(report: FindingsReport) -> None:
    obsolete = found(report, "LEGISLATION-OBSOLETE")
    assert set(obsolete) == {"uk-dpa-1998", "eu-dpd-1995"}
    assert "25 May 2018" in obsolete["uk-dpa-1998"].why
    assert "Data Protection Act 2018" in obsolete["uk-dpa-1998"].why
    current = found(report, "LEGISLATION-CURRENT-NOT-CITED")
    assert set(current) == {"kynex"}
    assert "UK GDPR" in current["kynex"].why
    # it names the EU GDPR instead: the wrong regime, so medium, not info
    assert current["kynex"].severity is Severity.medium
    assert "another regime" in current["kynex"].why


def test_retention_as_long_as_someone_could_bring_a_claim(report: FindingsReport) -> None:
    vague = found(report, "RETENTION-VAGUE")
    assert {"post-contract-claims", "business-commitment", "legal-regulatory-requirements"} == set(
        vague
    )
    assert "could reasonably bring a claim" in vague["post-contract-claims"].why


def test_recipients_named_only_as_categories(report: FindingsReport) -> None:
    categories = found(report, "RECIPIENT-CATEGORY-ONLY")
    assert {"business-partners", "debt-collection-agencies", "credit-reference-agencies"} <= set(
        categories
    )
    assert "google" not in categories and "hmrc" not in categories


def test_bought_in_marketing_data_on_someone_elses_legitimate_interests(
    report: FindingsReport,
) -> None:
    # §17: Kynex relies on legitimate interests (the consent is the data company's)
    assert not found(report, "INDIRECT-CONSENT-MARKETING")
    third_party = found(report, "MARKETING-THIRD-PARTY-LEGITIMATE-INTERESTS")
    assert set(third_party) == {"b2b-email-marketing"}
    assert "data company" in third_party["b2b-email-marketing"].why
    email = found(report, "PECR-ELECTRONIC-MAIL-NO-CONSENT")
    assert set(email) == {"b2b-email-marketing"}
    assert email["b2b-email-marketing"].articles == ("PECR reg 22",)
    assert "Data company" in email["b2b-email-marketing"].why


def test_newsletter_age_rule_is_not_reported(report: FindingsReport) -> None:
    # A higher age than the UK's 13 is lawful, and the policy does not say the newsletter is an
    # online service offered to children: no mismatch finding (issue 12 false positive).
    assert not found(report, "CHILD-CONSENT-AGE-MISMATCH")
    assert not found(report, "CHILD-CONSENT-AGE-TOO-LOW")


def test_call_recordings_under_a_handed_out_password(report: FindingsReport) -> None:
    weak = found(report, "SECURITY-SHARED-PASSWORD")
    assert set(weak) == {"call-recordings-unique-password-other-manager"}
    finding = weak["call-recordings-unique-password-other-manager"]
    assert "Recording calls" in finding.why and "text match" in finding.why
    # the customer's own download password is a per-customer credential, not flagged
    assert "ftp-customer-unique-password" not in weak


def test_other_problems_of_the_policy(report: FindingsReport) -> None:
    assert {"website-analytics", "website-contact-form"} == set(
        found(report, "LAWFUL-BASIS-MISSING")
    )
    # §8's general "for other purposes, this will be with your consent": vague, not absent
    assert {
        "call-recording",
        "improved-package-offers",
        "business-improvement",
        "charity-donations",
    } == set(found(report, "LAWFUL-BASIS-VAGUE"))
    assert set(found(report, "LEGITIMATE-INTERESTS-NO-LIA")) == {
        "b2b-email-marketing",
        "business-contacts-events",
    }
    assert set(found(report, "PROCESSOR-NO-CONTRACT")) == {"google", "mailchimp"}
    # 28 days always falls within a calendar month (issue 12 false positive)
    assert not found(report, "SAR-TIMESCALE-NOT-ONE-MONTH")
    assert not found(report, "SAR-TIMESCALE-EXCEEDS-LIMIT")
    assert set(found(report, "DPO-CONTACT-MISSING")) == {"kynex"}
    assert set(found(report, "DATA-SUBJECT-UNUSED")) == {
        "survey-trial-participants",
        "prize-promotion-entrants",
    }
    # the processor activity is the business customers' to justify, not Kynex's
    assert "call-recording-processor" not in found(report, "LAWFUL-BASIS-MISSING")


def test_the_processor_record_of_section_10(report: FindingsReport) -> None:
    # §10 names no customer and references no processor contract ("our business customers")
    assert set(found(report, "PROCESSOR-CONTROLLER-CATEGORY-ONLY")) == {"kynex-business-customers"}
    assert set(found(report, "PROCESSOR-CONTROLLER-NO-CONTRACT")) == {"kynex-business-customers"}
    # the call-recording activity names its controllers, lists its FTP measures, and hands the
    # recordings back to the customers themselves: nothing else to report
    for rule in (
        "PROCESSOR-CONTROLLER-NOT-NAMED",
        "PROCESSOR-CONTROLLER-NO-PROCESSING",
        "PROCESSOR-CONTROLLER-CONTACT-MISSING",  # a class has no contact: CATEGORY-ONLY says so
        "PROCESSOR-SECURITY-MEASURES-MISSING",
        "PROCESSOR-TRANSFER-COUNTRY-UNKNOWN",
    ):
        assert not found(report, rule), rule
    (finding,) = [f for f in report.findings if f.rule == "PROCESSOR-CONTROLLER-CATEGORY-ONLY"]
    assert finding.ref == "kynex-privacy-policy §10"
    assert finding.articles == ("UK GDPR Art 30(2)(a)",)


def test_every_finding_points_at_a_real_element_with_provenance(
    report: FindingsReport, kynex_graph: Graph
) -> None:
    assert report.findings
    for finding in report.findings:
        key = node_key(finding.element_label, finding.element_id)
        assert key in kynex_graph, f"{finding.rule} points at missing {key}"
        assert kynex_graph.nodes[key]["name"] == finding.element_name
        assert finding.ref and finding.ref.startswith("kynex-privacy-policy"), finding
        assert finding.articles or finding.severity is Severity.info, finding


def test_before_schrems_ii_privacy_shield_was_valid(kynex_store: EmbeddedStore) -> None:
    report = run_findings(kynex_store, as_of=dt.date(2020, 1, 1))
    assert report.jurisdiction == "GDPR"  # the UK applied the EU GDPR until 31 December 2020
    assert not found(report, "TRANSFER-INVALID-MECHANISM")
    # certification was as much a condition of the Privacy Shield as it is of the DPF
    certification = found(report, "TRANSFER-CERTIFICATION-NOT-RECORDED")
    assert set(certification) == {"google", "mailchimp"}
    # the policy states the recipients' claim ("Privacy Shield compliant"): low, not high
    assert {f.severity for f in certification.values()} == {Severity.low}
    assert all(a.startswith("GDPR Art") for f in certification.values() for a in f.articles)
    after = run_findings(
        kynex_store, as_of=dt.date(2020, 7, 16), rules=["TRANSFER-INVALID-MECHANISM"]
    )
    assert set(found(after, "TRANSFER-INVALID-MECHANISM")) == {"google", "mailchimp"}
    assert {f.rule for f in after.findings} == {"TRANSFER-INVALID-MECHANISM"}


def test_transfers_are_those_of_the_catalog_query(kynex_store: EmbeddedStore) -> None:
    from graph.findings.rules_transfers import TRANSFERS_CYPHER

    catalog = kynex_store.query(CATALOG["third-country-transfers"].cypher).records()
    ours = kynex_store.query(TRANSFERS_CYPHER).records()
    assert {(r["recipientId"], r["country"], r["mechanism"]) for r in catalog} == {
        (r["recipientId"], r["country"], r["mechanism"]) for r in ours
    }


def test_running_twice_gives_the_same_report(kynex_store: EmbeddedStore) -> None:
    first = run_findings(kynex_store, as_of=LATER)
    second = run_findings(kynex_store, as_of=LATER)
    assert first.to_dict() == second.to_dict()
