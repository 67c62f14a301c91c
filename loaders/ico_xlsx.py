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

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from graph.atomic import atomic_directory, atomic_path
from graph.model import (
    ActivityRole,
    LawfulBasisId,
    RecipientKind,
    Record,
    TransferMechanismId,
    check_references,
)
from graph.ropa_layout import (
    CATEGORY_ONLY,
    CONSENT_WITHDRAWAL_LABEL,
    CRIMINAL_PREFIX,
    H_ADM,
    H_ART6,
    H_ART6_SPECIAL,
    H_ART9,
    H_BREACH,
    H_BREACH_LINK,
    H_BUSINESS_FUNCTION,
    H_CATEGORIES,
    H_CONSENT_RECORD,
    H_CONTRACT,
    H_COUNTRIES,
    H_DPIA_LINK,
    H_DPIA_PROGRESS,
    H_DPIA_REQUIRED,
    H_JOINT_CONTROLLER,
    H_LI,
    H_LIA,
    H_LOCATION,
    H_PURPOSE,
    H_RECIPIENTS,
    H_RETENTION,
    H_RETENTION_KEPT,
    H_RETENTION_POLICY,
    H_RETENTION_REASONS,
    H_RIGHTS,
    H_SAFEGUARDS,
    H_SCHEDULE1,
    H_SECURITY,
    H_SOURCE,
    H_SUBJECTS,
    NOT_STATED_COUNTRY,
    PARTY_CONTROLLER,
    PARTY_DPO,
    PARTY_REPRESENTATIVE,
    PROVENANCE_HEADINGS,
    RECIPIENT_HEADINGS,
    ROLE_NOT_STATED,
    SEP,
    STATED_AS_CLOSE,
    STATED_AS_OPEN,
)
from loaders.ico_parse import (
    IdAllocator,
    Unrecognised,
    basis_choices,
    condition_choices,
    is_empty_answer,
    normalise,
    parse_basis,
    parse_condition,
    parse_country,
    parse_mechanism,
    parse_yes_no,
    same_name,
    short_name,
    slugify,
    split_lines,
    split_values,
)
from loaders.ico_workbook import (
    MIN_HEADINGS,
    Sheet,
    contact_fields,
    controller_block,
    find_header,
    find_table,
    read_sheets,
    refuse,
    transpose,
)
from loaders.problems import Problem, RecordInvalid
from loaders.yaml_record import load_record

RECORD_FILE = "record.yaml"

# Columns the record model has no field for: kept, word for word, in the activity's note.
NOTE_COLUMNS: tuple[str, ...] = (
    H_CONSENT_RECORD,
    H_BREACH,
    H_BREACH_LINK,
    H_RETENTION_POLICY,
    H_RETENTION_KEPT,
    H_RETENTION_REASONS,
)
_DURATION = re.compile(r"^\s*(\d+\s*(?:day|week|month|year)s?)\s*(?:;\s*(.*))?$", re.IGNORECASE)
_COUNTRY_LABEL = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Z]{2})\)$")
_INTERESTS = (LawfulBasisId.legitimate_interests, LawfulBasisId.recognised_legitimate_interest)


# ----------------------------------------------------------------------------- building the record


@dataclass
class _Element:
    data: dict[str, Any]
    rows: list[str] = field(default_factory=list)


class _Collection:
    """Elements met by name across rows: one element (one id) per distinct name."""

    def __init__(self) -> None:
        self.ids = IdAllocator()
        self.by_key: dict[str, _Element] = {}

    def get(self, key: str, name: str, where: str, **data: Any) -> str:
        element = self.by_key.get(key)
        if element is None:
            element = _Element({"id": self.ids.claim(name), "name": name, **data})
            self.by_key[key] = element
        if where not in element.rows:
            element.rows.append(where)
        return str(element.data["id"])

    def elements(self, file: str) -> list[dict[str, Any]]:
        out = []
        for element in self.by_key.values():
            data = dict(element.data)
            data.setdefault("ref", _ref(file, element.rows))
            out.append(data)
        return out


def _ref(file: str, rows: list[str]) -> str:
    """'kynex.xlsx row 12' or 'kynex.xlsx rows 12, 13, 15'."""
    plain = [r for r in rows if r.isdigit()]
    other = [r for r in rows if not r.isdigit()]
    parts = []
    if plain:
        parts.append(("row " if len(plain) == 1 else "rows ") + ", ".join(plain))
    parts.extend(other)
    return f"{file} {'; '.join(parts)}" if parts else file


@dataclass
class _Provenance:
    activity_id: str
    name: str
    role: str
    first_purpose: str
    source: str


@dataclass
class _Row:
    """One table row: its number, its cells by heading, and where each heading sits."""

    sheet: str
    number: int
    cells: dict[str, str]
    columns: dict[str, int]

    def get(self, heading: str) -> str:
        return self.cells.get(heading, "")


class _Importer:
    def __init__(
        self,
        path: Path,
        sheets: list[Sheet],
        controller_name: str | None,
        country: str | None,
    ) -> None:
        self.path = path
        self.file = path.name
        self.sheets = sheets
        self.controller_name = controller_name
        self.country = country
        self.problems: list[Problem] = []
        self.subjects = _Collection()
        self.categories = _Collection()
        self.sources = _Collection()
        self.measures = _Collection()
        self.systems = _Collection()
        self.retention = _Collection()
        self.recipient_ids = IdAllocator()
        self.recipients: dict[str, _Element] = {}
        self.described: set[str] = set()  # recipients the Recipients sheet describes
        self.transfer_keys: dict[str, set[tuple[str | None, str]]] = {}
        self.activity_ids = IdAllocator()
        self.activities: list[dict[str, Any]] = []
        self.activity_rows: list[int] = []
        self.provenance: dict[int, _Provenance] = {}
        self.lines_only = False

    # ------------------------------------------------------------------ problems

    def problem(
        self,
        row: _Row | None,
        heading: str | None,
        message: str,
        suggestion: str | None = None,
        *,
        sheet: str | None = None,
        line: int | None = None,
    ) -> None:
        column = row.columns.get(heading) if row is not None and heading else None
        self.problems.append(
            Problem(
                file=str(self.path),
                message=message,
                line=row.number if row is not None else line,
                column=column + 1 if column is not None else None,
                field=(
                    f"{get_column_letter(column + 1)} '{heading}'"
                    if column is not None
                    else heading
                ),
                suggestion=suggestion,
                sheet=row.sheet if row is not None else sheet,
            )
        )

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
        data_rows = 0
        for index in range(header_index + 1, len(sheet.rows)):
            cells = {h: sheet.cell(index, c) for h, c in columns.items()}
            if not any(cells.values()):
                continue
            data_rows += 1
            self._activity(_Row(sheet.title, index + 1, cells, columns))
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
        }

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

    # ------------------------------------------------------------------ helpers

    def _at(self, where: str) -> str:
        return f"{self.file} {where}" if not where.isdigit() else f"{self.file} row {where}"

    def _recipient(self, name: str, where: str) -> _Element:
        key = same_name(name)
        element = self.recipients.get(key)
        if element is None:
            element = _Element(
                {"id": self.recipient_ids.claim(name), "name": name, "kind": "unspecified"}
            )
            self.recipients[key] = element
        if where not in element.rows:
            element.rows.append(where)
        return element

    def _recipient_list(self) -> list[dict[str, Any]]:
        out = []
        for element in self.recipients.values():
            data = dict(element.data)
            data["ref"] = _ref(self.file, element.rows)
            out.append(data)
        return out

    def _effective_country(self, element: _Element, transfer: dict[str, Any]) -> str | None:
        country = transfer.get("country") or element.data.get("country")
        return str(country) if country else None

    def _add_transfer(self, element: _Element, transfer: dict[str, Any], *, dedupe: bool) -> None:
        keys = self.transfer_keys.setdefault(str(element.data["id"]), set())
        key = (self._effective_country(element, transfer), str(transfer["mechanism"]))
        if dedupe and key in keys:
            return
        keys.add(key)
        element.data.setdefault("transfers", []).append(transfer)

    def _country(self, row: _Row, heading: str, text: str) -> str | None:
        try:
            return parse_country(text)
        except Unrecognised as exc:
            self.problem(
                row, heading, str(exc), "write a country name or ISO code, e.g. 'US' or 'Germany'"
            )
            return None

    def _values(self, row: _Row, heading: str) -> list[str]:
        """A multi-valued cell's values; 'N/A', 'None', '-' in a hand-kept sheet mean none."""
        values = split_values(row.get(heading), lines_only=self.lines_only)
        return values if self.lines_only else [v for v in values if not is_empty_answer(v)]

    def _lines(self, row: _Row, heading: str) -> list[str]:
        """A cell's lines (text values that may hold commas); 'N/A' lines dropped likewise."""
        lines = split_lines(row.get(heading))
        return lines if self.lines_only else [v for v in lines if not is_empty_answer(v)]

    # ------------------------------------------------------------------ the controller block

    def _controller(self, sheet: Sheet, header_index: int) -> dict[str, Any]:
        grid = sheet.rows[:header_index]
        parties = controller_block(grid, transposed=False) or controller_block(
            transpose(grid), transposed=True
        )
        controller = parties.get(PARTY_CONTROLLER, ({}, ""))
        fields, where = controller
        name = self.controller_name or fields.get("name")
        country_text = self.country or fields.get("country")
        if not name:
            self.problems.append(
                Problem(
                    str(self.path),
                    "the controller's name is not in the workbook (no controller block above "
                    "the table)",
                    sheet=sheet.title,
                    suggestion="pass --controller-name 'Your Organisation Ltd'",
                )
            )
        country: str | None = None
        if not country_text:
            self.problems.append(
                Problem(
                    str(self.path),
                    "the controller's country is not in the workbook",
                    sheet=sheet.title,
                    suggestion="pass --country with an ISO code, e.g. --country GB",
                )
            )
        else:
            try:
                country = parse_country(country_text)
            except Unrecognised as exc:
                self.problems.append(
                    Problem(
                        str(self.path),
                        f"controller country: {exc}",
                        sheet=sheet.title,
                        suggestion="pass --country with an ISO code, e.g. --country GB",
                    )
                )
        data: dict[str, Any] = {
            "id": slugify(name or "controller"),
            "name": name or "controller",
            "country": country or "GB",  # only reached with a problem already recorded
            "ref": f"{self.file} {where}".strip() if where else self.file,
        }
        contact = contact_fields(fields)
        if contact:
            data["contact"] = contact
        for role, key in ((PARTY_DPO, "dpo"), (PARTY_REPRESENTATIVE, "representative")):
            if role not in parties:
                continue
            person_fields, person_where = parties[role]
            person: dict[str, Any] = {"ref": f"{self.file} {person_where}"}
            if person_fields.get("name"):
                person["name"] = person_fields["name"]
            else:
                person["name"] = role
                person["note"] = "The workbook gives no name, only contact details."
            person_contact = contact_fields(person_fields)
            if person_contact:
                person["contact"] = person_contact
            if person_fields.get("name") or person_contact:
                data[key] = person
        return data

    # ------------------------------------------------------------------ one activity row

    def _activity(self, row: _Row) -> None:
        where = str(row.number)
        ref = f"{self.file} row {row.number}"
        purposes = split_lines(row.get(H_PURPOSE))
        if not purposes:
            self.problem(
                row,
                H_PURPOSE,
                "this row has no purpose of processing",
                "fill in the purpose, or delete the row",
            )
            return
        provenance = self.provenance.get(row.number)
        if provenance and same_name(provenance.first_purpose) != same_name(purposes[0]):
            provenance = None  # rows were re-sorted after export: don't trust the mapping
        name = provenance.name if provenance and provenance.name else short_name(purposes[0])
        activity: dict[str, Any] = {
            "id": self.activity_ids.claim(
                provenance.activity_id if provenance and provenance.activity_id else name
            ),
            "name": name,
            "purposes": purposes,
            "ref": ref,
        }
        notes: list[str] = []
        if provenance and provenance.role:
            try:
                activity["role"] = ActivityRole(provenance.role).value
            except ValueError:
                notes.append(f"Role as exported: {provenance.role}")
        if provenance and provenance.source:
            notes.append(f"Source (as exported): {provenance.source}")
        if row.get(H_BUSINESS_FUNCTION):
            activity["business_function"] = row.get(H_BUSINESS_FUNCTION)

        activity["data_subjects"] = [
            self.subjects.get(same_name(v), v, where) for v in self._values(row, H_SUBJECTS)
        ]
        activity["data_categories"] = [
            self.categories.get(same_name(v), v, where) for v in self._values(row, H_CATEGORIES)
        ]
        activity["sources"] = [
            self.sources.get(same_name(v), v, where, kind="unspecified")
            for v in self._values(row, H_SOURCE)
        ]
        activity["security_measures"] = [
            self.measures.get(same_name(v), v, where) for v in self._values(row, H_SECURITY)
        ]
        activity["retention"] = [
            self._retention_rule(line, where) for line in self._lines(row, H_RETENTION)
        ]
        activity["systems"] = [
            self._system(row, line, where) for line in self._values(row, H_LOCATION)
        ]
        disclosed = self._disclosures(row, activity, where, ref)
        self._transfers(row, disclosed, activity, where, ref)
        self._contracts(row, disclosed, notes)
        self._bases(row, activity, ref)
        self._conditions(row, activity, ref, notes)

        adm = row.get(H_ADM)
        if adm and not is_empty_answer(adm):
            activity["automated_decision_making"] = adm
        dpia: dict[str, Any] = {}
        required_text = row.get(H_DPIA_REQUIRED)
        if required_text:
            required = parse_yes_no(required_text)
            if required is None:
                self.problem(
                    row, H_DPIA_REQUIRED, f"'{required_text}' is not yes or no", "write Yes or No"
                )
            else:
                dpia["required"] = required
        if row.get(H_DPIA_PROGRESS):
            dpia["status"] = row.get(H_DPIA_PROGRESS)
        if row.get(H_DPIA_LINK):
            dpia["reference"] = row.get(H_DPIA_LINK)
        if dpia:
            dpia["ref"] = ref
            activity["dpia"] = dpia
        self._withdrawal(row, activity, ref, notes)
        for heading in NOTE_COLUMNS:
            if row.get(heading):
                notes.append(f"{heading}: {row.get(heading)}")
        if notes:
            activity["note"] = "\n".join(notes)
        self.activities.append({k: v for k, v in activity.items() if v != []})
        self.activity_rows.append(row.number)

    def _withdrawal(self, row: _Row, activity: dict[str, Any], ref: str, notes: list[str]) -> None:
        """The rights column: ropagraph derives it from procedures, so only withdrawal returns.

        In a hand-kept sheet the column is free text about rights: kept in the note.
        """
        text = row.get(H_RIGHTS)
        if not text:
            return
        if not self.lines_only:
            notes.append(f"{H_RIGHTS}: {text}")
            return
        prefix = f"{CONSENT_WITHDRAWAL_LABEL}: "
        for line in split_lines(text):
            if line.startswith(prefix):
                activity["consent_withdrawal"] = {"mechanism": line[len(prefix) :], "ref": ref}

    def _retention_rule(self, line: str, where: str) -> str:
        """'Name: 6 years; criteria' as we write it; a bare '6 years' is its own period."""
        name, sep, detail = line.partition(": ")
        data: dict[str, Any] = {}
        if sep:
            match = _DURATION.match(detail)
            if match:
                data["period"] = match.group(1)
                if match.group(2):
                    data["criteria"] = match.group(2)
            else:
                data["criteria"] = detail
        else:
            match = _DURATION.match(line)
            if match and not match.group(2):
                data["period"] = match.group(1)
        return self.retention.get(same_name(line), name, where, **data)

    def _system(self, row: _Row, line: str, where: str) -> str:
        """'Name — Country (CC)' as we write it; a hand-typed 'UK' is a place named as such."""
        name, sep, place = line.rpartition(SEP)
        if sep and _COUNTRY_LABEL.match(place):
            location = self._country(row, H_LOCATION, place)
            return self.systems.get(same_name(line), name, where, location=location)
        if not self.lines_only:
            try:
                country = parse_country(line)
            except Unrecognised:
                pass
            else:
                return self.systems.get(same_name(line), line, where, location=country)
        return self.systems.get(same_name(line), line, where)

    def _disclosures(
        self, row: _Row, activity: dict[str, Any], where: str, ref: str
    ) -> list[_Element]:
        """Categories of recipients, then joint controllers (named with their contact details)."""
        disclosed: list[_Element] = []
        for name in self._values(row, H_RECIPIENTS):
            element = self._recipient(name, where)
            if element not in disclosed:
                disclosed.append(element)
        for line in split_lines(row.get(H_JOINT_CONTROLLER)):
            name, sep, place = line.rpartition(SEP)
            country = None
            if sep and _COUNTRY_LABEL.match(place):
                country = self._country(row, H_JOINT_CONTROLLER, place)
            elif not self.lines_only and "," in line:
                name = line.split(",", 1)[0].strip()  # "Acme Ltd, 1 High St, …": name first
            else:
                name = line
            element = self._recipient(name, where)
            if same_name(name) not in self.described:
                element.data["kind"] = RecipientKind.joint_controller.value
                if country:
                    element.data["country"] = country
                if name != line and not sep:
                    element.data["note"] = f"Contact details as given in the workbook: {line}"
            if element not in disclosed:
                disclosed.append(element)
        activity["recipients"] = [
            {"recipient": element.data["id"], "ref": ref} for element in disclosed
        ]
        return disclosed

    def _by_name_length(self) -> list[_Element]:
        """Recipients, longest name first: 'Acme Cloud: …' must not match 'Acme'."""
        return sorted(self.recipients.values(), key=lambda e: -len(str(e.data["name"])))

    def _contracts(self, row: _Row, disclosed: list[_Element], notes: list[str]) -> None:
        for line in self._lines(row, H_CONTRACT):
            target: _Element | None = None
            contract = line
            for element in self._by_name_length():
                prefix = f"{element.data['name']}: "
                if line[: len(prefix)].casefold() == prefix.casefold():
                    target, contract = element, line[len(prefix) :].strip()
                    break
            if target is None and len(disclosed) == 1:
                target = disclosed[0]
            if target is None:
                notes.append(f"{H_CONTRACT}: {line}")
                continue
            existing = target.data.get("contract_ref")
            if existing and existing != contract:
                self.problem(
                    row,
                    H_CONTRACT,
                    f"contract for '{target.data['name']}' is '{contract}' here but "
                    f"'{existing}' elsewhere",
                    "give each recipient one contract reference",
                )
            else:
                target.data["contract_ref"] = contract

    def _transfers(
        self,
        row: _Row,
        disclosed: list[_Element],
        activity: dict[str, Any],
        where: str,
        ref: str,
    ) -> None:
        structured: list[tuple[_Element, str | None, str, str | None]] = []
        free: list[str] = []
        for line in self._lines(row, H_SAFEGUARDS):
            parsed = self._structured_safeguard(row, line)
            if parsed is None:
                free.append(line)
            else:
                structured.append(parsed)
        covered = {(id(e), country) for e, country, _, _ in structured}
        for element, country, mechanism, stated_as in structured:
            transfer: dict[str, Any] = {"mechanism": mechanism, "ref": ref}
            if country and country != element.data.get("country"):
                transfer["country"] = country
            if stated_as:
                transfer["stated_as"] = stated_as
            self._add_transfer(element, transfer, dedupe=True)

        destinations: list[tuple[str | None, _Element | None]] = []
        for line in self._country_lines(row):
            left, sep, right = line.partition(SEP)
            who = self.recipients.get(same_name(right)) if sep else None
            place = left if sep else line
            country = (
                None
                if normalise(place) == normalise(NOT_STATED_COUNTRY)
                else self._country(row, H_COUNTRIES, place)
            )
            if who is not None and (id(who), country) in covered:
                continue
            destinations.append((country, who))
        if not destinations:
            if free and not structured:
                self.problem(
                    row,
                    H_SAFEGUARDS,
                    "safeguards are given but no third country",
                    f"name the destination in '{H_COUNTRIES}'",
                )
            return
        for index, (country, who) in enumerate(destinations):
            if who is None:
                who = disclosed[0] if len(disclosed) == 1 else self._unnamed(country, where)
                if who not in disclosed:
                    disclosed.append(who)
                    activity["recipients"].append({"recipient": who.data["id"], "ref": ref})
            if len(free) == 1:
                safeguard: str | None = free[0]
            elif len(free) == len(destinations):
                safeguard = free[index]
            else:
                safeguard = "; ".join(free) or None
            tool = parse_mechanism(safeguard) if safeguard else None
            transfer = {
                "mechanism": (tool or TransferMechanismId.not_stated).value,
                "ref": ref,
            }
            if country:
                transfer["country"] = country
            if safeguard:
                transfer["stated_as"] = safeguard
            self._add_transfer(who, transfer, dedupe=True)

    def _country_lines(self, row: _Row) -> list[str]:
        if self.lines_only:
            return split_lines(row.get(H_COUNTRIES))
        return [
            part
            for line in self._lines(row, H_COUNTRIES)
            for part in (split_values(line, lines_only=False) if SEP not in line else [line])
        ]

    def _structured_safeguard(
        self, row: _Row, line: str
    ) -> tuple[_Element, str | None, str, str | None] | None:
        """'MailChimp (United States (US)): EU-US Privacy Shield (stated as “…”)' as we write it."""
        for element in self._by_name_length():
            name = str(element.data["name"])
            if not line.startswith(name + " ("):
                continue
            rest = line[len(name) + 2 :]
            where_text, sep, mechanism_text = rest.partition("): ")
            if not sep:
                continue
            if where_text == NOT_STATED_COUNTRY:
                country = None
            elif _COUNTRY_LABEL.match(where_text):
                country = self._country(row, H_SAFEGUARDS, where_text)
            else:
                continue
            stated_as = None
            if mechanism_text.endswith(STATED_AS_CLOSE) and STATED_AS_OPEN in mechanism_text:
                at = mechanism_text.index(STATED_AS_OPEN)
                stated_as = mechanism_text[at + len(STATED_AS_OPEN) : -len(STATED_AS_CLOSE)]
                mechanism_text = mechanism_text[:at]
            mechanism = parse_mechanism(mechanism_text)
            if mechanism is None:
                return None
            return element, country, mechanism.value, stated_as
        return None

    def _unnamed(self, country: str | None, where: str) -> _Element:
        """A transfer the sheet names without a recipient: recorded as a category of recipient."""
        from graph.model import country_name

        label = country_name(country) if country else "an unstated country"
        element = self._recipient(f"Recipients in {label}", where)
        element.data["category_only"] = True
        element.data["note"] = (
            "Created by the import: the workbook names a transfer without saying which recipient "
            "receives the data."
        )
        return element

    def _bases(self, row: _Row, activity: dict[str, Any], ref: str) -> None:
        claims: list[dict[str, Any]] = []
        seen: set[str] = set()
        for heading in (H_ART6, H_ART6_SPECIAL):
            for text in self._values(row, heading):
                try:
                    basis = parse_basis(text)
                except Unrecognised as exc:
                    self.problem(row, heading, str(exc), f"write one of: {basis_choices()}")
                    continue
                if basis.value not in seen:
                    seen.add(basis.value)
                    claims.append({"basis": basis.value, "ref": ref})
        interests = [c for c in claims if LawfulBasisId(c["basis"]) in _INTERESTS]
        for heading, key in ((H_LI, "legitimate_interest"), (H_LIA, "lia_ref")):
            lines = self._lines(row, heading)
            if not lines:
                continue
            targets = interests if key == "legitimate_interest" else interests or claims
            if not targets:
                self.problem(
                    row,
                    heading,
                    "legitimate interests are described but the Article 6 column names no "
                    "legitimate interests basis",
                    "add 'Legitimate interests' to the Article 6 lawful basis column",
                )
                continue
            if len(lines) == len(targets):
                for claim, line in zip(targets, lines, strict=True):
                    claim[key] = line
            else:
                targets[0][key] = "\n".join(lines)
        activity["lawful_bases"] = claims

    def _conditions(self, row: _Row, activity: dict[str, Any], ref: str, notes: list[str]) -> None:
        conditions: list[dict[str, Any]] = []
        for text in self._values(row, H_ART9):
            try:
                condition = parse_condition(text)
            except Unrecognised as exc:
                self.problem(row, H_ART9, str(exc), f"write one of: {condition_choices()}")
                continue
            if all(c["condition"] != condition.value for c in conditions):
                conditions.append({"condition": condition.value, "ref": ref})
        for line in self._lines(row, H_SCHEDULE1):
            if line.startswith(CRIMINAL_PREFIX):
                authority, sep, schedule = line[len(CRIMINAL_PREFIX) :].rpartition(SEP)
                criminal: dict[str, Any] = {"authority": authority if sep else schedule}
                if sep:
                    criminal["dpa_schedule1"] = schedule
                criminal["ref"] = ref
                activity["criminal_offence_basis"] = criminal
                continue
            prefix, sep, value = line.partition(": ")
            target = None
            if sep:
                try:
                    wanted = parse_condition(prefix).value
                    target = next((c for c in conditions if c["condition"] == wanted), None)
                except Unrecognised:
                    target = None
            if target is not None:
                target["dpa_schedule1"] = value
            elif len(conditions) == 1:
                conditions[0]["dpa_schedule1"] = line
            else:
                notes.append(f"{H_SCHEDULE1}: {line}")
        activity["special_category_conditions"] = conditions


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


class OutputExists(Exception):
    """The output already exists and may hold someone's work: refuse instead of replacing."""


def import_ico_xlsx(
    path: Path | str,
    out: Path | str,
    *,
    controller_name: str | None = None,
    country: str | None = None,
    force: bool = False,
) -> tuple[Path, Record]:
    """Write the workbook's record to ``out``: a folder holding record.yaml, or a .yaml file.

    Nothing is written unless the whole record validates (and loads back) first. An existing
    output is replaced only with ``force``, and a folder only if it holds nothing but a
    record.yaml from an earlier import: a typo in --out must never delete someone's files.
    """
    source, target = Path(path), Path(out)
    record = read_ico_xlsx(source, controller_name=controller_name, country=country)
    text = record_yaml(record, source)
    single_file = target.suffix.lower() in (".yaml", ".yml")
    if target.exists():
        if single_file or target.is_file():
            if not force:
                raise OutputExists(f"{target} exists: pass --force to replace it")
            if target.is_dir():
                raise OutputExists(f"{target} is a folder; give a .yaml file name")
        else:
            contents = sorted(p.name for p in target.iterdir())
            if contents and contents != [RECORD_FILE]:
                raise OutputExists(
                    f"{target} is a folder with other files ({', '.join(contents[:5])}): "
                    "choose a new or empty folder"
                )
            if contents and not force:
                raise OutputExists(f"{target} already holds a {RECORD_FILE}: pass --force")
    if single_file:
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
            load_record(tmp)
    else:
        with atomic_directory(target) as tmp:
            (tmp / RECORD_FILE).write_text(text, encoding="utf-8")
            load_record(tmp)
    return target, record
