"""A privacy notice as data: sections in the ICO's order, each a list of plain-language
statements, every statement carrying the ``ref`` of the record fact it says.

The renderers (graph/notice/render.py) turn this into Markdown, HTML or Word; the notice check
reads the same wording back, so what the generator writes is what the check looks for.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

TO_COMPLETE = "To complete before publishing:"
"""Prefix of a drafting note: something the record does not say that the notice must. The check
reports such lines as drafting notes, never as what the notice says."""


class Statement(BaseModel):
    """One sentence (or list item) of the notice and where its facts come from."""

    model_config = ConfigDict(frozen=True)

    text: str
    ref: str | None = Field(default=None, description="The record fact's `ref`, if it has one.")
    element: str | None = Field(
        default=None, description="What it is about, e.g. 'recipient:google' (for tooling)."
    )
    bullet: bool = False
    level: int = Field(default=0, ge=0, le=1, description="1: a sub-item of the item above.")
    gap: bool = Field(
        default=False,
        description="A drafting note: the record lacks what the law needs said here.",
    )
    label: str | None = Field(
        default=None, description="Bold lead-in for a list item (a name), shown before text."
    )


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    articles: str = Field(description="The Art 13/14 provisions the section answers.")
    statements: list[Statement] = Field(default_factory=list)


class Notice(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    controller: str
    generated: dt.date
    record_id: str
    record_version: str | None = None
    intro: str
    sections: list[Section]

    @property
    def gaps(self) -> list[Statement]:
        return [s for section in self.sections for s in section.statements if s.gap]

    def statements(self) -> list[Statement]:
        return [s for section in self.sections for s in section.statements]
