"""Breach impact: pick a breached system, recipient or data category; see whose data and which
data, where it went (drawn on the graph), and the duties that follow with their deadlines.

The answer is graph.questions.breach_impact run through the dashboard's per-record query cache
(dashboard.data.CachedQueries), so it is the same answer as ``ropagraph impact``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data, widgets
from dashboard.data import Unavailable
from graph.build import node_key
from graph.questions import Breached, Impact, NotFound, breach_impact
from graph.visual import view_of

# Above this many activities nothing is pre-selected: the impact is built once chosen.
ON_DEMAND_ABOVE = 300
SYSTEMS = "MATCH (y:System) RETURN y.id AS id, y.name AS name ORDER BY id"
RECIPIENTS = "MATCH (r:Recipient) RETURN r.id AS id, r.name AS name ORDER BY id"
CATEGORIES = "MATCH (d:DataCategory) RETURN d.id AS id, d.name AS name ORDER BY id"
CHOICES = {
    "A system": (Breached.system, SYSTEMS),
    "A recipient or processor": (Breached.recipient, RECIPIENTS),
    "A data category": (Breached.category, CATEGORIES),
}
TELECOMS = {
    "Not known": None,
    "Yes — in connection with our public electronic communications service": True,
    "No": False,
}
# Warnings, not errors: an error on a page means the page failed, and these are answers.
STATUS_BOX = {
    "applies": st.warning,
    "likely": st.warning,
    "assess": st.warning,
    "if applicable": st.info,
    "applies to the processor": st.info,
    "not applicable": st.success,
}


def blast_radius_keys(answer: Impact) -> set[str]:
    """The graph nodes the breach reaches: element, activities, data, people, recipients, places."""
    keys = {node_key(answer.breached.label, e) for e in answer.element_id.split(", ")}
    keys |= {node_key("Activity", a.id) for a in answer.activities}
    keys |= {node_key("DataCategory", c.id) for c in answer.categories}
    keys |= {node_key("DataSubject", s["id"]) for s in answer.subjects}
    keys |= {node_key("Recipient", d.recipient_id) for d in answer.destinations}
    keys |= {node_key("Country", d.country) for d in answer.destinations if d.country}
    keys |= {node_key("TransferMechanism", d.mechanism) for d in answer.destinations if d.mechanism}
    return keys


def main() -> None:
    current = widgets.page_header(
        "Breach impact",
        "A system or a processor was breached: whose data, which data (special category "
        "flagged), where it went, and which notification duties follow by when.",
    )
    left, middle, right = st.columns([1, 2, 2])
    with left:
        choice = st.radio("What was breached?", list(CHOICES), key="breach_kind")
    kind, listing = CHOICES[choice]
    options = data.cypher_frame(current, listing)
    names = dict(zip(options["id"], options["name"], strict=True))
    # On a large record one system or processor reaches thousands of activities: the impact
    # is worked out for the element the person picks, not for the first one on opening.
    large = data.label_counts(current).get("Activity", 0) > ON_DEMAND_ABOVE
    with middle:
        element = st.selectbox(
            "Which one",
            list(names),
            index=None if large else 0,
            placeholder="Choose the breached element",
            format_func=lambda i: f"{names.get(i) or i} ({i})",
            key=f"breach_element_{kind.value}",
        )
        telecoms = TELECOMS[
            st.selectbox(
                "Do we provide a public electronic communications service?",
                list(TELECOMS),
                key="breach_telecoms",
            )
        ]
    with right:
        known = st.checkbox("We know when we became aware of it", key="breach_known")
        aware_at = None
        if known:
            day = st.date_input("Aware on", key="breach_aware_day")
            time = st.time_input("at", key="breach_aware_time", value=dt.time(9, 0))
            aware_at = dt.datetime.combine(day, time)
    if element is None:
        st.info(
            "Choose the breached element to see whose data it reaches and the duties that follow."
            if names
            else "The record has nothing of this kind."
        )
        return

    report = data.findings(current)
    findings = [] if isinstance(report, Unavailable) else report.findings
    try:
        answer = breach_impact(
            data.CachedQueries(current),
            kind,
            str(element),
            aware_at=aware_at,
            telecoms_provider=telecoms,
            findings=findings,
        )
    except NotFound as exc:
        st.error(str(exc))
        return
    show(current, answer)
    if isinstance(report, Unavailable):
        widgets.unavailable("Findings", report.reason)


def show(current: data.Loaded, answer: Impact) -> None:
    cols = st.columns(4)
    cols[0].metric("Data subject categories", len(answer.subjects))
    cols[1].metric("Data categories", len(answer.categories))
    cols[2].metric("Special / criminal-offence", len(answer.sensitive))
    cols[3].metric("Countries reached", len(answer.countries))
    if answer.sensitive:
        st.warning(
            "Special-category or criminal-offence data is affected: "
            + "; ".join(widgets.md(c.label()) for c in answer.sensitive)
        )

    st.header("Duties that follow")
    st.caption(
        f"Under the {widgets.md(answer.regime or 'no modelled regime')}, as on "
        f"{answer.as_of.isoformat()}. From data/reference/breach_duties.yaml."
    )
    if not answer.duties:
        st.info("No duties are listed: " + " ".join(widgets.md(n) for n in answer.notes))
    for duty in answer.duties:
        box = STATUS_BOX.get(duty.status, st.info)
        when = duty.deadline + (f" — due {duty.due}" if duty.due else "")
        box(
            f"**{widgets.md(duty.status.upper())}: {widgets.md(duty.name)}** "
            f"({widgets.md(duty.article)}) — notify {widgets.md(duty.notify)}, "
            f"{widgets.md(when)}.  \n{widgets.md(duty.why)}"
        )
    widgets.table(
        pd.DataFrame(
            [
                {"duty": d.name, "article": d.article, "source": d.source, "checked": d.checked}
                for d in answer.duties
            ]
        ),
        key="breach_sources",
    )

    st.header("Whose data, which data")
    left, right = st.columns(2)
    with left:
        widgets.table(pd.DataFrame([{"data subjects": s["name"]} for s in answer.subjects]))
    with right:
        widgets.table(
            pd.DataFrame(
                [
                    {
                        "category": c.name,
                        "special category": c.special_category or "",
                        "criminal offence": "yes" if c.criminal_offence else "",
                    }
                    for c in answer.categories
                ]
            )
        )
    widgets.table(pd.DataFrame([{"activity": a.name, "role": a.role} for a in answer.activities]))

    st.header("Where the data is")
    widgets.table(
        pd.DataFrame(
            [
                {
                    "recipient": d.recipient,
                    "relation": d.relation,
                    "kind": d.kind or "",
                    "country": d.country_name or "not recorded",
                    "transfer tool": d.mechanism_name or d.mechanism or "",
                    "tool status": d.mechanism_status or "",
                }
                for d in answer.destinations
            ]
        ),
        key="breach_destinations",
    )
    keys = blast_radius_keys(answer)
    graph = data.graph_among(current, keys)  # only what is drawn, not the whole graph
    focus = node_key(answer.breached.label, answer.element_id.split(", ")[0])
    widgets.draw(
        view_of(graph, keys, focus=focus if focus in graph else None),
        height=480,
        title="Blast radius",
    )

    st.header("The regulator's form, pre-filled from the record")
    widgets.table(pd.DataFrame(answer.form), key="breach_form")
    for p in answer.procedures:
        st.caption(
            f"The record's own breach procedure: {widgets.md(p['statedAs'] or p['description'])}"
        )
    if answer.findings:
        st.header("Findings about these elements")
        widgets.table(
            pd.DataFrame(answer.findings)[["severity", "rule", "element_name", "title"]],
            key="breach_findings",
        )
    for note in answer.notes:
        st.caption(widgets.md(note))


main()
