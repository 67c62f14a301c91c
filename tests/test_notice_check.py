"""The notice check on a small hand-written record and notice: one test per kind of drift, each
changing the notice (or the record) in one way and asserting exactly that drift is reported,
with the notice text it rests on."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
import yaml

from graph.notice import check_notice, read_notice, read_notice_bytes
from graph.notice.read import NoticeReadError
from graph.notice.report import DriftReport, Status
from loaders import load_record
from tests.conftest import write_record

HERE = Path(__file__).resolve().parent / "notice"
ACME = HERE / "acme.yaml"
NOTICE = (HERE / "acme-notice.md").read_text(encoding="utf-8")
DAY = dt.date(2026, 12, 1)


def check(text: str = NOTICE, record: Path = ACME, name: str = "notice.md") -> DriftReport:
    return check_notice(load_record(record), read_notice_bytes(text.encode(), name), DAY)


def drift(report: DriftReport) -> list[tuple[str, str | None]]:
    return [(i.status.value, i.element) for i in report.drift]


def test_the_hand_written_notice_says_everything_the_record_requires() -> None:
    report = check()
    assert drift(report) == []
    assert report.count(Status.found) == 27
    for item in report.items:
        assert len(item.evidence) == 1 and item.evidence[0].quote, item
        assert item.evidence[0].location  # section heading and line


def test_every_found_item_quotes_the_notice_and_says_where() -> None:
    item = next(i for i in check().items if i.element == "recipient:parcelco")
    assert item.evidence[0].quote == "ParcelCo, who deliver our parcels."
    assert item.evidence[0].location == "Who we share your information with, line 20"
    assert item.evidence[0].method == "name"
    assert 'found by name "ParcelCo"' in item.explanation


def test_a_recipient_missing_from_the_notice() -> None:
    report = check(NOTICE.replace("- ParcelCo, who deliver our parcels.\n", ""))
    assert drift(report) == [("missing", "recipient:parcelco")]
    assert report.drift[0].explanation.startswith("not in the notice")
    assert report.drift[0].evidence == []


def test_a_recipient_the_record_does_not_have() -> None:
    report = check(
        NOTICE.replace("- Mailchimp,", "- Zeta Analytics, who measure our site.\n- Mailchimp,")
    )
    assert drift(report) == [("extra", None)]
    item = report.drift[0]
    assert item.evidence[0].quote == "Zeta Analytics, who measure our site."
    assert item.explanation.startswith("not in the record")


def test_a_country_not_mentioned() -> None:
    report = check(NOTICE.replace("Mailchimp is in the United States; we", "For Mailchimp we"))
    assert drift(report) == [("missing", "transfer:mailchimp")]


def test_a_country_the_record_does_not_send_data_to() -> None:
    report = check(NOTICE.replace("- ParcelCo, who", "- ParcelCo, with an Indian call centre, who"))
    assert drift(report) == [("extra", "country:IN")]
    assert report.drift[0].evidence[0].method == "country adjective"


def test_a_safeguard_that_differs() -> None:
    text = NOTICE.replace(
        "the UK Extension to the Data Privacy Framework", "standard contractual clauses"
    )
    report = check(text)
    assert drift(report) == [("missing", "safeguard:mailchimp"), ("extra", "mechanism:eu_scc")]


def test_an_invalid_mechanism_the_notice_still_names() -> None:
    report = check(
        NOTICE.replace("the UK Extension to", "the Privacy Shield and the UK Extension to")
    )
    assert drift(report) == [("outdated", "mechanism:privacy_shield")]
    item = report.drift[0]
    assert "no longer valid since 16 July 2020" in item.explanation
    assert "the record does not rely on it" in item.explanation


def test_an_outdated_mechanism_is_judged_by_the_as_of_date() -> None:
    text = NOTICE.replace("the UK Extension to", "the Privacy Shield and the UK Extension to")
    report = check_notice(
        load_record(ACME), read_notice_bytes(text.encode(), "n.md"), dt.date(2019, 1, 1)
    )
    assert ("outdated", "mechanism:privacy_shield") not in drift(report)


def test_a_retention_period_missing() -> None:
    report = check(NOTICE.replace("Order records: 6 years, for tax and accounting purposes. ", ""))
    assert drift(report) == [("missing", "retention:six-years")]


def test_a_lawful_basis_not_stated_for_a_purpose() -> None:
    report = check(NOTICE.replace("with your consent", "when you ask us to"))
    assert ("missing", "basis:marketing:consent") in drift(report)
    item = next(i for i in report.drift if i.element == "basis:marketing:consent")
    assert "does not name Consent (Art 6(1)(a)) with this purpose" in item.explanation


def test_a_lawful_basis_the_record_does_not_rely_on() -> None:
    report = check(
        NOTICE.replace("with your consent.", "with your consent, or as a legal obligation.")
    )
    assert drift(report) == [("extra", "basis:legal_obligation")]


def test_a_purpose_missing_takes_its_basis_with_it() -> None:
    report = check(
        NOTICE.replace(
            "- We check orders for fraud. Our legitimate interest: protecting our customers and "
            "our business from card fraud.\n",
            "",
        )
    )
    assert drift(report) == [
        ("missing", "activity:fraud"),
        ("missing", "basis:fraud:legitimate_interests"),
        ("missing", "interest:fraud"),
    ]


def test_an_indirect_source_and_its_data_missing() -> None:
    report = check(NOTICE.replace("FraudCheck Ltd gives us a fraud risk score for each order.", ""))
    assert drift(report) == [("missing", "source:fraudcheck"), ("missing", "category:fraud-score")]


def test_rights_the_notice_leaves_out() -> None:
    text = NOTICE.replace("and the right to data portability", "").replace(
        "You have the right to complain to the Information Commissioner's Office (ICO).", ""
    )
    assert drift(check(text)) == [("missing", "right:portability"), ("missing", "right:complaint")]


def test_the_rights_follow_the_lawful_bases(tmp_path: Path) -> None:
    """Legal obligation only: no erasure, portability or objection is required of the notice."""
    data = yaml.safe_load(ACME.read_text())
    for activity in data["activities"]:
        activity["lawful_bases"] = [{"basis": "legal_obligation"}]
        activity["direct_marketing"] = False
    record = write_record(tmp_path / "r.yaml", data)
    rights = {
        i.element for i in check(record=record).items if (i.element or "").startswith("right:")
    }
    assert rights == {"right:access", "right:rectification", "right:restriction", "right:complaint"}


def test_a_recipient_added_to_the_record_is_not_in_the_notice(tmp_path: Path) -> None:
    data = yaml.safe_load(ACME.read_text())
    data["recipients"].append({"id": "zeta", "name": "Zeta Analytics", "kind": "processor"})
    data["activities"][0]["recipients"].append("zeta")
    report = check(record=write_record(tmp_path / "r.yaml", data))
    assert drift(report) == [("missing", "recipient:zeta")]


def test_us_the_pronoun_is_not_the_united_states() -> None:
    report = check(NOTICE.replace("- ParcelCo, who", "- ParcelCo, who work with us and"))
    assert drift(report) == []


@pytest.mark.parametrize("kind", ["txt", "html", "docx"])
def test_the_same_notice_in_every_format_gives_the_same_answer(kind: str, tmp_path: Path) -> None:
    lines = NOTICE.splitlines()
    if kind == "txt":
        text = "\n".join(
            line.lstrip("#- ").upper() if line.startswith("#") else line.lstrip("- ")
            for line in lines
        )
        data, name = text.encode(), "n.txt"
    elif kind == "html":
        body = "".join(
            f"<h2>{line.lstrip('# ')}</h2>"
            if line.startswith("#")
            else f"<ul><li>{line[2:]}</li></ul>"
            if line.startswith("- ")
            else f"<p>{line}</p>"
            for line in lines
            if line.strip()
        )
        data, name = (
            f"<html><body>{body}<script>var x = 'Privacy Shield';</script></body></html>".encode(),
            "n.html",
        )
    else:
        document = docx.Document()
        for line in lines:
            if line.startswith("#"):
                document.add_heading(line.lstrip("# "), level=1)
            elif line.startswith("- "):
                document.add_paragraph(line[2:], style="List Bullet")
            elif line.strip():
                document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        data, name = buffer.getvalue(), "n.docx"
    report = check_notice(load_record(ACME), read_notice_bytes(data, name), DAY)
    assert drift(report) == []
    assert report.count(Status.found) == 27
    where = next(i for i in report.items if i.element == "recipient:parcelco").evidence[0].location
    assert where.upper().startswith("WHO WE SHARE YOUR INFORMATION WITH, ")


def test_plain_text_numbered_headings_become_section_references() -> None:
    text = "9.0 WHO WE SHARE IT WITH\n\nParcelCo\n"
    blocks = read_notice_bytes(text.encode(), "n.txt").blocks
    assert blocks[-1].location() == "§9 WHO WE SHARE IT WITH, line 3"


def test_unreadable_notices_get_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NoticeReadError, match="no such file"):
        read_notice(tmp_path / "missing.txt")
    with pytest.raises(NoticeReadError, match=r"cannot read a '\.pdf' file"):
        read_notice_bytes(b"%PDF", "n.pdf")
    with pytest.raises(NoticeReadError, match="not a readable Word"):
        read_notice_bytes(b"not a zip", "n.docx")
    with pytest.raises(NoticeReadError, match="not UTF-8"):
        read_notice_bytes(b"\xff\xfe\x00bad", "n.txt")


def test_drafting_notes_are_listed_not_read_as_notice_text() -> None:
    text = NOTICE + "\nTo complete before publishing: we also use the Privacy Shield.\n"
    report = check(text)
    assert drift(report) == []
    assert len(report.drafting_notes) == 1


def test_a_repealed_law_the_notice_still_cites() -> None:
    report = check(
        NOTICE.replace(
            "Acme Ltd is the controller.", "Acme Ltd complies with the Data Protection Act 1998."
        )
    )
    assert drift(report) == [("outdated", "legislation:uk-dpa-1998")]
    assert "no longer applies since 25 May 2018" in report.drift[0].explanation


def test_a_lone_capitalised_name_in_plain_text_is_not_a_heading() -> None:
    text = "9.0 WHO WE SHARE IT WITH\n\nHMRC\n\nParcelCo\n"
    blocks = read_notice_bytes(text.encode(), "n.txt").blocks
    assert [b.heading for b in blocks] == [True, False, False]
    assert blocks[-1].section.startswith("§9 ")


def test_a_complaint_to_us_is_not_the_right_to_complain_to_the_regulator() -> None:
    text = NOTICE.replace(
        "You have the right to complain to the Information Commissioner's Office (ICO).",
        "You can make a complaint to our customer services team.",
    )
    report = check(text)
    assert drift(report) == [("missing", "right:complaint")]
    assert "names no supervisory authority there" in report.drift[0].explanation
    found = next(i for i in check().items if i.element == "right:complaint")
    assert 'names the regulator ("information commissioner' in found.explanation
