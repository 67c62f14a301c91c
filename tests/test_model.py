"""The record model: what is accepted, what is refused, and in which words."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.model import (
    Activity,
    BasisClaim,
    Recipient,
    Record,
    RetentionRule,
    check_references,
    country_name,
)
from tests.conftest import minimal_record_data


def test_minimal_record_is_valid_and_resolves() -> None:
    record = Record.model_validate(minimal_record_data())
    assert record.activities[0].lawful_bases[0].basis.value == "consent"
    assert check_references(record) == []


def test_shorthands_expand() -> None:
    act = Activity.model_validate(
        {
            "id": "a",
            "name": "A",
            "purposes": "one purpose",
            "lawful_bases": "contract",
            "recipients": "mailchimp",
        }
    )
    assert act.purposes == ["one purpose"]
    assert act.lawful_bases[0].basis.value == "contract"
    assert act.recipients[0].recipient == "mailchimp"


@pytest.mark.parametrize("country", ["XX", "USA", "12"])
def test_country_must_be_iso_alpha2(country: str) -> None:
    with pytest.raises(ValidationError) as info:
        Recipient(id="r", name="R", kind="processor", country=country)  # type: ignore[arg-type]
    assert "country" in str(info.value)


def test_country_is_upper_cased_and_named() -> None:
    assert Recipient(id="r", name="R", kind="processor", country="us").country == "US"  # type: ignore[arg-type]
    assert country_name("US") == "United States"
    assert country_name("GB") == "United Kingdom"


def test_ids_must_be_slugs() -> None:
    with pytest.raises(ValidationError):
        Activity(id="Has Spaces", name="x", purposes=["p"])


def test_unknown_field_refused() -> None:
    with pytest.raises(ValidationError) as info:
        BasisClaim.model_validate({"basis": "consent", "lia": "x"})
    assert info.value.errors()[0]["type"] == "extra_forbidden"


def test_retention_period_parsed_and_checked() -> None:
    assert RetentionRule(id="r", name="r", period="6 years").period_days == 6 * 365
    assert RetentionRule(id="r", name="r", period="28 days").period_days == 28
    assert RetentionRule(id="r", name="r", criteria="until closed").period_days is None
    with pytest.raises(ValidationError, match="6 years"):
        RetentionRule(id="r", name="r", period="six years")


def test_record_needs_an_activity() -> None:
    with pytest.raises(ValidationError):
        Record.model_validate(minimal_record_data(activities=[]))


def test_dangling_and_duplicate_references_all_reported() -> None:
    data = minimal_record_data()
    data["activities"][0]["recipients"] = ["mailchimpp", "nobody"]
    data["activities"][0]["data_categories"] = ["email", "emial"]
    data["data_categories"].append({"id": "email", "name": "Duplicate"})
    problems = check_references(Record.model_validate(data))
    messages = [p.message for p in problems]
    assert "'mailchimpp' is not a known id in recipients" in messages
    assert "'nobody' is not a known id in recipients" in messages
    assert "'emial' is not a known id in data_categories" in messages
    assert "duplicate id 'email' in data_categories" in messages
    near = {p.message: p.suggestion for p in problems}
    assert near["'mailchimpp' is not a known id in recipients"] == "did you mean 'mailchimp'?"


def test_disclosed_category_must_be_processed_by_the_activity() -> None:
    data = minimal_record_data()
    data["data_categories"].append({"id": "phone", "name": "Phone"})
    data["activities"][0]["recipients"] = [{"recipient": "mailchimp", "data_categories": ["phone"]}]
    problems = check_references(Record.model_validate(data))
    assert [p.message for p in problems] == [
        "'phone' is disclosed but not among the activity's data_categories"
    ]
