"""The later sections of the generated notice: retention, rights, whether data must be
provided, and automated decisions (see :mod:`graph.notice.generate` for the rest)."""

from __future__ import annotations

from graph.model import Record, country_name
from graph.notice import law
from graph.notice.model import Section, Statement
from graph.notice.wording import RIGHT_PROCEDURES, contact_sentence, gap, join, ref_or, sentence


def retention(record: Record, used: set[str]) -> Section:
    applies: dict[str, list[str]] = {}
    for activity in law.notice_activities(record):
        for rule_id in activity.retention:
            applies.setdefault(rule_id, []).append(activity.name)
    out: list[Statement] = []
    for rule in record.retention_rules:
        if rule.id not in used:
            continue
        said = []
        if rule.period:
            said.append(f"We keep it for {rule.period}.")
        if rule.criteria:
            said.append(sentence(rule.criteria))
        out.append(
            Statement(
                label=rule.name,
                text=" ".join(said),
                ref=ref_or(rule.ref, f"retention_rules/{rule.id}"),
                element=f"retention:{rule.id}",
                bullet=True,
            )
        )
        if rule.vague or not said:
            out.append(
                gap(
                    "retention",
                    f'the record marks "{rule.name}" as vague: it gives no period '
                    "or criteria a reader could apply.",
                )
            )
    without = [a.name for a in law.notice_activities(record) if not a.retention]
    if without:
        out.append(gap("retention", "the record states no retention for: " + join(without) + "."))
    return Section(
        id="retention",
        title="How long we keep your information",
        articles=law.articles("retention"),
        statements=out,
    )


def rights(record: Record) -> Section:
    procedures = {p.kind: p for p in record.procedures}
    found, unknown = law.rights_for(record)
    out = [
        Statement(
            text="Depending on why we use your information, you have these rights:",
            ref="data/reference/notice_rights.yaml",
        )
    ]
    for right in found:
        text = f"{right.says.rstrip('.')} ({right.article})"
        hows: list[str] = []
        kind = RIGHT_PROCEDURES.get(right.id)
        procedure = procedures.get(kind) if kind is not None else None
        ref = f"data/reference/notice_rights.yaml#{right.id}"
        if right.id == "complaint":
            authority = law.authority(record.controller.country)
            if authority is None:
                out.append(
                    gap(
                        "complaint",
                        "no supervisory authority is in the reference data "
                        f"for {country_name(record.controller.country)}.",
                    )
                )
                continue
            text = (
                f"You can complain to {authority.name} ({authority.extra('website')}) if you "
                f"are unhappy with how we use your information ({right.article})"
            )
        elif right.id == "withdraw-consent":
            how = [
                " ".join(a.consent_withdrawal.mechanism.split())
                for a in law.notice_activities(record)
                if a.consent_withdrawal is not None
            ]
            hows += how
        if procedure is not None and procedure.channel:
            hows.insert(0, procedure.channel)
            ref = ref_or(procedure.ref, f"procedures/{procedure.id}")
        if hows:
            text += ". How: " + "; ".join(dict.fromkeys(h.rstrip(". ") for h in hows))
        out.append(
            Statement(
                label=right.name,
                text=sentence(text),
                ref=ref,
                element=f"right:{right.id}",
                bullet=True,
            )
        )
    for basis in unknown:
        out.append(
            gap(
                "rights",
                f"the reference data does not yet say which rights apply on "
                f"the basis {law.basis_label(basis)}; state them from the law.",
            )
        )
    contact = contact_sentence(record)
    if contact is not None:
        out.append(
            Statement(
                text="To use any of these rights, contact us: "
                + contact.text[len("You can contact us ") :],
                ref=contact.ref,
            )
        )
    return Section(
        id="rights",
        title="Your rights",
        articles=", ".join(law.articles(i) for i in ("rights", "withdraw-consent", "complaint")),
        statements=out,
    )


def requirement(record: Record) -> Section:
    del record
    return Section(
        id="requirement",
        title="Do you have to give us your information?",
        articles=law.articles("requirement"),
        statements=[
            gap(
                "requirement",
                "the record does not say whether providing the "
                "information is a statutory or contractual requirement, or what happens "
                "if it is not provided.",
            )
        ],
    )


def automated(record: Record) -> Section:
    out: list[Statement] = []
    for activity in law.notice_activities(record):
        if activity.automated_decision_making:
            out.append(
                Statement(
                    label=activity.name,
                    text=sentence(activity.automated_decision_making),
                    ref=ref_or(activity.ref, f"activities/{activity.id}"),
                    element=f"automated:{activity.id}",
                    bullet=True,
                )
            )
    if out:
        out.append(
            gap(
                "automated-decisions",
                "explain the logic involved and the significance "
                "and envisaged consequences for the person.",
            )
        )
    else:
        out.append(
            Statement(
                text="Our record of processing lists no decisions made about you solely by "
                "automated means, including profiling.",
                ref=ref_or(record.record.ref, "record"),
            )
        )
    return Section(
        id="automated-decisions",
        title="Automated decisions",
        articles=law.articles("automated-decisions"),
        statements=out,
    )
