"""One activity row of an ICO-layout sheet: its purposes, bases, Art 9 conditions, categories,
subjects, recipients, transfers, retention and systems, each becoming record elements with a
``ref`` to the row. What cannot be mapped is reported, never guessed."""

from __future__ import annotations

from typing import Any

from graph.model import (
    ActivityRole,
    LawfulBasisId,
    RecipientKind,
    TransferMechanismId,
)
from graph.ropa.layout import (
    CONSENT_WITHDRAWAL_LABEL,
    CRIMINAL_PREFIX,
    H_ADM,
    H_ART6,
    H_ART6_SPECIAL,
    H_ART9,
    H_BUSINESS_FUNCTION,
    H_CATEGORIES,
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
    H_RIGHTS,
    H_SAFEGUARDS,
    H_SCHEDULE1,
    H_SECURITY,
    H_SOURCE,
    H_SUBJECTS,
    NOT_STATED_COUNTRY,
    SEP,
    STATED_AS_CLOSE,
    STATED_AS_OPEN,
)
from loaders.ico.parse import (
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
    split_lines,
    split_values,
)
from loaders.ico.rows import (
    _COUNTRY_LABEL,
    _DURATION,
    _INTERESTS,
    NOTE_COLUMNS,
    _Element,
    _Row,
    _State,
)


class _ActivityReader(_State):
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
