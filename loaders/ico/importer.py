"""Import a record of processing kept in the UK ICO controller-template spreadsheet.

Most DPOs keep their record in the ICO's "Documentation template for controllers"; this turns
such a workbook into a ropagraph YAML record, so a team can move without retyping. The table is
found by its headings (any row, any sheet, case/space/punctuation-insensitive, optional columns
may be missing or extra), the controller block above it is read when present, and every value
becomes an element with ``ref: "<file> row N"``. Anything that cannot be mapped is reported with
sheet, row and column, all at once; nothing is written unless the whole record validates.

Workbooks written by ropagraph (they have a "Provenance" sheet) are read back exactly: their
multi-valued cells are split on new lines only, and the "Recipients" sheet supplies each
recipient's kind, country, contract and transfers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from graph.model import ImportNote, RecipientKind, Record, check_references
from graph.ropa.layout import (
    CATEGORY_ONLY,
    H_CATEGORIES,
    H_P_CATEGORIES,
    H_PURPOSE,
    H_SUBJECTS,
    PROVENANCE_HEADINGS,
    RECIPIENT_HEADINGS,
    ROLE_NOT_STATED,
)
from loaders.ico.activity import _ActivityReader
from loaders.ico.block import read_block
from loaders.ico.controller import build_controller
from loaders.ico.extras import apply_extras, unknown_columns
from loaders.ico.parse import (
    normalise,
    parse_mechanism,
    parse_yes_no,
    same_name,
    slugify,
)
from loaders.ico.processor import (
    ServedControllers,
    as_purpose_row,
    existing_activity,
    link_processor_row,
)
from loaders.ico.rows import _Provenance, _Row
from loaders.ico.workbook import (
    MIN_HEADINGS,
    Sheet,
    find_header,
    find_table,
    read_sheets,
    refuse,
)
from loaders.output import write_record
from loaders.problems import Problem, RecordInvalid

# The first lines of a workbook ropagraph wrote (graph/ropa/to_xlsx.py): not part of the block.
OWN_TITLES = ("Record of processing activities — ", "Generated ")


class _Importer(_ActivityReader):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.served = ServedControllers()

    # ------------------------------------------------------------------ the whole workbook

    def run(self) -> dict[str, Any]:
        if not any(sheet.rows for sheet in self.sheets):
            raise refuse(
                self.path,
                "the workbook is empty (no sheet has any cells)",
                "fill in the ICO template, or export a record with "
                "'ropagraph export ropa RECORD --format xlsx'",
            )
        main = None
        for sheet in self.sheets:
            header = find_header(sheet)
            if header is not None:
                main = (sheet, *header)
                break
        if main is None:
            raise refuse(
                self.path,
                "no sheet has the ICO template headings "
                f"(looked for '{H_PURPOSE}' and at least {MIN_HEADINGS - 1} more, "
                f"such as '{H_SUBJECTS}' and '{H_CATEGORIES}')",
                "use the ICO 'Documentation template for controllers' layout; headings may be "
                "in any row",
            )
        sheet, header_index, columns = main
        self._read_provenance()
        self._read_recipients_sheet()
        controller = self._controller(sheet, header_index)
        data_rows = self._read_table(sheet, header_index, columns, linking=False)
        for other in self.sheets:
            found = find_header(other) if other is not sheet else None
            if found is not None and H_P_CATEGORIES in found[1] and H_PURPOSE not in found[1]:
                self._read_table(other, *found, linking=True)
        if data_rows == 0:
            raise RecordInvalid(
                [
                    Problem(
                        str(self.path),
                        f"no processing activities below the header row {header_index + 1}",
                        sheet=sheet.title,
                        line=header_index + 1,
                        suggestion="add one row per processing activity under the headings",
                    )
                ]
            )
        return {
            "record": {
                "id": slugify(self.path.stem),
                "name": f"{controller['name']} record of processing (imported from {self.file})",
                "source_documents": [self.file],
                "ref": self.file,
                "import_notes": [n.model_dump(exclude_none=True) for n in self.import_notes],
            },
            "controller": controller,
            "activities": self.activities,
            "data_categories": self.categories.elements(self.file),
            "data_subjects": self.subjects.elements(self.file),
            "sources": self.sources.elements(self.file),
            "recipients": self._recipient_list(),
            "systems": self.systems.elements(self.file),
            "security_measures": self.measures.elements(self.file),
            "retention_rules": self.retention.elements(self.file),
            "controllers_served": self.served.elements(),
        }

    def _read_table(
        self, sheet: Sheet, header_index: int, columns: dict[str, int], *, linking: bool
    ) -> int:
        """Read the activity rows under a header; the number of non-empty rows.

        A processor-layout table (Art 30(2)) makes processor activities; with ``linking`` (a
        processor sheet beside the main table) a row about an activity already read only adds
        the controller it is carried out for.
        """
        processor = H_P_CATEGORIES in columns and H_PURPOSE not in columns
        unknown = unknown_columns(sheet.rows[header_index], columns)
        data_rows = 0
        for index in range(header_index + 1, len(sheet.rows)):
            cells = {h: sheet.cell(index, c) for h, c in columns.items()}
            if not any(cells.values()):
                continue
            data_rows += 1
            row = _Row(sheet.title, index + 1, cells, columns)
            if processor:
                existing = existing_activity(self, row) if linking else None
                if existing is not None:
                    link_processor_row(self, self.served, row, existing)
                    continue
                row = as_purpose_row(row)
            before = len(self.activities)
            self._activity(row)
            if len(self.activities) > before:
                apply_extras(self, self.activities[-1], row, unknown, sheet.rows)
                if processor:
                    link_processor_row(self, self.served, row, self.activities[-1])
        return data_rows

    # ------------------------------------------------------------------ our own extra sheets

    def _read_provenance(self) -> None:
        for sheet in self.sheets:
            table = find_table(sheet, PROVENANCE_HEADINGS)
            if table is None:
                continue
            self.lines_only = True
            index, cols = table
            for r in range(index + 1, len(sheet.rows)):
                number = sheet.cell(r, cols["Row"])
                if not number.isdigit():
                    continue
                self.provenance[int(number)] = _Provenance(
                    activity_id=sheet.cell(r, cols["Activity id"]),
                    name=sheet.cell(r, cols["Processing activity"]),
                    role=sheet.cell(r, cols["Role"]),
                    first_purpose=sheet.cell(r, cols["First purpose"]),
                    source=sheet.cell(r, cols["Source"]),
                )
            return

    def _read_recipients_sheet(self) -> None:
        for sheet in self.sheets:
            table = find_table(sheet, ("Recipient", "Kind"))
            if table is None:
                continue
            index, _ = table
            wanted = {normalise(h): h for h in RECIPIENT_HEADINGS}
            cols = {
                wanted[normalise(t)]: c
                for c, t in enumerate(sheet.rows[index])
                if normalise(t) in wanted
            }
            for r in range(index + 1, len(sheet.rows)):
                cells = {h: sheet.cell(r, c) for h, c in cols.items()}
                if any(cells.values()):
                    self._recipient_sheet_row(_Row(sheet.title, r + 1, cells, cols))
            return

    def _recipient_sheet_row(self, row: _Row) -> None:
        name = row.get("Recipient")
        if not name:
            self.problem(row, "Recipient", "a recipient row without a name", "fill in the name")
            return
        where = f"{row.sheet} row {row.number}"
        element = self._recipient(name, where)
        data = element.data
        key = same_name(name)
        if key not in self.described:
            self.described.add(key)
            kind = self._kind(row)
            if kind is not None:
                data["kind"] = kind.value
            data["category_only"] = normalise(row.get("Named organisation or category")) == (
                CATEGORY_ONLY
            )
            if row.get("Country"):
                data["country"] = self._country(row, "Country", row.get("Country"))
            if row.get("Contract reference"):
                data["contract_ref"] = row.get("Contract reference")
            if row.get("Source"):
                data["note"] = f"Source (as exported): {row.get('Source')}"
        mechanism_text = row.get("Transfer mechanism")
        if mechanism_text:
            mechanism = parse_mechanism(mechanism_text)
            if mechanism is None:
                self.problem(
                    row,
                    "Transfer mechanism",
                    f"'{mechanism_text}' is not a transfer mechanism ropagraph recognises",
                    "use e.g. 'International Data Transfer Agreement (IDTA)', 'EU Standard "
                    "Contractual Clauses', 'Adequacy', 'Binding Corporate Rules'",
                )
                return
            transfer: dict[str, Any] = {"mechanism": mechanism.value, "ref": self._at(where)}
            if row.get("Transfer to"):
                transfer["country"] = self._country(row, "Transfer to", row.get("Transfer to"))
            if row.get("Mechanism as stated"):
                transfer["stated_as"] = row.get("Mechanism as stated")
            certified = parse_yes_no(row.get("Certification recorded"))
            if certified is not None:
                transfer["certified"] = certified
            if row.get("Derogation"):
                transfer["derogation"] = row.get("Derogation")
            self._add_transfer(element, transfer, dedupe=False)

    def _kind(self, row: _Row) -> RecipientKind | None:
        text = row.get("Kind")
        key = normalise(text)
        if key in ("", normalise(ROLE_NOT_STATED), "not stated", "unknown", "unspecified"):
            return RecipientKind.unspecified
        try:
            return RecipientKind(key.replace(" ", "_"))
        except ValueError:
            self.problem(
                row,
                "Kind",
                f"'{text}' is not a recipient kind",
                "use one of: " + ", ".join(k.value.replace("_", " ") for k in RecipientKind),
            )
            return None

    # ------------------------------------------------------------------ the controller block

    def _controller(self, sheet: Sheet, header_index: int) -> dict[str, Any]:
        block = read_block(sheet.rows[:header_index])
        result = build_controller(
            block,
            file=self.file,
            sheet=sheet.title,
            controller_name=self.controller_name,
            country=self.country,
        )
        if "name" in result.missing:
            self.problems.append(
                Problem(
                    str(self.path),
                    "the controller's name is not in the workbook (no controller block above "
                    "the table)",
                    sheet=sheet.title,
                    suggestion="pass --controller-name 'Your Organisation Ltd'",
                )
            )
        if "country" in result.missing:
            self.problems.append(
                Problem(
                    str(self.path),
                    "the controller's country is not in the workbook",
                    sheet=sheet.title,
                    suggestion="pass --country with an ISO code, e.g. --country GB",
                )
            )
        if result.bad_country:
            self.problems.append(
                Problem(
                    str(self.path),
                    f"controller country: {result.bad_country}",
                    sheet=sheet.title,
                    suggestion="pass --country with an ISO code, e.g. --country GB",
                )
            )
        self.import_notes.extend(result.notes)
        for (r, c), text in block.unused:
            if self.lines_only and text.startswith(OWN_TITLES):
                continue  # the title lines of a workbook ropagraph wrote
            self.import_notes.append(
                ImportNote(
                    file=self.file,
                    sheet=sheet.title,
                    row=r + 1,
                    column=get_column_letter(c + 1),
                    text=text,
                    reason="text above the table that is not part of the controller block",
                )
            )
        return result.data


# ----------------------------------------------------------------------------- entry points


def _located(problems: list[Problem], importer: _Importer, exc: ValidationError) -> None:
    """Map pydantic errors back to the workbook row of the activity they are about."""
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = None
        if (
            len(loc) >= 2
            and loc[0] == "activities"
            and isinstance(loc[1], int)
            and loc[1] < len(importer.activity_rows)
        ):
            line = importer.activity_rows[loc[1]]
        problems.append(
            Problem(
                str(importer.path),
                str(error["msg"]).removeprefix("Value error, "),
                line=line,
                field=".".join(str(p) for p in loc),
            )
        )


def read_ico_xlsx(
    path: Path | str,
    *,
    controller_name: str | None = None,
    country: str | None = None,
) -> Record:
    """The record held in an ICO-layout workbook; :class:`RecordInvalid` lists every problem."""
    path = Path(path)
    importer = _Importer(path, read_sheets(path), controller_name, country)
    data = importer.run()
    if importer.problems:
        raise RecordInvalid(importer.problems)
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        problems: list[Problem] = []
        _located(problems, importer, exc)
        raise RecordInvalid(problems) from None
    references = check_references(record)
    if references:
        raise RecordInvalid(
            [
                Problem(str(path), p.message, field=".".join(str(x) for x in p.loc))
                for p in references
            ]
        )
    return record


def record_yaml(record: Record, source: Path) -> str:
    """The imported record as YAML, with a header saying where it came from."""
    data = record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    header = (
        f"# Imported by 'ropagraph import ico-xlsx' from {source.name}.\n"
        "# Each element's ref names the workbook row it came from. Check names, kinds and\n"
        "# lawful bases, then run: ropagraph validate <this folder>\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def import_ico_xlsx(
    path: Path | str,
    out: Path | str,
    *,
    controller_name: str | None = None,
    country: str | None = None,
    force: bool = False,
) -> tuple[Path, Record]:
    """Write the workbook's record to ``out``: a folder holding record.yaml, or a .yaml file.

    Nothing is written unless the whole record validates (and loads back) first; an existing
    output is replaced only as loaders/output.py allows.
    """
    source, target = Path(path), Path(out)
    record = read_ico_xlsx(source, controller_name=controller_name, country=country)
    return write_record(record_yaml(record, source), target, force=force), record
