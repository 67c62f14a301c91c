"""``ropagraph impact``: breach scope, onward recipients, duties and deadlines (issue 17).

Expectations come from the record (or the reference data) and are checked through the CLI with
typer's CliRunner, plus the library for what the CLI only prints.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.questions import Breached, breach_impact
from graph.reference import reference_by_id
from graph.stores import EmbeddedStore
from tests.conftest import minimal_record_data

runner = CliRunner()
MakeRecord = Callable[..., Path]


def impact_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["impact", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def duty(answer: dict[str, Any], duty_id: str) -> dict[str, Any]:
    found = [d for d in answer["duties"] if d["id"] == duty_id]
    assert found, f"no duty {duty_id} in {[d['id'] for d in answer['duties']]}"
    return found[0]


# ------------------------------------------------------------------------------------ Kynex


def test_mailchimp_breach_names_subscribers_email_us_invalid_tool_and_72_hours(
    kynex_path: Path, kynex_record: Any
) -> None:
    answer = impact_json(str(kynex_path), "--recipient", "mailchimp", "--as-of", "2026-06-01")
    newsletter = [
        a for a in kynex_record.activities if any(r.recipient == "mailchimp" for r in a.recipients)
    ]
    assert [a["id"] for a in answer["activities"]] == [a.id for a in newsletter]
    assert [s["id"] for s in answer["subjects"]] == ["newsletter-subscribers"]
    assert [c["id"] for c in answer["categories"]] == ["newsletter-email-address"]
    [mailchimp] = answer["destinations"]
    assert mailchimp["relation"] == "breached"
    assert mailchimp["country"] == "US"
    assert mailchimp["mechanism"] == "privacy_shield"
    invalid_from = reference_by_id("transfer_mechanisms")["privacy_shield"].invalid_from
    assert invalid_from is not None
    assert mailchimp["mechanism_status"].startswith(f"not valid since {invalid_from.day} July 2020")
    regulator = duty(answer, "uk_regulator")
    assert regulator["status"] == "applies"
    assert regulator["hours"] == 72
    assert answer["regime"] == "UK GDPR"
    rules = {(f["rule"], f["element_id"]) for f in answer["findings"]}
    assert any(element == "mailchimp" for _, element in rules)


def test_mailchimp_breach_as_text(kynex_path: Path) -> None:
    result = runner.invoke(
        app, ["impact", str(kynex_path), "--recipient", "MailChimp", "--as-of", "2026-06-01"]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for expected in (
        "Email newsletter subscribers",
        "Newsletter email address",
        "United States (US)",
        "EU-US Privacy Shield",
        "not valid since 16 July 2020",
        "within 72 hours",
        "Notify the Information Commissioner",
    ):
        assert expected in text, expected


def test_a_processor_breach_says_the_processor_must_tell_us(kynex_path: Path) -> None:
    answer = impact_json(str(kynex_path), "--recipient", "mailchimp")
    told = duty(answer, "uk_processor_to_controller")
    assert told["status"] == "applies to the processor"
    assert told["notify"] == "Kynex"


def test_deadline_becomes_a_date_from_the_time_of_awareness(kynex_path: Path) -> None:
    answer = impact_json(
        str(kynex_path), "--recipient", "mailchimp", "--aware-at", "2026-12-01T09:30"
    )
    assert duty(answer, "uk_regulator")["due"] == "2026-12-04T09:30"
    assert duty(answer, "uk_individuals")["due"] is None  # without undue delay: no fixed hours


def test_kynex_as_processor_tells_its_controllers_and_does_not_notify_itself(
    kynex_path: Path,
) -> None:
    answer = impact_json(str(kynex_path), "--system", "secure-ftp-site")
    assert [a["role"] for a in answer["activities"]] == ["processor"]
    assert duty(answer, "uk_regulator")["status"] == "not applicable"
    told = duty(answer, "uk_processor_to_controller")
    assert told["status"] == "applies"
    assert "Business customers" in told["notify"]


def test_category_breach_reaches_every_recipient_of_that_category(
    kynex_path: Path, kynex_record: Any
) -> None:
    answer = impact_json(str(kynex_path), "--category", "bank-details")
    expected = set()
    for activity in kynex_record.activities:
        if "bank-details" not in activity.data_categories:
            continue
        for disclosure in activity.recipients:
            cats = disclosure.data_categories
            if cats is None or "bank-details" in cats:
                expected.add(disclosure.recipient)
    assert {d["recipient_id"] for d in answer["destinations"]} == expected
    assert all(d["relation"] == "also receives this data" for d in answer["destinations"])


def test_telecoms_duties_are_conditional_unless_confirmed(kynex_path: Path) -> None:
    unknown = impact_json(str(kynex_path), "--recipient", "mailchimp", "--as-of", "2026-06-01")
    assert duty(unknown, "pecr_commissioner_72h")["status"] == "if applicable"
    confirmed = impact_json(
        str(kynex_path), "--recipient", "mailchimp", "--as-of", "2026-06-01", "--telecoms-provider"
    )
    assert duty(confirmed, "pecr_commissioner_72h")["status"] == "applies"
    assert duty(confirmed, "pecr_commissioner_72h")["hours"] == 72
    before = impact_json(
        str(kynex_path), "--recipient", "mailchimp", "--as-of", "2024-06-01", "--telecoms-provider"
    )
    assert duty(before, "pecr_commissioner_24h")["hours"] == 24
    assert "pecr_commissioner_72h" not in {d["id"] for d in before["duties"]}
    denied = impact_json(str(kynex_path), "--recipient", "mailchimp", "--not-telecoms-provider")
    assert not any(d["id"].startswith("pecr") for d in denied["duties"])


def test_before_brexit_the_eu_gdpr_duties_apply(kynex_path: Path) -> None:
    answer = impact_json(str(kynex_path), "--recipient", "mailchimp", "--as-of", "2019-06-01")
    assert answer["regime"] == "GDPR"
    assert duty(answer, "eu_regulator")["article"] == "GDPR Art 33(1)"
    assert not any(d["id"].startswith("uk_") for d in answer["duties"])


# ------------------------------------------------------------------- special category data


def special_record() -> dict[str, Any]:
    data = minimal_record_data()
    data["activities"].append(
        {
            "id": "occupational-health",
            "name": "Occupational health",
            "purposes": ["Fitness for work"],
            "data_subjects": ["staff"],
            "data_categories": ["health-data"],
            "lawful_bases": ["legal_obligation"],
            "special_category_conditions": [
                {"condition": "employment_social_security", "dpa_schedule1": "para 1"}
            ],
            "systems": ["hr-system"],
            "recipients": ["health-provider"],
            "ref": "test §5",
        }
    )
    data["data_categories"].append(
        {"id": "health-data", "name": "Health data", "special_category": "health", "ref": "t"}
    )
    data["data_subjects"].append({"id": "staff", "name": "Staff", "ref": "t"})
    data["systems"] = [{"id": "hr-system", "name": "HR system", "location": "GB"}]
    data["recipients"] += [
        {
            "id": "health-provider",
            "name": "Health Provider Ltd",
            "kind": "processor",
            "country": "GB",
            "contract_ref": "C-1",
            "sub_processors": ["lab-co"],
        },
        {
            "id": "lab-co",
            "name": "Lab Co",
            "kind": "processor",
            "country": "IN",
            "contract_ref": "C-2",
            "transfers": [{"mechanism": "idta"}],
        },
    ]
    return data


def test_special_category_system_breach_says_individuals_must_be_told(
    make_record: MakeRecord,
) -> None:
    path = make_record(special_record())
    answer = impact_json(str(path), "--system", "hr-system", "--as-of", "2026-06-01")
    individuals = duty(answer, "uk_individuals")
    assert individuals["status"] == "likely"
    assert "Health data" in individuals["why"]
    assert answer["categories"][0]["special_category"] == "health"
    result = runner.invoke(app, ["impact", str(path), "--system", "HR system"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "LIKELY Tell the individuals affected" in text
    assert "special category: health" in text


def test_onward_sub_processors_and_their_countries(make_record: MakeRecord) -> None:
    path = make_record(special_record())
    answer = impact_json(str(path), "--recipient", "health-provider")
    relations = {d["recipient_id"]: d["relation"] for d in answer["destinations"]}
    assert relations == {
        "health-provider": "breached",
        "lab-co": "sub-processor of health-provider",
    }
    assert answer["countries"] == ["United Kingdom (GB)", "India (IN)"]  # sorted by code


def test_library_on_a_store(make_record: MakeRecord, tmp_path: Path) -> None:
    from graph.build import build_graph
    from loaders import load_record

    store = EmbeddedStore(tmp_path / "s.lbug")
    try:
        store.load(build_graph(load_record(make_record(special_record()))))
        answer = breach_impact(store, Breached.category, "health-data", as_of=dt.date(2026, 1, 5))
        assert [a.id for a in answer.activities] == ["occupational-health"]
        assert [c.id for c in answer.sensitive] == ["health-data"]
        form = {item["question"]: item["answer"] for item in answer.form}
        assert "Special category data" in form["Likely consequences (Recital 85)"]
    finally:
        store.close()


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "args",
    [[], ["--system", "website", "--recipient", "mailchimp"]],
    ids=["none", "two"],
)
def test_exactly_one_element_is_required(kynex_path: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["impact", str(kynex_path), *args])
    assert result.exit_code == 2
    assert "exactly one of --system, --recipient, --category" in result.output


def test_an_unknown_element_is_named_with_a_suggestion(kynex_path: Path) -> None:
    result = runner.invoke(app, ["impact", str(kynex_path), "--recipient", "mailchimpp"])
    assert result.exit_code == 1
    assert "did you mean mailchimp" in result.output
    assert "Traceback" not in result.output


def test_a_bad_time_of_awareness_is_a_usage_error(kynex_path: Path) -> None:
    result = runner.invoke(
        app, ["impact", str(kynex_path), "--recipient", "mailchimp", "--aware-at", "tuesday"]
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DDTHH:MM" in result.output


def test_a_breach_at_an_independent_controller_is_its_own_to_notify(kynex_path: Path) -> None:
    answer = impact_json(str(kynex_path), "--recipient", "hmrc")
    for duty_id in ("uk_regulator", "uk_individuals"):
        assert duty(answer, duty_id)["status"] == "not applicable"
        assert "controller in its own right" in duty(answer, duty_id)["why"]
    assert not any(d["id"].startswith("pecr") for d in answer["duties"])


def test_a_recipient_of_unknown_role_is_flagged_not_guessed(kynex_path: Path) -> None:
    answer = impact_json(str(kynex_path), "--recipient", "credit-reference-agencies")
    regulator = duty(answer, "uk_regulator")
    assert regulator["status"] == "assess"
    assert "does not say whether" in regulator["why"]


def test_asks_a_loaded_store_without_a_record(kynex_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "kynex.lbug"
    assert runner.invoke(app, ["load", str(kynex_path), "--db", str(db)]).exit_code == 0
    answer = impact_json("--db", str(db), "--recipient", "mailchimp")
    assert [s["id"] for s in answer["subjects"]] == ["newsletter-subscribers"]
    both = runner.invoke(app, ["impact", str(kynex_path), "--db", str(db), "--system", "website"])
    assert both.exit_code == 2
    assert "not both" in both.output


def test_pecr_duties_follow_the_country_and_the_record(
    kynex_path: Path, make_record: MakeRecord
) -> None:
    # PECR is UK law whatever the GDPR regime: a GB provider in 2019 (EU GDPR) has the 24 hours.
    before_brexit = impact_json(
        str(kynex_path), "--recipient", "mailchimp", "--as-of", "2019-06-01", "--telecoms-provider"
    )
    assert duty(before_brexit, "pecr_commissioner_24h")["status"] == "applies"
    assert "eu_eprivacy_authority_24h" not in {d["id"] for d in before_brexit["duties"]}
    stated = impact_json(str(kynex_path), "--recipient", "mailchimp")
    assert "The record says Kynex provides" in duty(stated, "pecr_commissioner_72h")["why"]
    silent = impact_json(str(make_record()), "--recipient", "mailchimp")
    assert "does not say" in duty(silent, "pecr_commissioner_72h")["why"]
    data = minimal_record_data()
    data["controller"]["pecr"] = {"public_ecs_provider": False}
    not_provider = impact_json(str(make_record(data)), "--recipient", "mailchimp")
    assert not any(d["id"].startswith("pecr") for d in not_provider["duties"])


def test_breach_duties_agree_with_the_pecr_reference() -> None:
    from graph.reference import reference

    for entry in reference("breach_duties"):
        same_as = entry.extra("same_as")
        if not same_as:
            continue
        name, _, entry_id = str(same_as).partition("#")
        other = reference_by_id(name.removesuffix(".yaml"))[entry_id]
        assert (entry.valid_from, entry.invalid_from) == (other.valid_from, other.invalid_from)
        assert entry.extra("hours") == other.extra("hours"), entry.id
