"""The law as it stood on a date: each commencement pinned the day before and the day of, the
replay before the GDPR, and the false positives of issue 12 kept out (Kynex and small records).

Every date here comes from data/reference/ (article_changes.yaml, pecr.yaml, jurisdictions.yaml,
transfer_mechanisms.yaml, finding_rules.yaml); the tests check that the rules follow them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.build import build_graph
from graph.findings import Finding, FindingsReport, Severity, run_findings
from graph.stores import EmbeddedStore
from loaders import load_record
from tests.conftest import minimal_record_data

TODAY = dt.date(2026, 12, 1)
"""A fixed 'today' after every change the reference data records (the CLI tests cover the real
default)."""


def found(report: FindingsReport, rule: str) -> dict[str, Finding]:
    return {f.element_id: f for f in report.findings if f.rule == rule}


def cited(report: FindingsReport) -> set[str]:
    return {article for finding in report.findings for article in finding.articles}


@pytest.fixture(scope="module")
def kynex(kynex_store: EmbeddedStore):
    """kynex(as_of, *rules) -> the Kynex report on that date (cached)."""
    reports: dict[tuple[dt.date, tuple[str, ...]], FindingsReport] = {}

    def report(as_of: dt.date, *rules: str) -> FindingsReport:
        key = (as_of, rules)
        if key not in reports:
            reports[key] = run_findings(kynex_store, as_of=as_of, rules=list(rules) or None)
            assert not reports[key].errors, reports[key].errors
        return reports[key]

    return report


# --------------------------------------------------------------------------- Kynex today


def test_kynex_today_has_the_pecr_and_rights_findings(kynex) -> None:
    report = kynex(TODAY)
    cookies = found(report, "PECR-COOKIES-NO-CONSENT")
    assert set(cookies) == {"google-analytics-cookies"}
    assert cookies["google-analytics-cookies"].articles == ("PECR reg 6",)
    assert "Disabling cookies" in cookies["google-analytics-cookies"].why
    assert set(found(report, "PECR-TRAFFIC-DATA-MARKETING")) == {"improved-package-offers"}
    assert set(found(report, "PECR-ELECTRONIC-MAIL-NO-CONSENT")) == {"b2b-email-marketing"}
    rights = found(report, "RIGHTS-NOT-STATED")["kynex"]
    for article in ("UK GDPR Art 17", "UK GDPR Art 18", "UK GDPR Art 20"):
        assert article in rights.articles
    assert "UK GDPR Art 21" not in rights.articles  # §17's opt-out is an objection procedure
    assert set(found(report, "REGULATOR-COMPLAINT-NOT-STATED")) == {"kynex"}
    complaints = found(report, "COMPLAINTS-PROCEDURE-MISSING")["kynex"]
    assert complaints.articles == ("DPA 2018 s164A",)
    dpo = found(report, "DPO-CONFLICTING-ROLE")["kynex"]
    assert "IT Manager" in dpo.why and dpo.articles == ("UK GDPR Art 38(6)",)
    assert set(found(report, "MARKETING-THIRD-PARTY-LEGITIMATE-INTERESTS")) == {
        "b2b-email-marketing"
    }


def test_kynex_today_has_none_of_the_false_positives(kynex) -> None:
    report = kynex(TODAY)
    assert not found(report, "SAR-TIMESCALE-NOT-ONE-MONTH")  # 28 days
    assert not found(report, "CHILD-CONSENT-AGE-MISMATCH")  # newsletter, 16
    unknown = set(found(report, "RECIPIENT-COUNTRY-UNKNOWN"))
    # public bodies, the UK-only network and the processor's own customers are not reported
    assert not unknown & {"hmrc", "ofcom", "the-ombudsman", "cicas", "openreach"}
    assert "business-customers" not in unknown
    for rule in ("RECIPIENT-CATEGORY-ONLY", "RECIPIENT-ROLE-UNKNOWN"):
        assert "business-customers" not in found(report, rule), rule
    assert found(report, "LEGISLATION-CURRENT-NOT-CITED")["kynex"].severity is Severity.medium
    assert "LAWFUL-BASIS-MISSING" not in {
        f.rule for f in report.findings if f.element_id == "b2b-email-marketing"
    }


def test_service_management_recipients_do_not_get_every_category(kynex_graph) -> None:
    edges = [
        data
        for source, target, data in kynex_graph.edges(data=True)
        if data["type"] == "DISCLOSES_TO" and source == "Activity:service-management"
    ]
    # the policy does not say which data they receive: no categories, not all of the activity's
    assert edges and all("dataCategories" not in data for data in edges)


# --------------------------------------------------------------------------- the DUAA


@pytest.mark.parametrize(
    ("day", "articles"),
    [
        (dt.date(2026, 2, 4), ("UK GDPR Art 44", "UK GDPR Art 46")),
        (dt.date(2026, 2, 5), ("UK GDPR Art 44A", "UK GDPR Art 46", "UK GDPR Art 46(1A)")),
    ],
)
def test_uk_transfer_articles_change_when_the_duaa_commenced(kynex, day, articles) -> None:
    report = kynex(day, "TRANSFER-INVALID-MECHANISM")
    invalid = found(report, "TRANSFER-INVALID-MECHANISM")
    assert set(invalid) == {"google", "mailchimp"}
    assert {f.articles for f in invalid.values()} == {articles}
    if day >= dt.date(2026, 2, 5):
        assert all("data protection test" in f.what_to_do for f in invalid.values())
    else:
        assert all("data protection test" not in f.what_to_do for f in invalid.values())


def test_2020_cites_the_eu_gdpr_articles(kynex) -> None:
    report = kynex(dt.date(2020, 1, 1))
    assert report.jurisdiction == "GDPR"
    articles = cited(report)
    assert not any(a.startswith("UK GDPR") for a in articles)
    assert not any(a.endswith(("44A", "45A", "45B", "46(1A)", "12A")) for a in articles)


@pytest.mark.parametrize(
    ("day", "expected"), [(dt.date(2026, 6, 18), set()), (dt.date(2026, 6, 19), {"kynex"})]
)
def test_complaints_duty_from_19_june_2026(kynex, day, expected) -> None:
    report = kynex(day, "COMPLAINTS-PROCEDURE-MISSING")
    assert set(found(report, "COMPLAINTS-PROCEDURE-MISSING")) == expected
    if not expected:
        assert "19 June 2026" in report.not_applied["COMPLAINTS-PROCEDURE-MISSING"]


@pytest.mark.parametrize(
    ("day", "hours_reported"), [(dt.date(2025, 8, 19), True), (dt.date(2025, 8, 20), False)]
)
def test_pecr_breach_timescale_24_then_72_hours(kynex, day, hours_reported) -> None:
    """Kynex commits to 72 hours: too slow for PECR's 24 hours until 19 August 2025."""
    report = kynex(day, "PECR-BREACH-NOTIFICATION-TIMESCALE")
    breach = found(report, "PECR-BREACH-NOTIFICATION-TIMESCALE")
    assert bool(breach) is hours_reported
    if hours_reported:
        assert "24 hours" in breach["breach-notification"].why
        assert "Commission Regulation (EU) No 611/2013 Art 2(2)" in (
            breach["breach-notification"].articles
        )


def test_sar_wording_after_the_duaa(make_record) -> None:
    path = make_record(
        minimal_record_data(
            procedures=[
                {"id": "sar", "name": "SAR", "kind": "subject_access", "timescale": {"days": 30}}
            ]
        )
    )
    before, after = (
        _report(path, day, "SAR-TIMESCALE-NOT-ONE-MONTH")
        for day in (dt.date(2026, 2, 4), dt.date(2026, 2, 5))
    )
    assert found(before, "SAR-TIMESCALE-NOT-ONE-MONTH")["sar"].articles == ("UK GDPR Art 12(3)",)
    after_finding = found(after, "SAR-TIMESCALE-NOT-ONE-MONTH")["sar"]
    assert after_finding.articles == ("UK GDPR Art 12(3)", "UK GDPR Art 12A")
    assert "relevant time" in after_finding.what_to_do


# --------------------------------------------------------------------------- before the GDPR


def test_2015_cites_no_gdpr_article(kynex) -> None:
    report = kynex(dt.date(2015, 1, 1))
    assert report.jurisdiction is None
    assert not [a for a in cited(report) if "GDPR" in a or a.startswith("Art ")]
    predates = found(report, "JURISDICTION-NOT-ASSESSED")["kynex"]
    assert "predates" in predates.why and "Data Protection Act 1998" in predates.why
    assert "25 May 2018" in predates.why
    # PECR was UK law then: the analytics cookies needed consent since 26 May 2011
    assert set(found(report, "PECR-COOKIES-NO-CONSENT")) == {"google-analytics-cookies"}
    assert "LAWFUL-BASIS-MISSING" in report.not_applied
    assert {f.rule for f in report.findings} <= {
        "JURISDICTION-NOT-ASSESSED",
        *(rule for rule in (f.rule for f in report.findings) if rule.startswith("PECR-")),
    }


@pytest.mark.parametrize(
    ("day", "regime"), [(dt.date(2018, 5, 24), None), (dt.date(2018, 5, 25), "GDPR")]
)
def test_the_gdpr_rules_start_on_25_may_2018(kynex, day, regime) -> None:
    report = kynex(day)
    assert report.jurisdiction == regime
    assert bool(found(report, "JURISDICTION-NOT-ASSESSED")) is (regime is None)
    assert bool(found(report, "LAWFUL-BASIS-MISSING")) is (regime is not None)


@pytest.mark.parametrize(
    ("day", "expected"), [(dt.date(2011, 5, 25), set()), (dt.date(2011, 5, 26), {"ga"})]
)
def test_cookie_consent_from_26_may_2011(make_record, day, expected) -> None:
    data = minimal_record_data()
    data["activities"][0]["cookies"] = [{"id": "ga", "name": "GA", "purpose": "analytics"}]
    report = _report(make_record(data), day, "PECR-COOKIES-NO-CONSENT")
    assert set(found(report, "PECR-COOKIES-NO-CONSENT")) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2026, 2, 4), {"stats"}), (dt.date(2026, 2, 5), set())],
)
def test_statistical_cookie_exemption_from_5_february_2026(make_record, day, expected) -> None:
    data = minimal_record_data()
    data["activities"][0]["cookies"] = [
        {
            "id": "stats",
            "name": "Statistics",
            "purpose": "analytics",
            "exemption": "statistical",
            "information": "We count visits to improve the site.",
            "objection": "Turn statistics off with the switch in the footer.",
        },
        {
            "id": "stats-no-objection",
            "name": "Bare",
            "purpose": "analytics",
            "exemption": "statistical",
        },
    ]
    report = _report(make_record(data), day, "PECR-COOKIES-NO-CONSENT")
    # without the information and a means to object the exemption never holds
    assert set(found(report, "PECR-COOKIES-NO-CONSENT")) == expected | {"stats-no-objection"}


# --------------------------------------------------------------------------- transfer tools

UK_LEGACY = [
    {
        "id": "early",
        "name": "Early",
        "kind": "processor",
        "country": "IN",
        "contract_ref": "C1",
        "transfers": [{"mechanism": "legacy_eu_scc", "concluded_on": "2022-09-21"}],
    },
    {
        "id": "late",
        "name": "Late",
        "kind": "processor",
        "country": "IN",
        "contract_ref": "C2",
        "transfers": [{"mechanism": "legacy_eu_scc", "concluded_on": "2022-09-22"}],
    },
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2022, 9, 21), set()),
        (dt.date(2022, 9, 22), {"late"}),  # no new UK contracts on the old SCCs
        (dt.date(2024, 3, 21), {"late"}),
        (dt.date(2024, 3, 22), {"early", "late"}),  # no UK contract on them from then
    ],
)
def test_uk_legacy_scc_cut_offs(make_record, day, expected) -> None:
    data = minimal_record_data(recipients=UK_LEGACY)
    data["activities"][0]["recipients"] = ["early", "late"]
    report = _report(make_record(data), day, "TRANSFER-INVALID-MECHANISM")
    invalid = found(report, "TRANSFER-INVALID-MECHANISM")
    assert set(invalid) == expected
    assert all(f.severity is Severity.high for f in invalid.values())


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2021, 9, 26), set()), (dt.date(2021, 9, 27), {"late-eu"})],
)
def test_eu_legacy_scc_no_new_contracts_from_27_september_2021(make_record, day, expected) -> None:
    data = minimal_record_data(
        controller={"id": "acme", "name": "Acme GmbH", "country": "DE"},
        recipients=[
            {
                "id": "late-eu",
                "name": "Late",
                "kind": "processor",
                "country": "IN",
                "contract_ref": "C3",
                "transfers": [{"mechanism": "legacy_eu_scc", "concluded_on": "2021-09-27"}],
            },
        ],
    )
    data["activities"][0]["recipients"] = ["late-eu"]
    report = _report(make_record(data), day, "TRANSFER-INVALID-MECHANISM")
    assert set(found(report, "TRANSFER-INVALID-MECHANISM")) == expected


@pytest.mark.parametrize(
    ("day", "rule"),
    [
        (dt.date(2020, 12, 31), None),  # the UK was under the EU GDPR
        (dt.date(2021, 1, 1), None),  # the TCA bridge: not a third country
        (dt.date(2021, 6, 27), None),
        (dt.date(2021, 6, 28), "TRANSFER-ADEQUACY-NOT-RECORDED"),  # EU adequacy for the UK
    ],
)
def test_eu_to_uk_bridge_then_adequacy(make_record, day, rule) -> None:
    data = minimal_record_data(
        controller={"id": "acme", "name": "Acme GmbH", "country": "DE"},
        recipients=[{"id": "uk-co", "name": "UK Co", "kind": "controller", "country": "GB"}],
    )
    data["activities"][0]["recipients"] = ["uk-co"]
    report = _report(make_record(data), day)
    transfer_rules = {f.rule for f in report.findings if f.element_id == "uk-co"}
    assert transfer_rules == ({rule} if rule else set())


@pytest.mark.parametrize(
    ("day", "rule"),
    [
        (dt.date(2026, 1, 25), "TRANSFER-NO-MECHANISM"),
        (dt.date(2026, 1, 26), "TRANSFER-ADEQUACY-NOT-RECORDED"),
    ],
)
def test_eu_adequacy_for_brazil(make_record, day, rule) -> None:
    data = minimal_record_data(
        controller={"id": "acme", "name": "Acme SA", "country": "FR"},
        recipients=[{"id": "br-co", "name": "BR Co", "kind": "controller", "country": "BR"}],
    )
    data["activities"][0]["recipients"] = ["br-co"]
    report = _report(make_record(data), day)
    assert {f.rule for f in report.findings if f.element_id == "br-co"} == {rule}


def test_uk_adequacy_for_the_faroe_islands(make_record) -> None:
    data = minimal_record_data(
        recipients=[{"id": "fo-co", "name": "FO Co", "kind": "controller", "country": "FO"}]
    )
    data["activities"][0]["recipients"] = ["fo-co"]
    report = _report(make_record(data), TODAY)
    assert {f.rule for f in report.findings if f.element_id == "fo-co"} == {
        "TRANSFER-ADEQUACY-NOT-RECORDED"
    }
    finding = next(f for f in report.findings if f.element_id == "fo-co")
    assert "approval by regulations under UK GDPR Art 45A" in finding.why


# --------------------------------------------------------------------------- regressions


def test_clear_retention_periods_are_not_vague(make_record) -> None:
    rules = [
        {"id": "hr", "name": "6 years after employment ends"},
        {
            "id": "health",
            "name": "Health records",
            "criteria": "11 years after last treatment; until the 25th birthday for children, "
            "whichever is longer",
        },
        {
            "id": "vague",
            "name": "As long as needed",
            "criteria": "as long as reasonably necessary",
            "vague": True,
        },
    ]
    data = minimal_record_data(retention_rules=rules)
    data["activities"][0]["retention"] = ["hr", "health", "vague"]
    report = _report(make_record(data), TODAY, "RETENTION-VAGUE", "RETENTION-NO-PERIOD")
    assert set(found(report, "RETENTION-VAGUE")) == {"vague"}
    assert not found(report, "RETENTION-NO-PERIOD")


def test_uk_public_bodies_and_processor_returns_are_not_unknown_countries(make_record) -> None:
    data = minimal_record_data(
        recipients=[
            {"id": "regulator", "name": "The Regulator", "kind": "public_authority"},
            {
                "id": "customer",
                "name": "Business customer",
                "kind": "controller",
                "category_only": True,
            },
            {"id": "partner", "name": "Partner", "kind": "unspecified"},
        ]
    )
    data["activities"][0]["recipients"] = ["regulator", "partner"]
    data["activities"].append(
        {
            "id": "hosting",
            "name": "Hosting for customers",
            "role": "processor",
            "purposes": ["hosting"],
            "recipients": ["customer"],
        }
    )
    report = _report(
        make_record(data),
        TODAY,
        "RECIPIENT-COUNTRY-UNKNOWN",
        "RECIPIENT-CATEGORY-ONLY",
        "RECIPIENT-ROLE-UNKNOWN",
    )
    assert set(found(report, "RECIPIENT-COUNTRY-UNKNOWN")) == {"partner"}
    assert not found(report, "RECIPIENT-CATEGORY-ONLY")
    assert set(found(report, "RECIPIENT-ROLE-UNKNOWN")) == {"partner"}


def test_child_age_mismatch_is_info_and_only_for_online_services_to_children(make_record) -> None:
    data = minimal_record_data()
    data["activities"][0]["children"] = {"consent_age": 16, "online_service_for_children": True}
    report = _report(make_record(data), TODAY, "CHILD-CONSENT-AGE-MISMATCH")
    mismatch = found(report, "CHILD-CONSENT-AGE-MISMATCH")
    assert mismatch and {f.severity for f in mismatch.values()} == {Severity.info}


def _report(path: Path, day: dt.date, *rules: str) -> FindingsReport:
    folder = path.parent / f"store-{path.stem}-{day.isoformat()}"
    folder.mkdir(exist_ok=True)
    store = EmbeddedStore(folder / "store.lbug")
    try:
        store.load(build_graph(load_record(path)))
        report = run_findings(store, as_of=day, rules=list(rules) or None)
    finally:
        store.close()
    assert not report.errors, report.errors
    return report


def test_the_cli_says_which_rules_were_not_applied(kynex_path: Path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app

    result = CliRunner().invoke(
        app,
        [
            "findings",
            str(kynex_path),
            "--as-of",
            "2026-06-18",
            "--rule",
            "COMPLAINTS-PROCEDURE-MISSING",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "1 rule(s) not applied on 2026-06-18" in result.output
    assert "COMPLAINTS-PROCEDURE-MISSING (applies from 19 June 2026)" in result.output
