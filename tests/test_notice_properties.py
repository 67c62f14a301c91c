"""Properties of the notice generator and check that must hold for any record or any text:
the generated notice of a synthetic record fed back shows no drift and every statement has a
ref; the readers never crash on arbitrary input (time-bounded hypothesis runs)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import Record
from graph.notice import build_notice, check_notice, notice_bytes, read_notice_bytes
from graph.notice.report import Status
from graph.synthetic import generate_record
from tests.conftest import MINIMAL

DAY = dt.date(2026, 12, 1)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_a_synthetic_records_notice_fed_back_has_no_drift(seed: int, fmt: str) -> None:
    record = Record.model_validate(generate_record(40, seed=seed))
    notice = build_notice(record, DAY)
    assert all(s.ref for s in notice.statements())
    report = check_notice(record, read_notice_bytes(notice_bytes(notice, fmt), f"n.{fmt}"), DAY)
    assert [(i.status.value, i.element, i.explanation) for i in report.drift] == []
    assert report.count(Status.found) > 40


def test_the_minimal_records_notice_fed_back_has_no_drift() -> None:
    record = Record.model_validate(MINIMAL)
    notice = build_notice(record, DAY)
    report = check_notice(record, read_notice_bytes(notice_bytes(notice, "md"), "n.md"), DAY)
    assert report.drift == []
    # the record has no controller contact: the notice says so rather than inventing one
    assert any("no contact details" in s.text for s in notice.gaps)


@QUICK
@given(st.text(max_size=400), st.sampled_from(["n.txt", "n.md", "n.html"]))
def test_any_text_is_read_and_checked_without_error(text: str, name: str) -> None:
    parsed = read_notice_bytes(text.encode("utf-8"), name)
    assert all(block.text.strip() for block in parsed.blocks)
    report = check_notice(Record.model_validate(MINIMAL), parsed, DAY)
    for item in report.items:
        assert (item.status is Status.missing) == (not item.evidence)


@QUICK
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<li>",
                "<h2>",
                "</h2>",
                "<br>",
                "<script>",
                "</script>",
                "Mailchimp",
                " in the USA ",
                "&amp;",
                "<!--",
                "-->",
                "Privacy Shield",
                "\n",
            ]
        ),
        max_size=30,
    )
)
def test_tag_soup_html_never_crashes(parts: list[str]) -> None:
    parsed = read_notice_bytes("".join(parts).encode(), "n.html")
    check_notice(Record.model_validate(MINIMAL), parsed, DAY)
