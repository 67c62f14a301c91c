"""Accepted risks as code: a ``waivers.yaml`` beside the record that hides findings until a date.

A DPO who has looked at a finding and accepted the risk writes it down where the record lives,
reviewed like any other change::

    waivers:
      - rule: RECIPIENT-COUNTRY-UNKNOWN
        element: Recipient:openreach        # Label:id, or just the id
        reason: UK-only network operator; location confirmed by contract schedule 2.
        owner: dpo@example.com
        review_by: 2027-06-30

A waiver hides the finding it names up to and including ``review_by``. After that date the
finding is shown again, marked as an expired waiver, so an accepted risk cannot be forgotten. A
waiver that matches no finding is reported too (the risk went away, or the waiver has a typo).
The CLI (``ropagraph findings``) and the dashboard both apply waivers through this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph.findings.catalog import RULES
from graph.findings.model import Finding, FindingsReport
from loaders.problems import Problem, RecordInvalid
from loaders.yaml_record import WAIVER_FILE_NAMES

WAIVER_FILE = WAIVER_FILE_NAMES[0]

FIELD_WORDS = {
    "rule": "rule",
    "element": "element",
    "reason": "reason",
    "owner": "owner",
    "review_by": "review-by date",
}


class Waiver(BaseModel):
    """One accepted risk: which finding, why, who owns it, and when it must be looked at again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    rule: str = Field(min_length=1, description="The rule id, e.g. RECIPIENT-COUNTRY-UNKNOWN.")
    element: str = Field(
        min_length=1, description="The element: 'Label:id' (e.g. 'Recipient:openreach') or 'id'."
    )
    reason: str = Field(min_length=1, description="Why the risk is accepted.")
    owner: str = Field(min_length=1, description="Who accepted it and reviews it.")
    review_by: dt.date = Field(description="Hidden up to and including this date (YYYY-MM-DD).")
    ref: str | None = Field(default=None, description="Where the decision is recorded.")
    line: int | None = Field(default=None, exclude=True)
    """Line of the waiver in its file (for messages; not written by authors)."""

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        rule = value.strip().upper()
        if rule not in RULES:
            near = difflib.get_close_matches(rule, list(RULES), n=1, cutoff=0.6)
            hint = f" — did you mean {near[0]}?" if near else " (see 'ropagraph rules')"
            raise ValueError(f"'{value}' is not a rule{hint}")
        return rule

    def matches(self, finding: Finding) -> bool:
        if finding.rule != self.rule:
            return False
        if ":" in self.element:
            label, _, ident = self.element.partition(":")
            return finding.element_label == label.strip() and finding.element_id == ident.strip()
        return finding.element_id == self.element

    def active_on(self, day: dt.date) -> bool:
        return day <= self.review_by


@dataclass(frozen=True)
class Waived:
    """A finding and the waiver that names it."""

    finding: Finding
    waiver: Waiver


@dataclass
class WaiverOutcome:
    """A findings report after waivers: what is still open, what is waived, what has lapsed."""

    report: FindingsReport
    """The findings still to act on (expired waivers included), same date and order."""
    waived: list[Waived] = field(default_factory=list)
    """Hidden, by a waiver in force on the report's date."""
    expired: list[Waived] = field(default_factory=list)
    """Shown again: the waiver's review-by date has passed."""
    unused: list[Waiver] = field(default_factory=list)
    """Waivers that match no finding (fixed, or a typo in rule or element)."""

    def expired_waiver(self, finding: Finding) -> Waiver | None:
        return next((w.waiver for w in self.expired if w.finding == finding), None)


def waiver_file(record: Path) -> Path | None:
    """The waiver file of a record (folder: inside it; single file: beside it), if any."""
    folder = record if record.is_dir() else record.parent
    for name in WAIVER_FILE_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _item_lines(text: str) -> list[int]:
    """1-based line of each item under ``waivers:`` (for messages)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "waivers" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _problem(path: Path, message: str, line: int | None = None, **extra: Any) -> Problem:
    return Problem(str(path), message, line=line, **extra)


def parse_waivers(text: str, path: Path) -> list[Waiver]:
    """The waivers in ``text`` (the content of ``path``); RecordInvalid lists every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RecordInvalid([_problem(path, f"not valid YAML: {exc}", line)]) from None
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"waivers"}:
        raise RecordInvalid(
            [_problem(path, "a waiver file holds one key, 'waivers:', with a list of waivers", 1)]
        )
    items = data.get("waivers") or []
    if not isinstance(items, list):
        raise RecordInvalid([_problem(path, "'waivers' must be a list of waivers", 1)])
    lines = _item_lines(text)
    waivers: list[Waiver] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict):
            problems.append(_problem(path, "a waiver must be a mapping of fields", line))
            continue
        try:
            waivers.append(Waiver.model_validate({**item, "line": line}))
        except ValidationError as exc:
            problems.extend(_located(path, index, line, exc))
    if problems:
        raise RecordInvalid(problems)
    return waivers


def _located(path: Path, index: int, line: int | None, exc: ValidationError) -> list[Problem]:
    """pydantic's errors in the author's words."""
    found = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "waiver"
        kind = error["type"]
        if kind == "missing":
            message = f"the {FIELD_WORDS.get(name, name)} is missing"
            suggestion: str | None = f"add '{name}:'"
        elif kind == "extra_forbidden":
            near = difflib.get_close_matches(name, list(FIELD_WORDS), n=1, cutoff=0.5)
            message = f"unknown field '{name}'"
            suggestion = f"did you mean '{near[0]}'?" if near else None
        elif name == "review_by":
            message = f"review_by '{error.get('input')}' is not a date"
            suggestion = "write it as YYYY-MM-DD, e.g. 2027-06-30"
        elif kind == "string_too_short":
            message = f"the {FIELD_WORDS.get(name, name)} is empty"
            suggestion = None
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            suggestion = None
        found.append(
            _problem(path, message, line, field=f"waivers[{index}].{name}", suggestion=suggestion)
        )
    return found


def load_waivers(path: Path | None) -> list[Waiver]:
    """The waivers in the file at ``path`` (none when ``path`` is None)."""
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RecordInvalid([_problem(path, f"cannot read the waiver file: {exc}")]) from None
    return parse_waivers(text, path)


def apply_waivers(report: FindingsReport, waivers: Sequence[Waiver]) -> WaiverOutcome:
    """Hide the findings waived on the report's date; expired waivers leave them visible."""
    day = report.as_of
    open_findings: list[Finding] = []
    outcome = WaiverOutcome(report)
    used: set[int] = set()
    for finding in report.findings:
        matching = [(i, w) for i, w in enumerate(waivers) if w.matches(finding)]
        used.update(i for i, _ in matching)
        active = [w for _, w in matching if w.active_on(day)]
        if active:
            outcome.waived.append(Waived(finding, max(active, key=lambda w: w.review_by)))
            continue
        if matching:
            latest = max((w for _, w in matching), key=lambda w: w.review_by)
            outcome.expired.append(Waived(finding, latest))
        open_findings.append(finding)
    outcome.unused = [w for i, w in enumerate(waivers) if i not in used]
    # replace(): every other field of the report (errors, rules not applied, regime) is kept.
    outcome.report = dataclasses.replace(report, findings=open_findings)
    return outcome


def waiver_rows(items: Iterable[Waived]) -> list[dict[str, str]]:
    """Waived (or expired) findings as rows a person reads."""
    return [
        {
            "rule": w.finding.rule,
            "element": f"{w.finding.element_label}: {w.finding.element_name}",
            "reason": w.waiver.reason,
            "owner": w.waiver.owner,
            "review by": w.waiver.review_by.isoformat(),
        }
        for w in items
    ]
