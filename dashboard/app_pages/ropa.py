"""ROPA: the record of processing as documents to hand over (xlsx, docx, html, md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import data, widgets

if TYPE_CHECKING:
    from graph.findings import FindingsReport

PREVIEW_FORMAT = "md"
# Above this many activities the preview is built only when asked (a 10,000-activity ROPA
# takes seconds to build and tens of megabytes to show), and the documents are prepared with a
# spinner before they are offered for download (a Word file of 5,000 activities takes 10-30 s).
PREVIEW_MAX_ACTIVITIES = 300
PREVIEW_MAX_CHARS = 300_000
FORMAT_TITLES = {"xlsx": "Excel", "docx": "Word", "html": "Web page", "md": "Markdown"}


def _findings(current: data.Loaded) -> FindingsReport | None:
    """The findings for the annex, run when a document is built (not when the page opens: the
    rules take seconds on a large record the first time; then they are kept per record)."""
    report = data.findings(current)
    return None if isinstance(report, data.Unavailable) else report


def _on_click(current: data.Loaded, fmt: str) -> Callable[[], bytes]:
    """Build the document only when asked for: a Word file of a large record takes seconds."""

    def build() -> bytes:
        content = data.ropa(current, fmt, _findings(current))
        if isinstance(content, data.Unavailable):
            raise RuntimeError(content.reason)  # Streamlit shows "failed to generate"
        return content

    return build


def _preview(current: data.Loaded) -> None:
    st.subheader("Preview")
    activities = data.label_counts(current).get("Activity", 0)
    if activities > PREVIEW_MAX_ACTIVITIES and not st.toggle(
        f"Build a preview of all {activities:,} activities (takes a while)",
        value=False,
        key="ropa_preview",
    ):
        st.caption("The downloads above hold the whole record.")
        return
    with st.spinner("Building the preview…"):
        content = data.ropa(current, PREVIEW_FORMAT, _findings(current))
    if isinstance(content, data.Unavailable):
        st.error(content.reason)
        return
    text = content.decode("utf-8")
    if len(text) > PREVIEW_MAX_CHARS:
        cut = text.rfind("\n", 0, PREVIEW_MAX_CHARS)
        st.caption(f"Showing the first {cut:,} of {len(text):,} characters; download for the rest.")
        text = text[:cut]
    with st.container(height=700, border=True):
        st.markdown(text)


def main() -> None:
    current = widgets.page_header(
        "ROPA",
        "The record of processing as documents for a regulator or an auditor, with the "
        "findings attached where the rules are installed.",
    )
    formats = data.ropa_formats()
    if isinstance(formats, data.Unavailable):
        widgets.unavailable("The ROPA export", formats.reason)
        return
    found = data.record_file(current)
    if isinstance(found, data.Unavailable):
        widgets.unavailable("The ROPA export", found.reason)
        return
    if not found.matches_store:
        st.warning(
            "The record file has changed since the store was loaded: the documents are built "
            "from the file as it is now, the other pages show the store. Reload with "
            "'ropagraph load'."
        )
    if data.findings_available() is not None:
        st.caption("The documents are exported without findings (the rules are not available).")

    st.subheader("Download")
    record_id = str(current.info.get("id") or "record")
    large = data.label_counts(current).get("Activity", 0) > PREVIEW_MAX_ACTIVITIES
    columns = st.columns(len(formats))
    for column, (fmt, mime) in zip(columns, formats.items(), strict=True):
        title = f"{FORMAT_TITLES.get(fmt, fmt)} (.{fmt})"
        with column:
            if large:
                _prepared_download(current, fmt, mime, title, record_id)
            else:
                st.download_button(
                    title,
                    _on_click(current, fmt),
                    file_name=f"{record_id}-ropa.{fmt}",
                    mime=mime,
                    key=f"ropa_download_{fmt}",
                )
    _preview(current)


def _prepared_download(
    current: data.Loaded, fmt: str, mime: str, title: str, record_id: str
) -> None:
    """Build on a click, saying what it is doing (seconds on a large record), then offer the
    file."""
    key = f"ropa_prepared_{fmt}_{current.content_hash}"
    prepare = key not in st.session_state
    if prepare and st.button(f"Prepare {title}", key=f"ropa_prepare_{fmt}"):
        name = FORMAT_TITLES.get(fmt, fmt)
        with st.status(f"Building the {name} document…", expanded=True) as status:
            status.write("Running the compliance rules for the findings annex…")
            findings = _findings(current)
            status.write(f"Writing the {name} document…")
            content = data.ropa(current, fmt, findings)
            if isinstance(content, data.Unavailable):
                status.update(label=f"The {name} document could not be built", state="error")
                st.error(content.reason)
                return
            status.update(label=f"The {name} document is ready", state="complete", expanded=False)
        st.session_state[key] = content
    if key in st.session_state:
        st.download_button(
            f"Download {title}",
            st.session_state[key],
            file_name=f"{record_id}-ropa.{fmt}",
            mime=mime,
            key=f"ropa_download_{fmt}",
        )


main()
