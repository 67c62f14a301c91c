"""Accepted risks as code: waivers.yaml beside the record hides findings until its review date."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.findings import Finding, FindingsReport, Severity
from graph.findings.waivers import apply_waivers, parse_waivers, waiver_file
from loaders import RecordInvalid, content_hash, load_record

runner = CliRunner()

WAIVERS = """\
waivers:
  - rule: RECIPIENT-COUNTRY-UNKNOWN
    element: Recipient:business-partners
    reason: UK network operator; location confirmed by contract.
    owner: dpo@example.com
    review_by: 2030-06-30
  - rule: DPO-CONTACT-MISSING
    element: kynex
    reason: accepted for now
    owner: dpo
    review_by: 2020-01-01
  - rule: SOURCE-UNUSED
    element: no-such-source
    reason: typo
    owner: dpo
    review_by: 2030-01-01
"""


def _finding(rule: str, label: str, ident: str) -> Finding:
    return Finding(rule, "t", Severity.low, (), label, ident, ident, "why", "do", None)


def _report(day: dt.date) -> FindingsReport:
    return FindingsReport(
        day,
        [
            _finding("RECIPIENT-COUNTRY-UNKNOWN", "Recipient", "business-partners"),
            _finding("RECIPIENT-COUNTRY-UNKNOWN", "Recipient", "debt-collection-agencies"),
            _finding("DPO-CONTACT-MISSING", "Controller", "kynex"),
        ],
    )


def test_a_waiver_hides_its_finding_up_to_and_including_the_review_date() -> None:
    waivers = parse_waivers(WAIVERS, Path("waivers.yaml"))
    for day, hidden in ((dt.date(2030, 6, 30), True), (dt.date(2030, 7, 1), False)):
        outcome = apply_waivers(_report(day), waivers)
        ids = [f.element_id for f in outcome.report.findings]
        assert ("business-partners" not in ids) is hidden, day
        assert "debt-collection-agencies" in ids  # only the named element is waived
    outcome = apply_waivers(_report(dt.date(2026, 1, 1)), waivers)
    assert [w.finding.element_id for w in outcome.waived] == ["business-partners"]
    assert [w.finding.element_id for w in outcome.expired] == ["kynex"]  # shown again
    assert "kynex" in [f.element_id for f in outcome.report.findings]
    assert [w.element for w in outcome.unused] == ["no-such-source"]


def test_bad_waivers_are_reported_with_line_field_and_suggestion() -> None:
    text = (
        "waivers:\n  - rule: RECIPIENT-COUNTRY-UNKNWN\n    element: x\n    owner: me\n"
        "    reason: r\n    review_by: next year\n"
    )
    with pytest.raises(RecordInvalid) as caught:
        parse_waivers(text, Path("waivers.yaml"))
    messages = [str(p) for p in caught.value.problems]
    assert any("did you mean RECIPIENT-COUNTRY-UNKNOWN" in m for m in messages), messages
    assert any("review_by 'next year' is not a date" in m and "YYYY-MM-DD" in m for m in messages)
    assert all(p.line == 2 for p in caught.value.problems)


@pytest.fixture
def waived_record(tmp_path: Path, kynex_path: Path) -> Path:
    folder = tmp_path / "kynex"
    shutil.copytree(kynex_path, folder)
    (folder / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    return folder


def test_the_waiver_file_is_not_part_of_the_record(waived_record: Path, kynex_path: Path) -> None:
    assert waiver_file(waived_record) == waived_record / "waivers.yaml"
    assert load_record(waived_record) == load_record(kynex_path)
    assert content_hash(waived_record) == content_hash(kynex_path)


def test_findings_cli_honours_and_reports_waivers(waived_record: Path) -> None:
    result = runner.invoke(app, ["findings", str(waived_record), "--json", "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    shown = {(f["rule"], f["element_id"]) for f in data["findings"]}
    assert ("RECIPIENT-COUNTRY-UNKNOWN", "business-partners") not in shown
    assert ("RECIPIENT-COUNTRY-UNKNOWN", "debt-collection-agencies") in shown
    assert ("DPO-CONTACT-MISSING", "kynex") in shown  # its waiver expired
    assert data["waivers"]["waived"][0]["owner"] == "dpo@example.com"
    assert data["waivers"]["unused"][0]["element"] == "no-such-source"
    later = runner.invoke(app, ["findings", str(waived_record), "--json", "--as-of", "2030-07-01"])
    later_shown = {(f["rule"], f["element_id"]) for f in json.loads(later.stdout)["findings"]}
    assert ("RECIPIENT-COUNTRY-UNKNOWN", "business-partners") in later_shown
    text = runner.invoke(app, ["findings", str(waived_record), "--as-of", "2026-01-01"])
    assert "waived" in text.output and "waiver expired on 2020-01-01" in text.output


def test_waivers_keep_everything_else_in_the_report() -> None:
    report = _report(dt.date(2026, 1, 1))
    report.errors["SOME-RULE"] = "failed"
    outcome = apply_waivers(report, parse_waivers(WAIVERS, Path("waivers.yaml")))
    for name in vars(report):
        if name != "findings":
            assert getattr(outcome.report, name) == getattr(report, name), name
