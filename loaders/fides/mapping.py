"""Mapping Fides systems and privacy declarations onto record elements (see importer.py)."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from fideslang.models import DataResponsibilityTitle, PrivacyDeclaration, System

from graph.interop.fides_vocab import (
    CRIMINAL,
    TaxonomyItem,
    basis_from_fides,
    condition_from_fides,
    key_to_id,
    special_of,
    taxonomy_with,
    tool_from_fides,
)
from graph.model import ActivityRole, ImportNote, TransferMechanismId
from loaders.fides.read import Located, Resources
from loaders.ico.parse import IdAllocator, parse_mechanism, short_name, slugify, split_values

ROLES = {
    DataResponsibilityTitle.CONTROLLER: ActivityRole.controller,
    DataResponsibilityTitle.PROCESSOR: ActivityRole.processor,
    DataResponsibilityTitle.SUB_PROCESSOR: ActivityRole.processor,
}
_DURATION = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
FIDES_USE = "Fides data use: "  # the note line that keeps a declaration's data use key
FIDES_CATEGORY = "Fides data category: "
FIDES_SUBJECT = "Fides data subject: "
FIDES_SYSTEM = "Fides system: "
TRANSFERS_NOTE = "Fides states that this system transfers personal data internationally,"


class Mapper:
    """The record's collections as Fides resources are met, and the notes on what is lost."""

    def __init__(self, resources: Resources) -> None:
        self.taxonomy = taxonomy_with(
            {
                "data_category": resources.data_categories,
                "data_use": resources.data_uses,
                "data_subject": resources.data_subjects,
            }
        )
        self.notes: list[ImportNote] = list(resources.notes)
        self.files = resources.files
        self.ids: dict[str, IdAllocator] = {}
        self.elements: dict[str, dict[str, dict[str, Any]]] = {}
        self.activities: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ helpers

    def note(self, file: str, heading: str, text: str, reason: str) -> None:
        self.notes.append(ImportNote(file=file, heading=heading, text=text, reason=reason))

    def _element(self, collection: str, key: str, wanted_id: str, **data: Any) -> str:
        """One element per key in a collection; its id."""
        elements = self.elements.setdefault(collection, {})
        if key not in elements:
            ids = self.ids.setdefault(collection, IdAllocator())
            elements[key] = {"id": ids.claim(wanted_id), **data}
        return str(elements[key]["id"])

    def _term(self, kind: str, key: str, file: str, where: str) -> TaxonomyItem | None:
        item = self.taxonomy[kind].get(key)
        if item is None:
            self.note(
                file,
                where,
                key,
                f"'{key}' is not a {kind.replace('_', ' ')} of the Fides default taxonomy or of "
                "the input; kept under its key as the name",
            )
        return item

    def _category(self, key: str, file: str, where: str, ref: str) -> str:
        item = self._term("data_category", key, file, where)
        data: dict[str, Any] = {"name": item.name if item else key, "ref": ref}
        if item and item.description:
            data["description"] = item.description
        notes = [f"{FIDES_CATEGORY}{key}"]
        special = special_of(key)
        if special == CRIMINAL:
            data["criminal_offence"] = True
        elif special is not None:
            data["special_category"] = str(special)
            if str(special) == "biometric":
                notes.append(
                    "Special category under Art 9(1) only when processed to identify a person "
                    "uniquely; Fides does not say."
                )
        data["note"] = "\n".join(notes)
        return self._element("data_categories", key, key_to_id(key) or slugify(key), **data)

    def _subject(self, key: str, file: str, where: str, ref: str) -> str:
        item = self._term("data_subject", key, file, where)
        data: dict[str, Any] = {"name": item.name if item else key, "ref": ref}
        if item and item.description:
            data["description"] = item.description
        data["note"] = f"{FIDES_SUBJECT}{key}"
        return self._element("data_subjects", key, key_to_id(key) or slugify(key), **data)

    # ------------------------------------------------------------------ a system

    def system(self, system: System, where: Located) -> None:
        file = where.file
        at = f"system {system.fides_key}"
        ref = f"{file} {at}" + (f" line {where.line}" if where.line else "")
        name = system.name or system.fides_key
        system_notes = [
            f"{FIDES_SYSTEM}{system.fides_key}",
            f"Fides system type: {system.system_type}",
        ]
        for label, value in (
            ("Fides legal name", system.legal_name),
            ("Fides legal address", system.legal_address),
            ("Fides DPO", system.dpo),
            ("Fides privacy policy", system.privacy_policy),
            ("Fides vendor id", system.vendor_id),
            ("Fides datasets", ", ".join(system.dataset_references or [])),
        ):
            if value:
                system_notes.append(f"{label}: {value}")
        flows = [f"Fides egress to {f.type} {f.fides_key}" for f in system.egress or []]
        flows += [f"Fides ingress from {f.type} {f.fides_key}" for f in system.ingress or []]
        system_id = self._element(
            "systems",
            system.fides_key,
            key_to_id(system.fides_key) or slugify(system.fides_key),
            name=name,
            description=system.description,
            ref=ref,
            note="\n".join(system_notes + flows),
        )
        role = self._role(system, file, at)
        shared = self._system_facts(system, file, at, ref)
        for index, declaration in enumerate(system.privacy_declarations):
            self._declaration(system, declaration, index, file, ref, system_id, role, shared)

    def _role(self, system: System, file: str, at: str) -> ActivityRole:
        roles = {ROLES[r] for r in system.responsibility}
        if len(roles) == 1:
            return roles.pop()
        text = ", ".join(r.value for r in system.responsibility) or "none"
        self.note(
            file,
            f"{at}.responsibility",
            text,
            "Fides gives "
            + ("no responsibility" if not roles else "several responsibilities")
            + ": the activities keep the default role, controller; check it",
        )
        return ActivityRole.controller

    def _system_facts(self, system: System, file: str, at: str, ref: str) -> dict[str, Any]:
        """What a system states for all its declarations: measures, transfers, DPIA, profiling."""
        facts: dict[str, Any] = {"recipients": [], "measures": []}
        if system.data_security_practices:
            text = system.data_security_practices
            facts["measures"].append(
                self._element(
                    "security_measures",
                    f"{system.fides_key}:security",
                    slugify(f"{system.fides_key}-security"),
                    name=short_name(text),
                    description=text,
                    ref=f"{ref}, data_security_practices",
                )
            )
        if system.does_international_transfers or system.legal_basis_for_transfers:
            facts["recipients"].append(self._transfers(system, file, at, ref))
        if system.joint_controller_info:
            info = system.joint_controller_info
            first = info.splitlines()[0].split(",")[0].strip() or info
            facts["recipients"].append(
                self._element(
                    "recipients",
                    f"joint:{info}",
                    slugify(first),
                    name=first,
                    kind="joint_controller",
                    ref=f"{ref}, joint_controller_info",
                    note=f"As given in Fides: {info}",
                )
            )
        dpia: dict[str, Any] = {}
        if system.requires_data_protection_assessments:
            dpia["required"] = True
        if system.dpa_progress:
            dpia["status"] = system.dpa_progress
        if system.dpa_location:
            dpia["reference"] = system.dpa_location
        facts["dpia"] = dpia
        if system.uses_profiling:
            bases = ", ".join(b.value for b in system.legal_basis_for_profiling) or "not stated"
            facts["adm"] = f"Profiling (Fides uses_profiling); legal basis for profiling: {bases}"
        facts["function"] = system.administrating_department
        if facts["function"] == "Not defined":
            facts["function"] = None
        return facts

    def _transfers(self, system: System, file: str, at: str, ref: str) -> str:
        transfers = []
        for text in system.legal_basis_for_transfers or ["not stated"]:
            mechanism = tool_from_fides().get(text.casefold()) or parse_mechanism(text)
            transfers.append(
                {
                    "mechanism": (mechanism or TransferMechanismId.not_stated).value,
                    "stated_as": text,
                    "ref": f"{ref}, legal_basis_for_transfers",
                }
            )
        self.note(
            file,
            f"{at}.legal_basis_for_transfers",
            ", ".join(system.legal_basis_for_transfers) or "(none)",
            "Fides records the transfer tools but not the destination country or the recipient: "
            "recorded as transfers by a category of recipient, destination not stated",
        )
        return self._element(
            "recipients",
            f"transfers:{system.fides_key}",
            slugify(f"{system.fides_key}-international-recipients"),
            name=f"Recipients outside the country ({system.name or system.fides_key})",
            kind="unspecified",
            category_only=True,
            transfers=transfers,
            ref=f"{ref}, does_international_transfers",
            note=f"{TRANSFERS_NOTE} but not to whom or to which country.",
        )

    # ------------------------------------------------------------------ a privacy declaration

    def _declaration(
        self,
        system: System,
        declaration: PrivacyDeclaration,
        index: int,
        file: str,
        system_ref: str,
        system_id: str,
        role: ActivityRole,
        shared: dict[str, Any],
    ) -> None:
        at = f"system {system.fides_key}.privacy_declarations[{index}]"
        ref = f"{system_ref}, privacy declaration {index + 1}"
        use = self._term("data_use", declaration.data_use, file, f"{at}.data_use")
        use_name = use.name if use else declaration.data_use
        name = declaration.name or f"{system.name or system.fides_key}: {use_name}"
        notes = [f"{FIDES_USE}{declaration.data_use}"]
        activity: dict[str, Any] = {
            "id": self.ids.setdefault("activities", IdAllocator()).claim(
                slugify(f"{system.fides_key}-{declaration.name or declaration.data_use}")
            ),
            "name": name,
            "role": role.value,
            "purposes": [f"{use_name}: {use.description}" if use and use.description else use_name],
            "systems": [system_id],
            "ref": ref,
        }
        if shared["function"]:
            activity["business_function"] = shared["function"]
        activity["data_categories"] = [
            self._category(k, file, f"{at}.data_categories", ref)
            for k in declaration.data_categories
        ]
        activity["data_subjects"] = [
            self._subject(k, file, f"{at}.data_subjects", ref) for k in declaration.data_subjects
        ]
        if declaration.legal_basis_for_processing is not None:
            basis = basis_from_fides()[declaration.legal_basis_for_processing.value]
            activity["lawful_bases"] = [{"basis": basis.value, "ref": ref}]
        if declaration.special_category_legal_basis is not None:
            condition = condition_from_fides()[declaration.special_category_legal_basis.value]
            activity["special_category_conditions"] = [{"condition": condition.value, "ref": ref}]
        elif declaration.processes_special_category_data:
            notes.append("Fides: processes special category data, no special-category basis given")
        if declaration.retention_period:
            activity["retention"] = [self._retention(declaration.retention_period, ref)]
        recipients = list(shared["recipients"])
        disclosed_categories: list[str] | None = None
        if declaration.shared_categories:
            keys = [k for k in declaration.shared_categories if k in declaration.data_categories]
            for k in declaration.shared_categories:
                if k not in declaration.data_categories:
                    notes.append(f"Fides shared category not among the declaration's: {k}")
            disclosed_categories = [self._category(k, file, at, ref) for k in keys]
        if declaration.third_parties:
            for party in split_values(declaration.third_parties, lines_only=False):
                recipient = self._element(
                    "recipients",
                    f"party:{party.casefold()}",
                    slugify(party),
                    name=party,
                    kind="unspecified",
                    ref=f"{ref}, third_parties",
                    note="Fides does not say whether this third party is a processor or a "
                    "controller.",
                )
                activity.setdefault("recipients", []).append(
                    {"recipient": recipient, "ref": ref}
                    | ({"data_categories": disclosed_categories} if disclosed_categories else {})
                )
        elif declaration.data_shared_with_third_parties:
            notes.append("Fides: data shared with third parties, none named")
        activity.setdefault("recipients", [])
        activity["recipients"] += [{"recipient": r, "ref": system_ref} for r in recipients]
        if shared["measures"]:
            activity["security_measures"] = list(shared["measures"])
        dpia = dict(shared["dpia"])
        if declaration.impact_assessment_location:
            dpia["reference"] = declaration.impact_assessment_location
        if dpia:
            activity["dpia"] = dpia | {"ref": system_ref}
        if shared.get("adm"):
            activity["automated_decision_making"] = shared["adm"]
        for label, values in (
            ("Fides datasets", declaration.dataset_references or []),
            ("Fides egress to", declaration.egress or []),
            ("Fides ingress from", declaration.ingress or []),
            ("Fides features", declaration.features),
        ):
            if values:
                notes.append(f"{label}: {', '.join(values)}")
        activity["note"] = "\n".join(notes)
        self.activities.append({k: v for k, v in activity.items() if v not in ([], None)})

    def _retention(self, text: str, ref: str) -> str:
        data: dict[str, Any] = {"name": short_name(text), "ref": f"{ref}, retention_period"}
        match = _DURATION.match(text)
        if match:
            data["period"] = f"{match.group(1)} {match.group(2).lower()}s"
        else:
            data["criteria"] = text
        return self._element("retention_rules", text.casefold(), slugify(text), **data)

    # ------------------------------------------------------------------ the record

    def record_data(self, source: str, controller: dict[str, Any]) -> dict[str, Any]:
        def values(collection: str) -> list[dict[str, Any]]:
            return [
                {k: v for k, v in e.items() if v is not None}
                for e in self.elements.get(collection, {}).values()
            ]

        return {
            "record": {
                "id": slugify(PurePath(source).stem),
                "name": f"{controller['name']} record of processing (imported from Fides: "
                f"{', '.join(self.files)})",
                "source_documents": self.files,
                "ref": source,
                "import_notes": [n.model_dump(exclude_none=True) for n in self.notes],
            },
            "controller": controller,
            "activities": self.activities,
            **{
                c: values(c)
                for c in (
                    "data_categories",
                    "data_subjects",
                    "recipients",
                    "systems",
                    "security_measures",
                    "retention_rules",
                )
            },
        }
