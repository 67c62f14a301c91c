"""Problems found in a record, in the author's terms: file, line, field, message, suggestion.

Every loader (YAML, spreadsheets) reports through these types so the CLI and the dashboard can
show all problems at once, as a table, whatever the input format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    suggestion: str | None = None
    sheet: str | None = None

    def where(self) -> str:
        place = self.file
        if self.sheet:
            place += f" [{self.sheet}]"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        text = self.where()
        if self.field:
            text += f": {self.field}"
        text += f": {self.message}"
        if self.suggestion:
            text += f" — {self.suggestion}"
        return text

    def as_dict(self) -> dict[str, str | int | None]:
        return asdict(self)


class RecordInvalid(Exception):
    """The record could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        summary = "; ".join(str(p) for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{len(problems)} problem(s): {summary}{more}")
