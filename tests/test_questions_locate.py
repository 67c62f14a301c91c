"""``ropagraph locate``: where a data subject's data lives, and which rights apply (issue 17)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from graph.cli import app
from tests.conftest import minimal_record_data

runner = CliRunner()
MakeRecord = Callable[..., Path]


def locate_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["locate", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rights_of(answer: dict[str, Any], activity: str) -> set[str]:
    [entry] = [a for a in answer["activities"] if a["id"] == activity]
    return {r["id"] for r in entry["rights"]}


def test_kynex_customers_every_recipient_the_policy_names_for_them(
    kynex_path: Path, kynex_record: Any
) -> None:
    answer = locate_json(str(kynex_path), "--subject", "customers")
    concerning = [a for a in kynex_record.activities if "customers" in a.data_subjects]
    expected = {d.recipient for a in concerning for d in a.recipients}
    assert len(expected) >= 10, "Kynex names many recipients for customers (§7-§9)"
    assert {r["id"] for r in answer["recipients"]} == expected
    assert [a["id"] for a in answer["activities"]] == sorted(a.id for a in concerning)
    hmrc = next(r for r in answer["recipients"] if r["id"] == "hmrc")
    assert hmrc["country"] == "United Kingdom (GB)"


def test_kynex_customers_as_a_checklist(kynex_path: Path) -> None:
    result = runner.invoke(
        app, ["locate", str(kynex_path), "--subject", "Customers and applicants"]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for expected in ("Credit reference agencies", "Openreach", "HMRC", "Right of access", "☐"):
        assert expected in text, expected
    assert "No system is recorded for" in text  # the policy names no system for customer data


def test_rights_follow_the_lawful_basis(kynex_path: Path) -> None:
    marketing = locate_json(str(kynex_path), "--subject", "customers")
    rights = rights_of(marketing, "direct-marketing")  # consent, direct marketing
    assert {"withdraw_consent", "object_direct_marketing", "portability"} <= rights
    contract = rights_of(marketing, "service-provision")
    assert "portability" in contract and "object" not in contract
    events = locate_json(str(kynex_path), "--subject", "business-contacts")
    interests = rights_of(events, "business-contacts-events")  # legitimate interests
    assert "object" in interests
    assert "portability" not in interests  # no portability on legitimate interests


def test_no_basis_is_said_not_guessed(kynex_path: Path) -> None:
    answer = locate_json(str(kynex_path), "--subject", "website-visitors")
    [analytics] = answer["activities"]
    assert analytics["bases"] == []
    assert "no lawful basis" in analytics["rights_note"]
    assert rights_of(answer, "website-analytics") == {"access", "rectification", "restriction"}


def test_processor_activities_point_to_the_controller(kynex_path: Path) -> None:
    answer = locate_json(str(kynex_path), "--subject", "business-customers-callers")
    [held] = answer["activities"]
    assert held["role"] == "processor"
    assert held["rights"] == []
    assert "requests go to that controller" in held["rights_note"]
    assert [s["id"] for s in answer["systems"]] == ["secure-ftp-site"]


def test_systems_retention_and_transfer_tool(make_record: MakeRecord) -> None:
    data = minimal_record_data(systems=[{"id": "esp", "name": "Email platform", "location": "US"}])
    data["activities"][0]["systems"] = ["esp"]
    answer = locate_json(str(make_record(data)), "--subject", "subscribers")
    [system] = answer["systems"]
    assert system["country"] == "United States (US)"
    assert system["detail"]["retention"] == ["until unsubscribe"]
    [recipient] = answer["recipients"]
    assert recipient["detail"]["mechanismStatus"] == "in force"


def test_unknown_subject_and_missing_option(kynex_path: Path) -> None:
    result = runner.invoke(app, ["locate", str(kynex_path), "--subject", "customer"])
    assert result.exit_code == 1
    assert "did you mean customers" in result.output
    missing = runner.invoke(app, ["locate", str(kynex_path)])
    assert missing.exit_code == 2
    assert "--subject" in missing.output
