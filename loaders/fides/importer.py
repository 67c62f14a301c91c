"""Fides systems (fideslang) into a ropagraph record: ``ropagraph import fides``.

Fides describes processing per *system*: each system has privacy declarations (a data use with
data categories and subjects, a legal basis, retention, third parties) plus system-wide facts
(responsibility, transfers, DPIA, security practices, data flows). Each privacy declaration
becomes an activity of its system; the organization resource becomes the controller with its
DPO and representative. Keys are named from the Fides taxonomy (the fideslang default plus any
custom items in the input), and each element's ``ref`` names the file, resource and line.

What Fides states and the record cannot hold exactly is said, never dropped: each such item
becomes an import note (and, where it concerns an activity, a line of its note). In particular
Fides records *that* a system transfers data internationally and under which tools, but not to
which country: those transfers are recorded with no destination and a note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fideslang.models import Organization
from pydantic import ValidationError

from graph.model import Record, check_references
from loaders.fides.mapping import Mapper
from loaders.fides.read import Located, read_resources
from loaders.ico.block import Block, Party
from loaders.ico.controller import build_controller
from loaders.output import record_text, write_record
from loaders.problems import Problem, RecordInvalid

PARTY_FIELDS = ("name", "address", "email", "phone")


def _party(details: Any, where: str) -> Party | None:
    if details is None:
        return None
    fields = {k: str(getattr(details, k, "") or "").strip() for k in PARTY_FIELDS}
    fields = {k: v for k, v in fields.items() if v}
    return Party(fields, where) if fields else None


def _controller(
    mapper: Mapper,
    organizations: list[tuple[Organization, Located]],
    controller_name: str | None,
    country: str | None,
) -> dict[str, Any]:
    org, where = organizations[0] if organizations else (None, Located("", None))
    if len(organizations) > 1:
        mapper.note(
            where.file,
            "organization",
            ", ".join(o.fides_key for o, _ in organizations[1:]),
            "a record has one controller: the first organization was used",
        )
    block = Block()
    at = ""
    if org is not None:
        at = f"organization {org.fides_key}" + (f" line {where.line}" if where.line else "")
        contact = _party(org.controller, at)
        fields = dict(contact.fields) if contact else {}
        if fields.get("name") and org.name and fields["name"] != org.name:
            mapper.note(
                where.file,
                f"organization {org.fides_key}.controller.name",
                fields["name"],
                "kept in the controller's note: the record names the organization, not a person",
            )
        if org.name:
            fields["name"] = org.name
        block.parties["Controller"] = Party(fields, at)
        for role, details in (
            ("Data Protection Officer", org.data_protection_officer),
            ("Representative", org.representative),
        ):
            party = _party(details, at)
            if party is not None:
                block.parties[role] = party
    result = build_controller(
        block,
        file=where.file or "fides",
        sheet="",
        controller_name=controller_name,
        country=country,
    )
    for note in result.notes:
        mapper.notes.append(note.model_copy(update={"sheet": None}))
    problems = []
    if "name" in result.missing:
        problems.append(
            Problem(
                where.file or "fides",
                "no organization resource names the controller",
                suggestion="add an 'organization' resource, or pass --controller-name",
            )
        )
    if "country" in result.missing or result.bad_country:
        problems.append(
            Problem(
                where.file or "fides",
                result.bad_country
                or "Fides records no country of establishment and none is in the address",
                suggestion="pass --country with an ISO code, e.g. --country GB",
            )
        )
    if problems:
        raise RecordInvalid(problems)
    data = result.data
    if org is not None:
        extra = [org.description or ""]
        if org.controller and org.controller.name and org.controller.name != org.name:
            extra.append(f"Controller contact (Fides): {org.controller.name}")
        if org.security_policy:
            extra.append(f"Security policy: {org.security_policy}")
        lines = [x for x in [data.get("note", ""), *extra] if x]
        if lines:
            data["note"] = "\n".join(lines)
    return data


def read_fides(
    path: Path | str, *, controller_name: str | None = None, country: str | None = None
) -> Record:
    """The record the Fides resources under ``path`` describe; RecordInvalid lists problems."""
    path = Path(path)
    resources = read_resources(path)
    if not resources.systems:
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    "no Fides 'system' resources: nothing to import",
                    suggestion="give the manifest file(s) that hold your systems",
                )
            ]
        )
    mapper = Mapper(resources)
    controller = _controller(mapper, resources.organizations, controller_name, country)
    for system, where in resources.systems:
        mapper.system(system, where)
    data = mapper.record_data(path.name, controller)
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        raise RecordInvalid(
            [
                Problem(
                    str(path),
                    str(e["msg"]).removeprefix("Value error, "),
                    field=".".join(str(p) for p in e["loc"]),
                )
                for e in exc.errors()
            ]
        ) from None
    references = check_references(record)
    if references:
        raise RecordInvalid(
            [
                Problem(str(path), p.message, field=".".join(str(x) for x in p.loc))
                for p in references
            ]
        )
    return record


def import_fides(
    path: Path | str,
    out: Path | str,
    *,
    controller_name: str | None = None,
    country: str | None = None,
    force: bool = False,
) -> tuple[Path, Record]:
    """Write the record to ``out`` (folder with record.yaml, or a .yaml file); validated first."""
    source = Path(path)
    record = read_fides(source, controller_name=controller_name, country=country)
    header = (
        f"Imported by 'ropagraph import fides' from {source.name}.\n"
        "Each element's ref names the Fides file and resource it came from; what Fides could\n"
        "not express in the record is listed in record.import_notes. Then run:\n"
        "ropagraph validate <this folder>"
    )
    return write_record(record_text(record, header), Path(out), force=force), record
