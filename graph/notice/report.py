"""The drift report: what the record requires the notice to say and whether it does, and what
the notice says that the record does not have — each item with the notice text it rests on."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from graph.notice.match import Evidence


class Status(StrEnum):
    found = "found"
    """The record requires it and the notice says it (evidence quoted)."""
    missing = "missing"
    """The record requires it and the notice does not say it."""
    extra = "extra"
    """The notice says it and the record has no counterpart."""
    outdated = "outdated"
    """The notice says something no longer valid in law on the check date."""


DRIFT = (Status.missing, Status.extra, Status.outdated)
FAIL_ON_CHOICES = ("missing", "extra", "outdated", "any")


class DriftItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: Status
    item: str = Field(description="The notice item (data/reference/notice_items.yaml id).")
    articles: str
    element: str | None = Field(
        default=None, description="The record element, e.g. 'recipient:google'."
    )
    statement: str = Field(description="What the record requires, or what the notice says.")
    ref: str | None = Field(default=None, description="The record fact's `ref`.")
    evidence: list[Evidence] = Field(default_factory=list)
    explanation: str


class DriftReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    record_id: str
    record_name: str
    notice: str
    as_of: dt.date
    items: list[DriftItem]
    drafting_notes: list[Evidence] = Field(
        default_factory=list, description="'To complete before publishing' lines in the notice."
    )
    record_gaps: list[str] = Field(
        default_factory=list,
        description="What the record itself lacks for a complete notice (not notice drift).",
    )

    @property
    def drift(self) -> list[DriftItem]:
        return [i for i in self.items if i.status in DRIFT]

    def count(self, status: Status) -> int:
        return sum(1 for i in self.items if i.status is status)

    def summary(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in Status} | {
            "drafting_notes": len(self.drafting_notes),
            "record_gaps": len(self.record_gaps),
        }

    def failing(self, fail_on: list[str]) -> list[DriftItem]:
        """Items that trip ``--fail-on`` (kinds: missing, extra, outdated, any)."""
        kinds = set(fail_on)
        if "any" in kinds:
            return self.drift
        return [i for i in self.drift if i.status.value in kinds]

    def as_json(self) -> dict[str, object]:
        return {
            "record": self.record_id,
            "notice": self.notice,
            "as_of": self.as_of.isoformat(),
            "summary": self.summary(),
            "items": [i.model_dump(mode="json") for i in self.items],
            "drafting_notes": [e.model_dump(mode="json") for e in self.drafting_notes],
            "record_gaps": self.record_gaps,
        }


def parse_fail_on(values: list[str]) -> list[str]:
    """'missing,extra' or repeated options; a clear error for anything else."""
    kinds = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    bad = [k for k in kinds if k not in FAIL_ON_CHOICES]
    if bad:
        raise ValueError(f"--fail-on '{bad[0]}' is not one of {', '.join(FAIL_ON_CHOICES)}")
    return kinds
