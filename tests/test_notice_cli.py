"""``ropagraph export notice`` and ``ropagraph notice-check`` through the CLI, and the Kynex
acceptance checks: the real policy against the record derived from it, a record with a new
recipient, and the generated notice fed back (no drift)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from graph.cli import app
from graph.notice import TO_COMPLETE, build_notice, notice_bytes
from loaders import load_record
from tests.conftest import KYNEX, POLICY

runner = CliRunner()
DATE = "2026-12-01"
ACME = Path(__file__).resolve().parent / "notice" / "acme.yaml"
POLICIES = (POLICY,)
KYNEX_POLICY = next((p for p in POLICIES if p.exists()), None)
needs_policy = pytest.mark.skipif(
    KYNEX_POLICY is None,
    reason=f"the Kynex policy text is not at {' or '.join(map(str, POLICIES))}",
)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def check_json(record: Path, notice: Path, *extra: str) -> dict:
    code, output = run("notice-check", str(record), str(notice), "--json", "--as-of", DATE, *extra)
    assert code == 0, output
    return json.loads(output)


def drift(report: dict) -> list[dict]:
    return [i for i in report["items"] if i["status"] != "found"]


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_export_writes_each_format(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"notice.{fmt}"
    code, output = run("export", "notice", str(KYNEX), "--out", str(out), "--date", DATE)
    assert code == 0, output
    assert f"({fmt}: " in output and "drafting note(s)" in output
    if fmt == "docx":
        document = docx.Document(str(out))
        assert document.core_properties.author == "ropagraph"
        assert any(p.text == "Who we share your information with" for p in document.paragraphs)
    else:
        text = out.read_text(encoding="utf-8")
        assert "Who we share your information with" in text and "MailChimp" in text


def test_export_is_deterministic(tmp_path: Path) -> None:
    for fmt in ("md", "html", "docx"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for out in (a, b):
            assert run("export", "notice", str(KYNEX), "-o", str(out), "--date", DATE)[0] == 0
        assert a.read_bytes() == b.read_bytes(), fmt


def test_every_statement_carries_its_ref() -> None:
    notice = build_notice(load_record(KYNEX), None)
    assert all(s.ref for s in notice.statements())
    html = notice_bytes(notice, "html").decode()
    soup = BeautifulSoup(html, "html.parser")
    statements = soup.select("section p:not(.articles), section li")
    assert statements and all(node.select_one(".ref") for node in statements)


def test_the_notice_follows_the_ico_order_and_states_the_rights_for_the_bases() -> None:
    notice = build_notice(load_record(ACME), None)
    assert [s.id for s in notice.sections] == [
        "who-we-are",
        "purposes",
        "sources",
        "recipients",
        "transfers",
        "retention",
        "rights",
        "requirement",
        "automated-decisions",
    ]
    rights = [s.element for s in notice.sections[6].statements if s.element]
    assert rights == [
        "right:access",
        "right:rectification",
        "right:erasure",
        "right:restriction",
        "right:portability",
        "right:object",
        "right:object-direct-marketing",
        "right:withdraw-consent",
        "right:complaint",
    ]
    text = notice_bytes(notice, "md").decode()
    assert "Information Commissioner's Office" in text
    assert "UK Extension to the EU-US Data Privacy Framework" in text


def test_an_invalid_safeguard_becomes_a_drafting_note_not_a_claim() -> None:
    notice = build_notice(load_record(KYNEX), None)
    transfers = next(s for s in notice.sections if s.id == "transfers")
    claims = [s.text for s in transfers.statements if not s.gap]
    notes = [s.text for s in transfers.statements if s.gap]
    assert not any("Privacy Shield" in text for text in claims)
    assert any("Privacy Shield" in t and "no longer valid since 16 July 2020" in t for t in notes)
    assert all(t.startswith(TO_COMPLETE) for t in notes)


def test_record_text_is_escaped(tmp_path: Path) -> None:
    data = yaml.safe_load(ACME.read_text())
    data["recipients"][0]["name"] = "<script>alert(1)</script> [x](javascript:evil)"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    notice = build_notice(load_record(path), None)
    html = notice_bytes(notice, "html").decode()
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = notice_bytes(notice, "md").decode()
    assert "\\<script\\>" in md and "\\[x\\](javascript" in md


def test_export_errors_are_clear(tmp_path: Path) -> None:
    code, output = run("export", "notice", str(KYNEX))
    assert code == 2 and "give --format" in output
    code, output = run("export", "notice", str(KYNEX), "--format", "pdf")
    assert code == 2 and "unknown format 'pdf'" in output
    code, output = run("export", "notice", str(KYNEX), "--out", str(tmp_path / "x.txt"))
    assert code == 2 and "cannot tell the format" in output
    code, output = run("export", "notice", str(KYNEX), "-f", "md", "--date", "yesterday")
    assert code == 2 and "--date 'yesterday' is not a date" in output


def test_notice_check_output_and_fail_on(tmp_path: Path) -> None:
    notice = tmp_path / "n.md"
    text = (
        (ACME.parent / "acme-notice.md")
        .read_text()
        .replace("- ParcelCo, who deliver our parcels.\n", "")
    )
    notice.write_text(text)
    code, output = run("notice-check", str(ACME), str(notice), "--as-of", DATE)
    assert code == 0, output
    flat = " ".join(output.split())
    assert "NOT IN THE NOTICE — the recipient: ParcelCo" in flat
    assert "26 found · 1 not in the notice · 0 not in the record" in flat
    code, output = run("notice-check", str(ACME), str(notice), "--fail-on", "missing")
    assert code == 1 and "--fail-on missing: 1 drift item(s)" in output
    code, _ = run("notice-check", str(ACME), str(notice), "--fail-on", "extra,outdated")
    assert code == 0
    code, output = run("notice-check", str(ACME), str(notice), "--fail-on", "typo")
    assert code == 2 and "--fail-on 'typo' is not one of missing, extra, outdated, any" in output
    code, output = run("notice-check", str(ACME), str(tmp_path / "none.html"))
    assert code == 1 and "no such file" in output


def test_notice_check_all_quotes_what_it_found() -> None:
    code, output = run("notice-check", str(ACME), str(ACME.parent / "acme-notice.md"), "--all")
    assert code == 0
    flat = " ".join(output.split())
    assert "FOUND — the recipient: ParcelCo" in flat
    assert (
        'notice: "ParcelCo, who deliver our parcels." (Who we share your information with, line 20)'
        in flat
    )
    assert "✓ No drift" in flat


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_kynex_generated_notice_fed_back_reports_no_drift(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"kynex.{fmt}"
    assert run("export", "notice", str(KYNEX), "-o", str(out), "--date", DATE)[0] == 0
    report = check_json(KYNEX, out, "--fail-on", "any")
    assert drift(report) == []
    assert report["summary"]["found"] > 60
    assert report["summary"]["drafting_notes"] > 0


@needs_policy
def test_kynex_policy_matches_what_the_record_derives_from_it() -> None:
    assert KYNEX_POLICY is not None
    report = check_json(KYNEX, KYNEX_POLICY)
    items = {i["element"]: i for i in report["items"]}
    record = load_record(KYNEX)
    for recipient in record.recipients:
        if recipient.id != "business-customers":  # only the processor activity (§10) uses it
            assert items[f"recipient:{recipient.id}"]["status"] == "found", recipient.id
    for source in (
        "purchased-from-third-parties",
        "third-party-call-centres",
        "credit-reference-agencies-source",
        "data-company",
    ):
        assert items[f"source:{source}"]["status"] == "found", source
    for rid in ("google", "mailchimp"):
        transfer = items[f"transfer:{rid}"]
        assert transfer["status"] == "found"
        assert transfer["evidence"][0]["matched"] == "USA"
        assert transfer["evidence"][0]["location"].startswith("§6 OUR THIRD PARTY DATA PROCESSORS")
    google = items["recipient:google"]["evidence"][0]
    assert google["quote"] == "Google (Privacy policy)" and google["location"].startswith("§6 ")


@needs_policy
def test_kynex_policy_drift_is_what_a_reviewer_would_report() -> None:
    assert KYNEX_POLICY is not None
    report = check_json(KYNEX, KYNEX_POLICY)
    found = {(i["status"], i["element"]) for i in drift(report)}
    assert found == {
        ("outdated", "legislation:uk-dpa-1998"),
        ("outdated", "legislation:eu-directive-95-46"),
        ("outdated", "mechanism:privacy_shield"),
        ("missing", "right:rectification"),
        ("missing", "right:erasure"),
        ("missing", "right:restriction"),
        ("missing", "right:portability"),
        ("missing", "right:object"),
        ("missing", "right:complaint"),
    }
    shield = next(i for i in report["items"] if i["element"] == "mechanism:privacy_shield")
    assert "EU-U.S Privacy Shield compliant" in shield["evidence"][0]["quote"]
    assert "no longer valid since 16 July 2020" in shield["explanation"]
    assert any("no lawful basis" in gap for gap in report["record_gaps"])
    dpa = next(i for i in report["items"] if i["element"] == "legislation:uk-dpa-1998")
    assert dpa["evidence"][0]["location"] == "§2 RELEVANT LEGISLATION, line 23"
    assert "no longer applies since 25 May 2018" in dpa["explanation"]
    assert "the record cites it too" in dpa["explanation"]


@needs_policy
def test_kynex_record_with_a_new_recipient_reports_it_not_in_the_notice(tmp_path: Path) -> None:
    assert KYNEX_POLICY is not None
    copy = tmp_path / "kynex"
    copy.mkdir()
    for path in KYNEX.glob("*.yaml"):
        (copy / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    recipients = yaml.safe_load((copy / "recipients.yaml").read_text(encoding="utf-8"))
    recipients["recipients"].append(
        {
            "id": "zendesk",
            "name": "Zendesk",
            "kind": "processor",
            "country": "US",
            "transfers": [{"mechanism": "uk_extension_dpf", "certified": True}],
        }
    )
    (copy / "recipients.yaml").write_text(yaml.safe_dump(recipients, allow_unicode=True))
    activities = (copy / "activities.yaml").read_text(encoding="utf-8")
    activities = activities.replace(
        "      - recipient: hmrc\n", "      - recipient: zendesk\n      - recipient: hmrc\n", 1
    )
    (copy / "activities.yaml").write_text(activities, encoding="utf-8")
    code, output = run(
        "notice-check", str(copy), str(KYNEX_POLICY), "--as-of", DATE, "--fail-on", "missing"
    )
    assert code == 1
    flat = " ".join(output.split())
    assert "NOT IN THE NOTICE — the recipient: Zendesk" in flat
    assert (
        "not in the notice: neither its name nor a phrase the record quotes for it occurs" in flat
    )
    assert "NOT IN THE NOTICE — the transfer to United States (Zendesk)" in flat
    assert "Zendesk is not in the notice, so neither is its transfer" in flat


def test_a_basis_the_rights_table_lacks_is_a_drafting_note_not_a_guess(tmp_path: Path) -> None:
    data = yaml.safe_load(ACME.read_text())
    data["activities"][2]["lawful_bases"] = [{"basis": "recognised_legitimate_interest"}]
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    notice = build_notice(load_record(path), None)
    assert any("Recognised legitimate interest" in s.text for s in notice.gaps)


def test_a_processor_only_record_gets_a_notice_without_its_customers_processing(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load(ACME.read_text())
    for activity in data["activities"]:
        activity["role"] = "processor"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    notice = build_notice(load_record(path), None)
    sections = {s.id: s for s in notice.sections}
    assert [s.gap for s in sections["purposes"].statements] == [True]
    assert "ParcelCo" not in notice_bytes(notice, "md").decode()
    assert [s.element for s in sections["rights"].statements if s.element] == ["right:complaint"]


@needs_policy
def test_kynex_matches_say_when_they_are_in_the_section_the_ref_cites(tmp_path: Path) -> None:
    assert KYNEX_POLICY is not None
    report = check_json(KYNEX, KYNEX_POLICY)  # the file is kynex-privacy-policy.txt
    items = {i["element"]: i for i in report["items"]}
    assert items["recipient:hmrc"]["explanation"].endswith(
        "a section the record's ref cites (kynex-privacy-policy §9)"
    )
    renamed = tmp_path / "published.txt"
    renamed.write_text(KYNEX_POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    other = {i["element"]: i for i in check_json(KYNEX, renamed)["items"]}
    assert "ref cites" not in other["recipient:hmrc"]["explanation"]
    assert other["recipient:hmrc"]["status"] == "found"


def test_an_eu_controllers_notice_never_cites_the_uk_gdpr(tmp_path: Path) -> None:
    data = yaml.safe_load(ACME.read_text())
    data["controller"]["country"] = "FR"
    data["recipients"][1]["transfers"] = [{"mechanism": "eu_scc"}]
    data["recipients"].append(
        {
            "id": "ind",
            "name": "Ind Ltd",
            "kind": "processor",
            "country": "CH",
            "transfers": [{"mechanism": "adequacy"}],
        }
    )
    data["activities"][0]["recipients"].append("ind")
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    text = notice_bytes(build_notice(load_record(path), dt.date(2026, 12, 1)), "md").decode()
    assert "UK GDPR" not in text and "Information Commissioner" not in text
    assert "EU Standard Contractual Clauses (Decision 2021/914) (GDPR Art 46(2)(c))" in text
    assert "Sending your information outside the European Economic Area" in text


@pytest.mark.parametrize(
    ("country", "transfer", "claim", "note"),
    [
        # adequacy the UK does not grant India: never claimed, a drafting note instead
        ("IN", {"mechanism": "adequacy"}, False, "no adequacy covers India"),
        # adequacy for Canada is partial (PIPEDA): claimed, with the scope to confirm
        ("CA", {"mechanism": "adequacy"}, True, "adequacy for Canada is partial"),
        # the UK Extension reaches only the United States
        ("IN", {"mechanism": "uk_extension_dpf", "certified": True}, False, "does not cover India"),
        # a certification framework without the recipient's certification recorded
        ("US", {"mechanism": "uk_extension_dpf"}, True, "does not confirm the recipient's"),
    ],
)
def test_a_safeguard_is_claimed_only_where_it_reaches(
    tmp_path: Path, country: str, transfer: dict, claim: bool, note: str
) -> None:
    data = yaml.safe_load(ACME.read_text())
    data["recipients"][1]["country"] = country
    data["recipients"][1]["transfers"] = [transfer]
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    notice = build_notice(load_record(path), dt.date(2026, 12, 1))
    transfers = next(s for s in notice.sections if s.id == "transfers")
    claims = [s.text for s in transfers.statements if not s.gap]
    assert any("The safeguard we rely on" in t for t in claims) is claim
    assert any(note in s.text for s in transfers.statements if s.gap), transfers.statements
