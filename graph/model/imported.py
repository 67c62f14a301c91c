"""What an import could not map: kept in the record so a DPO can work through it.

An importer that meets a column it does not know, a cell it cannot read or a field the other
format has and the record lacks says so — it never guesses and never drops the text silently.
Each such item is an :class:`ImportNote` in ``record.import_notes``: where it was (file, sheet,
row, column or field path), the text, and why it was not mapped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ImportNote(BaseModel):
    """One item an import could not map into the record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    file: str
    sheet: str | None = None
    row: int | None = Field(default=None, ge=1)
    column: str | None = Field(default=None, description="Column letter, e.g. 'P'.")
    heading: str | None = Field(default=None, description="Column heading or field path.")
    text: str = Field(description="The text that was not mapped, verbatim.")
    reason: str

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"[{self.sheet}]")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return " ".join(parts)
