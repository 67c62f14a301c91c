"""The row model every ROPA format renders: one :class:`RopaDocument` built from a record.

XLSX, DOCX, HTML and Markdown all read the same statements, so a fact reads the same wherever a
DPO or regulator sees it, and each statement keeps the ``ref`` of the element it comes from so a
reader can check it against the source document. Article numbers and names come from
data/reference via :mod:`graph.reference`; cells the record cannot fill stay empty rather than
being guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from graph.model import (
    ActivityRole,
    Contact,
)
from graph.ropa.layout import (
    NOT_STATED,
)
from graph.ropa.processor import ProcessorLine


class RopaExportError(ValueError):
    """The record cannot be written in the asked format (e.g. a cell over Excel's limit)."""


# ------------------------------------------------------------------ findings (duck-typed)


class FindingLike(Protocol):
    """What the annex reads from a finding (graph.findings.Finding has these fields)."""

    @property
    def rule(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> object: ...
    @property
    def articles(self) -> Sequence[str]: ...
    @property
    def element_label(self) -> str: ...
    @property
    def element_id(self) -> str: ...
    @property
    def element_name(self) -> str | None: ...
    @property
    def why(self) -> str: ...
    @property
    def what_to_do(self) -> str: ...
    @property
    def ref(self) -> str | None: ...


class FindingsLike(Protocol):
    """What the annex reads from a findings report (graph.findings.FindingsReport)."""

    @property
    def as_of(self) -> dt.date | None: ...
    @property
    def findings(self) -> Sequence[FindingLike]: ...


# ----------------------------------------------------------------------------- the row model


@dataclass(frozen=True)
class Statement:
    """One value in a cell or list, with an optional qualifier and the element's provenance."""

    text: str
    ref: str | None = None
    detail: str | None = None  # shown in documents only, never in the spreadsheet cell


Cell = tuple[Statement, ...]


@dataclass(frozen=True)
class Party:
    """A line of the controller block: the controller, its DPO or its representative."""

    role: str
    name: str
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    country: str | None = None
    ref: str | None = None

    def fields(self) -> tuple[str, ...]:
        """Values in :data:`BLOCK_FIELDS` order ('' when not recorded)."""
        return tuple(
            value or ""
            for value in (
                self.name,
                self.address,
                self.email,
                self.phone,
                self.website,
                self.country,
            )
        )


@dataclass(frozen=True)
class RopaRow:
    """One processing activity: every ICO column as a cell of statements."""

    activity_id: str
    name: str
    role: ActivityRole
    description: str | None
    ref: str | None
    cells: dict[str, Cell]

    def cell(self, heading: str) -> Cell:
        return self.cells.get(heading, ())

    def lines(self, heading: str) -> list[str]:
        return [s.text for s in self.cell(heading)]


@dataclass(frozen=True)
class DocPart:
    """A labelled list inside a document section (label None: the section's own list)."""

    label: str | None
    statements: Cell


@dataclass(frozen=True)
class DocItem:
    """A heading of an activity's section, e.g. 'Art 30(1)(b) Purposes of the processing'."""

    anchor: str
    title: str
    parts: tuple[DocPart, ...]
    empty: str = NOT_STATED  # what an item with nothing recorded says


@dataclass(frozen=True)
class RecipientLine:
    """A row of the recipients sheet/annex: one per recipient and transfer."""

    recipient_id: str
    name: str
    kind: str
    named: str
    country: str
    contract_ref: str
    transfer_to: str
    mechanism: str
    stated_as: str
    certified: str
    derogation: str
    disclosed_by: str
    ref: str | None


@dataclass(frozen=True)
class TransferLine:
    recipient: str
    destination: str
    mechanism: str
    article: str
    stated_as: str
    certified: str
    derogation: str
    activities: str
    ref: str | None


@dataclass(frozen=True)
class RetentionLine:
    name: str
    period: str
    criteria: str
    vague: bool
    activities: str
    ref: str | None


@dataclass(frozen=True)
class MeasureLine:
    name: str
    kind: str
    description: str
    activities: str
    ref: str | None


@dataclass(frozen=True)
class FindingLine:
    severity: str
    title: str
    element: str
    articles: str
    why: str
    what_to_do: str
    rule: str
    ref: str | None


@dataclass(frozen=True)
class RopaDocument:
    """Everything any format shows, computed once from the record."""

    record_id: str
    record_name: str
    version: str | None
    content_hash: str | None
    generated: dt.date
    parties: tuple[Party, ...]
    rows: tuple[RopaRow, ...]
    recipients: tuple[RecipientLine, ...]
    transfers: tuple[TransferLine, ...]
    retention: tuple[RetentionLine, ...]
    measures: tuple[MeasureLine, ...]
    findings: tuple[FindingLine, ...] | None = None
    findings_as_of: dt.date | None = None
    sources: tuple[str, ...] = field(default_factory=tuple)
    processor: tuple[ProcessorLine, ...] = field(default_factory=tuple)  # Art 30(2) section

    @property
    def controller(self) -> Party:
        return self.parties[0]

    @property
    def distinct_recipients(self) -> tuple[RecipientLine, ...]:
        """One line per recipient (the sheet has one per recipient and transfer)."""
        seen: set[str] = set()
        lines = []
        for line in self.recipients:
            if line.recipient_id not in seen:
                seen.add(line.recipient_id)
                lines.append(line)
        return tuple(lines)

    @property
    def title(self) -> str:
        return f"Record of processing activities — {self.controller.name}"


def _lines(values: Iterable[Statement]) -> Cell:
    """Drop repeats (same text), keeping the first statement's provenance and record order."""
    seen: set[str] = set()
    out: list[Statement] = []
    for statement in values:
        if statement.text and statement.text not in seen:
            seen.add(statement.text)
            out.append(statement)
    return tuple(out)


def _contact_party(
    role: str,
    name: str,
    contact: Contact | None,
    ref: str | None,
    country: str | None = None,
) -> Party:
    return Party(
        role=role,
        name=name,
        address=contact.address if contact else None,
        email=contact.email if contact else None,
        phone=contact.phone if contact else None,
        website=contact.website if contact else None,
        country=country,
        ref=ref,
    )
