"""Privacy notice: the Art 13/14 notice generated from the record and, when a published notice
is uploaded, the drift between the two side by side (graph/notice/)."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data, widgets
from graph.model import Record
from graph.notice import (
    NOTICE_FORMATS,
    NOTICE_MEDIA_TYPES,
    DriftReport,
    Notice,
    NoticeReadError,
    build_notice,
    check_notice,
    notice_bytes,
    read_notice_bytes,
)
from graph.notice.report import Status

# Above this many activities the notice is generated on request (as the ROPA preview).
ON_DEMAND_ABOVE = 300
# The page shows at most this much of the notice's text (a browser renders a few hundred
# kilobytes of Markdown in a second; a 100,000-activity notice is tens of megabytes): the
# downloads always hold the whole notice.
PREVIEW_CHARS = 300_000
UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm", "docx"]
FORMAT_TITLES = {"md": "Markdown", "html": "Web page", "docx": "Word"}
STATUS_TITLES = {
    Status.found: "found",
    Status.missing: "not in the notice",
    Status.extra: "not in the record",
    Status.outdated: "outdated",
}


def _downloads(record: Record, notice: Notice) -> None:
    columns = st.columns(len(NOTICE_FORMATS))
    for column, fmt in zip(columns, NOTICE_FORMATS, strict=True):
        column.download_button(
            f"{FORMAT_TITLES[fmt]} (.{fmt})",
            # written when pressed (Streamlit runs the callable then): a Word notice of a large
            # record takes a while, and opening the page should not wait for all three formats
            partial(notice_bytes, notice, fmt),
            file_name=f"{record.record.id}-notice.{fmt}",
            mime=NOTICE_MEDIA_TYPES[fmt],
            key=f"notice_download_{fmt}",
        )


def _notice(notice: Notice) -> None:
    if notice.gaps:
        st.warning(
            f"{len(notice.gaps)} drafting note(s) mark what the record does not say and the law "
            "needs the notice to say: complete them before publishing."
        )
    with st.container(height=720, border=True):
        # the notice's own headings one level under the page's (display only)
        text = notice_bytes(notice, "md").decode("utf-8")
        shown = widgets.text_preview(text, PREVIEW_CHARS)
        st.markdown(re.sub(r"^(#{1,4}) ", r"##\1 ", shown, flags=re.M))
    if len(shown) < len(text):
        st.caption(
            f"The page shows the first {len(shown):,} of {len(text):,} characters of the notice; "
            "the downloads above hold all of it."
        )


def _report(report: DriftReport) -> None:
    summary = report.summary()
    cols = st.columns(4)
    cols[0].metric("Found", summary["found"])
    cols[1].metric("Not in the notice", summary["missing"])
    cols[2].metric("Not in the record", summary["extra"])
    cols[3].metric("Outdated", summary["outdated"])
    if not report.drift:
        st.success("No drift: the notice says what the record requires and nothing it lacks.")
    for item in report.drift:
        with st.container(border=True):
            st.markdown(
                f"**{widgets.md(STATUS_TITLES[item.status])}** — {widgets.md(item.statement)}"
            )
            for ev in item.evidence:
                st.caption(f"Notice: “{widgets.md(ev.quote)}” ({widgets.md(ev.location)})")
            st.caption(f"{widgets.md(item.explanation)} · {widgets.md(item.articles)}")
    if report.record_gaps:
        with st.expander(f"Record gaps ({len(report.record_gaps)})"):
            for gap in report.record_gaps:
                st.markdown(f"- {widgets.md(gap)}")
    rows = [
        {
            "status": STATUS_TITLES[i.status],
            "item": i.item,
            "articles": i.articles,
            "statement": i.statement,
            "notice text": i.evidence[0].quote if i.evidence else "",
            "where": i.evidence[0].location if i.evidence else "",
            "explanation": i.explanation,
        }
        for i in report.items
    ]
    st.subheader("Every item")
    widgets.table(pd.DataFrame(rows), key="notice_items")


def main() -> None:
    current = widgets.page_header(
        "Privacy notice",
        "The Art 13/14 privacy notice generated from the record, in the order of the ICO's "
        "guidance; upload your published notice to see where the two have drifted apart.",
    )
    activities = data.label_counts(current).get("Activity", 0)
    asked = f"notice_asked_{current.content_hash}"
    large = activities > ON_DEMAND_ABOVE
    if large and not st.session_state.get(asked):
        # The notice is built from the record file: reading and checking 10^5 activities takes
        # seconds, so a large record's notice is generated when asked for, not on opening.
        st.info(
            f"This record has {activities:,} activities: the notice is generated from the "
            "record file when you ask for it (reading it takes a while)."
        )
        if not st.button("Generate the privacy notice", type="primary", key="notice_generate"):
            return
        st.session_state[asked] = True
    if large:
        with st.status(f"Reading the record ({activities:,} activities)…") as status:
            record = data.record(current)
            status.update(label="Record read", state="complete", expanded=False)
    else:
        record = data.record(current)
    if isinstance(record, data.Unavailable):
        widgets.unavailable("The privacy notice", record.reason)
        return
    day = dt.date.today()
    notice = build_notice(record, day)
    _downloads(record, notice)
    upload = st.file_uploader(
        "Check a published notice (.txt, .md, .html or .docx)",
        type=UPLOAD_TYPES,
        key="notice_upload",
    )
    if upload is None:
        _notice(notice)
        return
    try:
        text = read_notice_bytes(upload.getvalue(), upload.name)
    except NoticeReadError as exc:
        st.error(str(exc))
        _notice(notice)
        return
    left, right = st.columns(2)
    with left:
        st.subheader("Generated from the record")
        _notice(notice)
    with right:
        st.subheader(f"Drift: {upload.name}")
        _report(check_notice(record, text, day))


main()
