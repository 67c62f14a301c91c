"""The controller (or, in a processor's workbook, the organisation) from the block above the table.

The block's parties (loaders/ico/block.py) become the record's ``controller`` with its DPO and
representative. The country of establishment is read from a Country label, else from a country
named at the end of the address, else from a UK postcode in the address — and the last two are
said in the controller's note and in the import notes, so the DPO can check them. Nothing else is
inferred: without a name or a country the import asks for ``--controller-name`` / ``--country``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.model import ImportNote
from graph.ropa.layout import PARTY_CONTROLLER, PARTY_DPO, PARTY_REPRESENTATIVE
from loaders.ico.block import Block, Party
from loaders.ico.parse import Unrecognised, parse_country, slugify

UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b")


@dataclass
class ControllerResult:
    data: dict[str, Any]
    missing: list[str] = field(default_factory=list)  # 'name', 'country'
    bad_country: str | None = None
    notes: list[ImportNote] = field(default_factory=list)


def contact_fields(fields: dict[str, str]) -> dict[str, str] | None:
    contact = {k: fields[k] for k in ("address", "email", "phone", "website") if fields.get(k)}
    return contact or None


def _country_from_address(address: str) -> tuple[str, str] | None:
    """(ISO code, how it was found) from the address's last part or a UK postcode."""
    last = address.replace("\n", ",").split(",")[-1].strip()
    if last and not UK_POSTCODE.fullmatch(last.upper()):
        try:
            return parse_country(last), f"the country '{last}' at the end of the address"
        except Unrecognised:
            pass
    postcode = UK_POSTCODE.search(address)
    if postcode:
        return "GB", f"the UK postcode '{postcode.group(1)}' in the address"
    return None


def _split_note(party: Party, label: str) -> str | None:
    if party.free_text is None:
        return None
    return (
        f"{label} read from the single cell {party.where} ('{' '.join(party.free_text.split())}'):"
        " name, address, email and phone were split from it; check them."
    )


def build_controller(
    block: Block,
    *,
    file: str,
    sheet: str,
    controller_name: str | None,
    country: str | None,
) -> ControllerResult:
    """The record's ``controller`` mapping; missing name or country are listed, not invented."""
    party = block.parties.get(PARTY_CONTROLLER, Party({}, ""))
    fields = party.fields
    name = controller_name or fields.get("name")
    result = ControllerResult({})
    if not name:
        result.missing.append("name")
    notes: list[str] = []
    split = _split_note(party, "The controller")
    if split:
        notes.append(split)
    code: str | None = None
    country_text = country or fields.get("country")
    if country_text:
        try:
            code = parse_country(country_text)
        except Unrecognised as exc:
            result.bad_country = str(exc)
    elif fields.get("address"):
        found = _country_from_address(fields["address"])
        if found:
            code, how = found
            notes.append(f"Country {code} inferred from {how}; check it.")
            result.notes.append(
                ImportNote(
                    file=file,
                    sheet=sheet,
                    heading="controller country",
                    text=fields["address"],
                    reason=f"no country given: {code} inferred from {how}",
                )
            )
    if code is None and result.bad_country is None:
        result.missing.append("country")
    data: dict[str, Any] = {
        "id": slugify(name or "controller"),
        "name": name or "controller",
        "country": code or "GB",  # only reached with a problem already recorded
        "ref": f"{file} {party.where}".strip() if party.where else file,
    }
    contact = contact_fields(fields)
    if contact:
        data["contact"] = contact
    for role, key in ((PARTY_DPO, "dpo"), (PARTY_REPRESENTATIVE, "representative")):
        person_party = block.parties.get(role)
        if person_party is None:
            continue
        person_fields = person_party.fields
        person: dict[str, Any] = {"ref": f"{file} {person_party.where}"}
        person_notes = [n for n in [_split_note(person_party, role)] if n]
        if person_fields.get("name"):
            person["name"] = person_fields["name"]
        else:
            person["name"] = role
            person_notes.append("The workbook gives no name, only contact details.")
        person_contact = contact_fields(person_fields)
        if person_contact:
            person["contact"] = person_contact
        if person_notes:
            person["note"] = "\n".join(person_notes)
        if person_fields.get("name") or person_contact:
            data[key] = person
    if notes:
        data["note"] = "\n".join(notes)
    result.data = data
    return result
