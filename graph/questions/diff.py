"""What changed in our processing between two versions of the record, and which compliance
findings that introduces or resolves — for the reviewer of a pull request that edits the YAML.

Both versions are loaded into stores; the same catalog queries (groups "changes", "breach",
"rights") read the processing facts from each, and the findings come from
``graph.findings.run_findings`` (its public API only) on each side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.findings import Finding, FindingsReport, Severity, run_findings
from graph.questions.common import ask, controller_row
from graph.questions.law import country_label, mechanism_status, regime_for
from graph.stores import GraphStore

ASPECTS = (
    "activities",
    "lawful bases",
    "data categories",
    "data subjects",
    "recipients",
    "transfers",
    "retention",
    "sources",
    "systems",
)


@dataclass(frozen=True)
class Change:
    aspect: str
    change: str
    """added | removed | changed"""
    what: str


@dataclass
class Facts:
    """One version's processing, as comparable sets of tuples and id -> name maps."""

    activities: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    links: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    """category id -> its flags ('special category: health', 'criminal-offence data', '')."""
    rules: dict[str, str] = field(default_factory=dict)
    """retention rule id -> its period or criteria."""


def read_facts(store: GraphStore, day: dt.date) -> Facts:
    facts = Facts()
    for row in ask(store, "all-activities"):
        facts.activities[row["activityId"]] = (
            str(row["activity"] or row["activityId"]),
            str(row["role"] or "controller"),
            bool(row["directMarketing"]),
        )
        facts.names[row["activityId"]] = str(row["activity"] or row["activityId"])
    ids = sorted(facts.activities)
    links: dict[str, set[tuple[str, ...]]] = {aspect: set() for aspect in ASPECTS[1:]}
    if ids:
        for row in ask(store, "activities-bases", activities=ids):
            links["lawful bases"].add((row["activityId"], row["basis"]))
            facts.names[row["basis"]] = str(row["name"] or row["basis"])
        for row in ask(store, "activities-categories", activities=ids):
            links["data categories"].add((row["activityId"], row["categoryId"]))
            facts.names[row["categoryId"]] = str(row["category"] or row["categoryId"])
            flags = []
            if row["special"]:
                flags.append(f"special category: {row['specialCategory'] or 'yes'}")
            if row["criminalOffence"]:
                flags.append("criminal-offence data")
            facts.categories[row["categoryId"]] = "; ".join(flags)
        for row in ask(store, "activities-subjects", activities=ids):
            links["data subjects"].add((row["activityId"], row["subjectId"]))
            facts.names[row["subjectId"]] = str(row["subject"] or row["subjectId"])
        controller = controller_row(store)
        regime = regime_for(controller.get("country"), day)
        home = regime.countries if regime else frozenset({controller.get("country")})
        for row in ask(store, "activities-recipients", activities=ids):
            cats = ",".join(row["dataCategories"] or [])
            links["recipients"].add((row["activityId"], row["recipientId"], cats))
            facts.names[row["recipientId"]] = str(row["recipient"] or row["recipientId"])
            country = row["country"]
            if country and country not in home:
                mechanism = row["mechanism"] or ""
                status = mechanism_status(row["mechanism"], regime, day) or ""
                links["transfers"].add((row["recipientId"], country, mechanism, status))
                if row["mechanism"]:
                    facts.names[mechanism] = str(row["mechanismName"] or mechanism)
        for row in ask(store, "activities-retention", activities=ids):
            links["retention"].add((row["activityId"], row["ruleId"]))
            facts.names[row["ruleId"]] = str(row["rule"] or row["ruleId"])
            facts.rules[row["ruleId"]] = str(row["period"] or row["criteria"] or "")
        for row in ask(store, "activities-sources", activities=ids):
            links["sources"].add((row["activityId"], row["sourceId"]))
            facts.names[row["sourceId"]] = str(row["source"] or row["sourceId"])
        for row in ask(store, "activities-systems", activities=ids):
            links["systems"].add((row["activityId"], row["systemId"]))
            facts.names[row["systemId"]] = str(row["system"] or row["systemId"])
    facts.links = links
    return facts


@dataclass
class RecordDiff:
    """What ``ropagraph diff`` reports (``to_dict`` for JSON, ``to_markdown`` for a PR)."""

    old: str
    new: str
    as_of: dt.date
    regime: str | None
    changes: list[Change]
    introduced: list[Finding]
    resolved: list[Finding]
    errors: dict[str, str] = field(default_factory=dict)

    def at_or_above(self, severity: Severity) -> list[Finding]:
        """New findings a CI gate set at ``severity`` fails on."""
        return [f for f in self.introduced if f.severity.rank >= severity.rank]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "as_of": self.as_of.isoformat(),
            "regime": self.regime,
            "changes": [asdict(c) for c in self.changes],
            "findings_introduced": [f.to_dict() for f in self.introduced],
            "findings_resolved": [f.to_dict() for f in self.resolved],
            "errors": dict(self.errors),
        }


def diff_stores(
    old: GraphStore,
    new: GraphStore,
    *,
    old_label: str = "old",
    new_label: str = "new",
    as_of: dt.date | None = None,
) -> RecordDiff:
    """Compare two loaded versions of a record: processing changes and findings."""
    day = as_of or dt.date.today()
    before, after = read_facts(old, day), read_facts(new, day)
    old_report, new_report = run_findings(old, day), run_findings(new, day)
    introduced, resolved = _findings_delta(old_report, new_report)
    errors = {f"new: {k}": v for k, v in new_report.errors.items()}
    errors |= {f"old: {k}": v for k, v in old_report.errors.items()}
    return RecordDiff(
        old=old_label,
        new=new_label,
        as_of=day,
        regime=new_report.jurisdiction,
        changes=compare(before, after),
        introduced=introduced,
        resolved=resolved,
        errors=errors,
    )


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.rule, f.element_label, f.element_id)


def _findings_delta(
    old: FindingsReport, new: FindingsReport
) -> tuple[list[Finding], list[Finding]]:
    old_keys = {_key(f) for f in old.findings}
    new_keys = {_key(f) for f in new.findings}
    introduced = [f for f in new.findings if _key(f) not in old_keys]
    resolved = [f for f in old.findings if _key(f) not in new_keys]
    return introduced, resolved


# --------------------------------------------------------------------------- comparing


def compare(before: Facts, after: Facts) -> list[Change]:
    names = {**before.names, **after.names}

    def n(key: str) -> str:
        name = names.get(key, key)
        return f"{name} ({key})" if name != key else key

    changes: list[Change] = []
    for act in sorted(set(after.activities) - set(before.activities)):
        changes.append(Change("activities", "added", n(act)))
    for act in sorted(set(before.activities) - set(after.activities)):
        changes.append(Change("activities", "removed", n(act)))
    for act in sorted(set(before.activities) & set(after.activities)):
        (old_name, old_role, old_dm), (new_name, new_role, new_dm) = (
            before.activities[act],
            after.activities[act],
        )
        if old_role != new_role:
            changes.append(
                Change("activities", "changed", f"{n(act)}: role {old_role} → {new_role}")
            )
        if old_dm != new_dm:
            state = "now direct marketing" if new_dm else "no longer direct marketing"
            changes.append(Change("activities", "changed", f"{n(act)}: {state}"))
        if old_name != new_name:
            changes.append(
                Change("activities", "changed", f"{act}: renamed '{old_name}' → '{new_name}'")
            )
    changes += _basis_changes(before, after, n)
    for aspect in ASPECTS[2:]:
        if aspect == "lawful bases":
            continue
        added = sorted(after.links[aspect] - before.links[aspect])
        removed = sorted(before.links[aspect] - after.links[aspect])
        if aspect == "recipients":  # same disclosure, other data: one change, not two
            was = {item[:2]: item[2] for item in removed}
            now = {item[:2]: item[2] for item in added}
            for pair in sorted(set(was) & set(now)):
                old_cats = ", ".join(n(c) for c in was[pair].split(",") if c) or "none"
                new_cats = ", ".join(n(c) for c in now[pair].split(",") if c) or "none"
                changes.append(
                    Change(
                        aspect,
                        "changed",
                        f"{n(pair[0])} discloses to {n(pair[1])}: {old_cats} → {new_cats}",
                    )
                )
            added = [item for item in added if item[:2] not in was]
            removed = [item for item in removed if item[:2] not in now]
        for kind, items in (("added", added), ("removed", removed)):
            for item in items:
                changes.append(Change(aspect, kind, _describe(aspect, item, n, after, before)))
    for cat in sorted(set(before.categories) & set(after.categories)):
        if before.categories[cat] != after.categories[cat]:
            old_flags = before.categories[cat] or "not special"
            new_flags = after.categories[cat] or "not special"
            changes.append(
                Change("data categories", "changed", f"{n(cat)}: {old_flags} → {new_flags}")
            )
    for rule in sorted(set(before.rules) & set(after.rules)):
        if before.rules[rule] != after.rules[rule]:
            changes.append(
                Change(
                    "retention",
                    "changed",
                    f"{n(rule)}: '{before.rules[rule]}' → '{after.rules[rule]}'",
                )
            )
    order = {aspect: i for i, aspect in enumerate(ASPECTS)}
    return sorted(changes, key=lambda c: order[c.aspect])


def _basis_changes(before: Facts, after: Facts, n: Any) -> list[Change]:
    changes = []
    old_by: dict[str, set[str]] = {}
    new_by: dict[str, set[str]] = {}
    for act, basis in before.links["lawful bases"]:
        old_by.setdefault(act, set()).add(basis)
    for act, basis in after.links["lawful bases"]:
        new_by.setdefault(act, set()).add(basis)
    for act in sorted(set(old_by) | set(new_by)):
        was, now = old_by.get(act, set()), new_by.get(act, set())
        if was == now:
            continue
        if was and now and act in before.activities and act in after.activities:
            changes.append(
                Change(
                    "lawful bases",
                    "changed",
                    f"{n(act)}: {_names(was, n)} → {_names(now, n)}",
                )
            )
            continue
        for basis in sorted(now - was):
            changes.append(Change("lawful bases", "added", f"{n(act)} relies on {n(basis)}"))
        for basis in sorted(was - now):
            changes.append(
                Change("lawful bases", "removed", f"{n(act)} no longer relies on {n(basis)}")
            )
    return changes


def _names(ids: set[str], n: Any) -> str:
    return ", ".join(sorted(n(i) for i in ids))


def _describe(aspect: str, item: tuple[str, ...], n: Any, after: Facts, before: Facts) -> str:
    if aspect == "transfers":
        recipient, country, mechanism, status = item
        stated = mechanism and mechanism != "not_stated"
        tool = f"under {n(mechanism)}" if stated else "with no transfer tool stated"
        text = f"{n(recipient)} → {country_label(country)} {tool}"
        return text + (f" — {status}" if status and status != "in force" else "")
    if aspect == "recipients":
        act, recipient, cats = item
        listed = ", ".join(n(c) for c in cats.split(",") if c) or "no categories listed"
        return f"{n(act)} discloses to {n(recipient)}: {listed}"
    act, other = item[0], item[1]
    verbs = {
        "data categories": "processes",
        "data subjects": "concerns",
        "retention": "is kept under",
        "sources": "is supplied by",
        "systems": "uses",
    }
    text = f"{n(act)} {verbs[aspect]} {n(other)}"
    if aspect == "data categories":
        flags = after.categories.get(other) or before.categories.get(other)
        if flags:
            text += f" [{flags}]"
    return text


# --------------------------------------------------------------------------- Markdown


def _md(text: Any) -> str:
    """User text made safe inside a Markdown table cell and a rendered PR comment."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _findings_table(findings: Iterable[Finding]) -> list[str]:
    lines = ["| severity | rule | element | why |", "| --- | --- | --- | --- |"]
    for f in findings:
        element = f"{f.element_label} {f.element_name} ({f.element_id})"
        lines.append(f"| {f.severity.value} | {_md(f.rule)} | {_md(element)} | {_md(f.why)} |")
    return lines


def to_markdown(diff: RecordDiff, gate: Severity | None = None) -> str:
    """The diff as a pull-request comment."""
    counts: dict[str, int] = {}
    for f in diff.introduced:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    by_severity = ", ".join(f"{n} {s}" for s, n in counts.items())
    lines = [
        f"## ropagraph diff: `{_md(diff.old)}` → `{_md(diff.new)}`",
        "",
        f"**{len(diff.changes)} processing change(s)** · **{len(diff.introduced)} finding(s) "
        f"introduced**{f' ({by_severity})' if by_severity else ''} · "
        f"**{len(diff.resolved)} resolved** — "
        f"{diff.regime or 'no modelled regime'}, law as on {diff.as_of.isoformat()}",
        "",
    ]
    lines.append("### What changes in the processing")
    if not diff.changes:
        lines.append("")
        lines.append(
            "No change in activities, bases, data, subjects, recipients, transfers, "
            "retention, sources or systems."
        )
    current = None
    for change in diff.changes:
        if change.aspect != current:
            current = change.aspect
            lines += ["", f"**{current.capitalize()}**", ""]
        lines.append(f"- {change.change}: {_md(change.what)}")
    lines += ["", f"### Findings introduced ({len(diff.introduced)})", ""]
    lines += _findings_table(diff.introduced) if diff.introduced else ["None."]
    lines += ["", f"### Findings resolved ({len(diff.resolved)})", ""]
    lines += _findings_table(diff.resolved) if diff.resolved else ["None."]
    if diff.errors:
        lines += ["", "### Rules that could not run", ""]
        lines += [f"- {_md(k)}: {_md(v)}" for k, v in diff.errors.items()]
    if gate is not None:
        failing = len(diff.at_or_above(gate))
        verdict = "fails" if failing else "passes"
        lines += [
            "",
            f"`--fail-on {gate.value}`: **{verdict}** ({failing} new finding(s) at or above).",
        ]
    return "\n".join(lines) + "\n"
