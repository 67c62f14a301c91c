"""Load a record: upload YAML (or a zipped record folder) and explore it in this session only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, uploads, widgets

RESULT = "upload_result"
MAX_MB = uploads.MAX_UPLOAD_BYTES // (1024 * 1024)


def _process(files: list[tuple[str, bytes]]) -> None:
    outcome = uploads.ingest(files, uploads.new_upload_dir())
    st.session_state[RESULT] = outcome
    if outcome.ok and outcome.staged is not None and outcome.store is not None:
        previous = data.active_source()
        names = ", ".join(outcome.staged.files[:3]) + ("…" if len(outcome.staged.files) > 3 else "")
        data.use_source(
            data.Source(
                kind="embedded",
                db=str(outcome.store),
                record=str(outcome.staged.record),
                title=f"upload: {names}",
                uploaded=True,
            )
        )
        if previous.uploaded:
            uploads.discard(Path(previous.db).parent)


def main() -> None:
    st.title("Load a record")
    st.caption(
        "Check a record and explore it here without touching the shared store: upload one "
        f"YAML file, several YAML files of one record, or a .zip of a record folder (at most "
        f"{MAX_MB} MB). Only this browser session sees it."
    )
    files = st.file_uploader(
        "Record files",
        type=["yaml", "yml", "zip"],
        accept_multiple_files=True,
        max_upload_size=MAX_MB,
        key="upload_files",
    )
    if st.button("Validate and explore", type="primary", disabled=not files):
        with st.spinner("Checking the record and loading it into a temporary store…"):
            _process([(f.name, f.getvalue()) for f in files or []])

    outcome = st.session_state.get(RESULT)
    if not isinstance(outcome, uploads.Ingested):
        return
    if outcome.staged and outcome.staged.warnings and not outcome.ok:
        st.warning("Left out of the record: " + "; ".join(outcome.staged.warnings[:20]))
    if outcome.refused:
        st.error(f"Upload refused: {outcome.refused}")
    elif outcome.problems:
        st.error(
            f"The record is not valid: {len(outcome.problems)} problem(s). Fix them in the YAML "
            "and upload again."
        )
        widgets.table(
            pd.DataFrame(
                outcome.problems,
                columns=["file", "line", "column", "field", "message", "suggestion"],
            )
        )
    elif outcome.ok:
        st.success(
            f"Loaded {widgets.md(outcome.record_name)}. This session now shows it on every "
            "page; use 'Back to the default record' in the sidebar to return."
        )
        if outcome.staged and outcome.staged.warnings:
            st.warning("Left out of the record: " + "; ".join(outcome.staged.warnings[:20]))
        if outcome.staged and outcome.staged.skipped:
            st.caption("Not YAML, left out: " + ", ".join(outcome.staged.skipped[:20]))


main()
