"""Where is it? A data subject's data across activities, systems and recipients, with the
retention rule and the rights that apply — the checklist for a subject access or erasure request.

The answer is graph.questions.locate_subject through the dashboard's per-record query cache, the
same as ``ropagraph locate``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, widgets
from graph.questions import Located, NotFound, locate_subject

# Above this many activities nothing is pre-selected: the answer is built once chosen.
ON_DEMAND_ABOVE = 300
SUBJECTS = "MATCH (s:DataSubject) RETURN s.id AS id, s.name AS name ORDER BY id"


def checklist_markdown(answer: Located) -> str:
    """The checklist as Markdown task lists (for a ticket or a SAR file)."""
    lines = [f"# Where is it? {answer.subject} ({answer.subject_id})", ""]
    lines.append(f"Record of {answer.controller}; law as on {answer.as_of.isoformat()}.")
    lines += ["", "## Activities", ""]
    for a in answer.activities:
        rights = ", ".join(r.name for r in a.rights) or (a.rights_note or "")
        lines.append(
            f"- [ ] {a.name} — data: {', '.join(c.name for c in a.categories) or 'none recorded'}"
            f"; basis: {', '.join(a.bases) or 'none stated'}"
            f"; retention: {' / '.join(a.retention) or 'none recorded'}; rights: {rights}"
        )
    for title, places in (("Systems", answer.systems), ("Recipients", answer.recipients)):
        lines += ["", f"## {title}", ""]
        for p in places:
            lines.append(
                f"- [ ] {p.name} ({p.country or 'country not recorded'}) — "
                f"{', '.join(p.categories) or 'data not itemised'}"
            )
        if not places:
            lines.append("- none recorded")
    if answer.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in answer.notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    current = widgets.page_header(
        "Where is it?",
        "Everywhere a data subject's data lives — activities, systems, recipients and "
        "countries — with the retention rule and the rights that apply: a checklist for a "
        "subject access or erasure request.",
    )
    subjects = data.cypher_frame(current, SUBJECTS)
    names = dict(zip(subjects["id"], subjects["name"], strict=True))
    # On a large record one group of data subjects spans thousands of activities: the answer
    # is worked out for the group the person picks, not for the first one on opening.
    large = data.label_counts(current).get("Activity", 0) > ON_DEMAND_ABOVE
    chosen = st.selectbox(
        "Data subject",
        list(names),
        index=None if large else 0,
        placeholder="Choose a group of data subjects",
        format_func=lambda i: f"{names.get(i) or i} ({i})",
        key="where_subject",
    )
    if chosen is None:
        st.info(
            "Choose a group of data subjects to see where their data is."
            if names
            else "The record names no data subjects."
        )
        return
    try:
        answer = locate_subject(data.CachedQueries(current), str(chosen))
    except NotFound as exc:
        st.warning(f"{widgets.md(names.get(chosen) or chosen)}: no activity concerns them. ({exc})")
        return

    cols = st.columns(3)
    cols[0].metric("Activities", len(answer.activities))
    cols[1].metric("Systems", len(answer.systems))
    cols[2].metric("Recipients", len(answer.recipients))

    st.header("Activities that hold their data")
    widgets.table(
        pd.DataFrame(
            [
                {
                    "activity": a.name,
                    "role": a.role,
                    "data": "; ".join(c.label() for c in a.categories),
                    "lawful basis": ", ".join(a.bases) or "none stated",
                    "retention": " / ".join(a.retention) or "none recorded",
                    "rights": "; ".join(f"{r.name} ({r.article})" for r in a.rights)
                    or (a.rights_note or ""),
                }
                for a in answer.activities
            ]
        ),
        key="where_activities",
    )
    notes = [a for a in answer.activities if a.rights_note]
    for a in notes:
        st.caption(f"{widgets.md(a.name)}: {widgets.md(a.rights_note)}")

    st.header("Systems")
    widgets.table(
        pd.DataFrame(
            [
                {
                    "system": p.name,
                    "country": p.country or "not recorded",
                    "retention": " / ".join(p.detail.get("retention", [])),
                    "activities": ", ".join(p.activities),
                }
                for p in answer.systems
            ]
        ),
        key="where_systems",
    )
    st.header("Recipients")
    widgets.table(
        pd.DataFrame(
            [
                {
                    "recipient": p.name,
                    "kind": p.detail.get("kind") or "",
                    "data": "; ".join(p.categories),
                    "country": p.country or "not recorded",
                    "transfer tool": p.detail.get("mechanism", ""),
                    "tool status": p.detail.get("mechanismStatus", ""),
                }
                for p in answer.recipients
            ]
        ),
        key="where_recipients",
    )
    for note in answer.notes:
        st.caption(widgets.md(note))
    st.download_button(
        "Download the checklist (Markdown)",
        checklist_markdown(answer),
        file_name=f"where-is-it-{answer.subject_id}.md",
        mime="text/markdown",
        key="where_download",
    )


main()
