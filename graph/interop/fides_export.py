"""A record as Fides resources (fideslang): ``ropagraph export fides``.

Fides is organised by *system*; the record by *activity*. Each activity becomes a privacy
declaration of its first system (activities with no system go under one system named after the
controller), and the controller becomes the ``organization``. Every resource is built with the
fideslang package's own models, so what we write is what Fides validates.

Where the record is richer than Fides (several lawful bases, transfer destinations, recipient
roles, Schedule 1 conditions, sources, rights procedures, the processor record, …) the export
says so: :class:`FidesExport` carries a ``lossy`` list, one line per thing that did not fit.
Record data categories, subjects and purposes without a Fides taxonomy key are exported as custom
taxonomy items (``user.ropagraph_…``, ``ropagraph_…``) defined in the same file, never forced
onto a default key that would say something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from fideslang.models import (
    ContactDetails,
    DataCategory,
    DataResponsibilityTitle,
    DataSubject,
    DataUse,
    LegalBasisForProcessingEnum,
    Organization,
    PrivacyDeclaration,
    SpecialCategoryLegalBasisEnum,
    System,
)

from graph.interop.fides_vocab import (
    basis_to_fides,
    category_for_special,
    condition_to_fides,
    default_taxonomy,
    id_to_key,
    tool_to_fides,
)
from graph.model import (
    Activity,
    ActivityRole,
    Contact,
    Person,
    RecipientKind,
    Record,
    country_name,
)
from graph.model import (
    DataCategory as RecordCategory,
)

NOTE_USE = "Fides data use: "
NOTE_CATEGORY = "Fides data category: "
NOTE_SUBJECT = "Fides data subject: "
NOTE_SYSTEM = "Fides system: "
NOTE_SYSTEM_TYPE = "Fides system type: "
NOT_RECORDED = "Not recorded"
# The recipient the Fides importer makes for a system's transfers: not a named third party.
TRANSFERS_NOTE = "Fides states that this system transfers personal data internationally,"


@dataclass
class FidesExport:
    """The manifest (resource type -> list of resources) and what could not be expressed."""

    manifest: dict[str, list[dict[str, Any]]]
    lossy: list[str] = field(default_factory=list)

    def yaml(self) -> str:
        header = "".join(f"# lossy: {line}\n" for line in self.lossy)
        body = yaml.safe_dump(self.manifest, sort_keys=False, allow_unicode=True, width=100)
        return "# Written by 'ropagraph export fides'.\n" + header + body


def _from_note(note: str | None, prefix: str) -> str | None:
    for line in (note or "").splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    return None


def _underscored(element_id: str) -> str:
    return element_id.replace("-", "_")


def _rule_text(name: str, rule: str | None) -> str:
    """'6 years' or 'Name: criteria' (the name is not repeated when it is the rule)."""
    if not rule or rule == name:
        return name
    return f"{name}: {rule}"


def _contact(name: str, contact: Contact | None) -> ContactDetails:
    return ContactDetails(
        name=name,
        address=(contact.address or "") if contact else "",
        email=(contact.email or "") if contact else "",
        phone=(contact.phone or "") if contact else "",
    )


def _person(person: Person | None) -> ContactDetails | None:
    return _contact(person.name, person.contact) if person else None


class _Exporter:
    def __init__(self, record: Record) -> None:
        self.record = record
        self.lossy: list[str] = []
        self.defaults = default_taxonomy()
        self.custom: dict[str, dict[str, Any]] = {
            "data_category": {},
            "data_use": {},
            "data_subject": {},
        }
        self.categories = {c.id: c for c in record.data_categories}
        self.subjects = {s.id: s for s in record.data_subjects}
        self.recipients = {r.id: r for r in record.recipients}
        self.systems = {s.id: s for s in record.systems}
        self.measures = {m.id: m for m in record.security_measures}
        self.retention = {r.id: r for r in record.retention_rules}

    # ------------------------------------------------------------------ taxonomy keys

    def _custom(self, kind: str, key: str, name: str, description: str | None) -> None:
        if key in self.defaults[kind] or key in self.custom[kind]:
            return
        parent = key.rsplit(".", 1)[0] if "." in key else None
        model = {"data_category": DataCategory, "data_use": DataUse}.get(kind, DataSubject)
        data: dict[str, Any] = {"fides_key": key, "name": name, "description": description}
        if parent is not None:
            data["parent_key"] = parent
        self.custom[kind][key] = model.model_validate(data).model_dump(
            mode="json", exclude_none=True, exclude_defaults=True
        ) | {"fides_key": key}

    def category_key(self, category: RecordCategory) -> str:
        key = _from_note(category.note, NOTE_CATEGORY) or id_to_key(
            category.id, self.defaults["data_category"]
        )
        if key is None and (category.special_category or category.criminal_offence):
            key = category_for_special(category.special_category, category.criminal_offence)
            if key is not None:
                self.lossy.append(
                    f"data category '{category.name}': exported as the Fides special category "
                    f"key '{key}'; its own name is kept only in ropagraph"
                )
        if key is None:
            key = f"user.ropagraph_{_underscored(category.id)}"
            self.lossy.append(
                f"data category '{category.name}': no Fides taxonomy key; defined as the custom "
                f"category '{key}' (map it to a default one in Fides)"
            )
        self._custom("data_category", key, category.name, category.description)
        return key

    def subject_key(self, subject_id: str) -> str:
        subject = self.subjects[subject_id]
        key = _from_note(subject.note, NOTE_SUBJECT) or id_to_key(
            subject.id, self.defaults["data_subject"]
        )
        if key is None:
            key = f"ropagraph_{_underscored(subject.id)}"
            self.lossy.append(
                f"data subject '{subject.name}': no Fides taxonomy key; defined as the custom "
                f"subject '{key}'"
            )
        self._custom("data_subject", key, subject.name, subject.description)
        return key

    def use_key(self, activity: Activity) -> str:
        key = _from_note(activity.note, NOTE_USE)
        if key is None:
            key = f"ropagraph_{_underscored(activity.id)}"
            self.lossy.append(
                f"activity '{activity.name}': the record states purposes, not a Fides data use; "
                f"defined as the custom data use '{key}' (map it to a default one in Fides)"
            )
        self._custom("data_use", key, activity.name, "; ".join(activity.purposes))
        return key

    # ------------------------------------------------------------------ declarations

    def declaration(self, activity: Activity) -> PrivacyDeclaration:
        name = activity.name
        bases = [c.basis for c in activity.lawful_bases]
        basis = next((basis_to_fides()[b] for b in bases if b in basis_to_fides()), None)
        for b in bases:
            if b not in basis_to_fides():
                self.lossy.append(f"activity '{name}': lawful basis '{b.value}' has no Fides value")
        if len([b for b in bases if b in basis_to_fides()]) > 1:
            self.lossy.append(f"activity '{name}': Fides takes one lawful basis; kept '{basis}'")
        conditions = [c.condition for c in activity.special_category_conditions]
        condition = condition_to_fides().get(conditions[0]) if conditions else None
        if len(conditions) > 1:
            self.lossy.append(f"activity '{name}': Fides takes one Art 9 condition; kept the first")
        if any(c.dpa_schedule1 for c in activity.special_category_conditions):
            self.lossy.append(
                f"activity '{name}': DPA 2018 Schedule 1 conditions have no Fides field"
            )
        if activity.criminal_offence_basis:
            self.lossy.append(f"activity '{name}': the Art 10 basis has no Fides field")
        categories = [self.categories[c] for c in activity.data_categories]
        keys = list(dict.fromkeys(self.category_key(c) for c in categories))
        shared: list[str] = []
        parties: list[str] = []
        for disclosure in activity.recipients:
            recipient = self.recipients[disclosure.recipient]
            if recipient.kind is RecipientKind.joint_controller or (
                recipient.note or ""
            ).startswith(TRANSFERS_NOTE):
                continue
            parties.append(recipient.name)
            ids = disclosure.data_categories or activity.data_categories
            shared += [self.category_key(self.categories[c]) for c in ids]
        rules = [self.retention[r] for r in activity.retention]
        retention = "; ".join(_rule_text(r.name, r.period or r.criteria) for r in rules)
        special = any(c.is_special for c in categories) or bool(conditions)
        data: dict[str, Any] = {
            "name": name,
            "data_use": self.use_key(activity),
            "data_categories": keys,
            "data_subjects": list(
                dict.fromkeys(self.subject_key(s) for s in activity.data_subjects)
            ),
            "legal_basis_for_processing": LegalBasisForProcessingEnum(basis) if basis else None,
            "special_category_legal_basis": (
                SpecialCategoryLegalBasisEnum(condition) if condition else None
            ),
            "processes_special_category_data": special,
            "retention_period": retention or None,
            "impact_assessment_location": activity.dpia.reference if activity.dpia else None,
            "data_shared_with_third_parties": bool(parties),
            "third_parties": "; ".join(dict.fromkeys(parties)) or None,
            "shared_categories": list(dict.fromkeys(shared)),
        }
        return PrivacyDeclaration.model_validate(data)

    # ------------------------------------------------------------------ systems

    def system(self, system_id: str | None, activities: list[Activity]) -> System:
        record = self.record
        if system_id is None:
            key, name, description, note = (
                f"{record.controller.id}-unassigned",
                f"{record.controller.name}: processing with no recorded system",
                None,
                None,
            )
            self.lossy.append(
                f"{len(activities)} activities record no system: exported under the system '{key}'"
            )
        else:
            element = self.systems[system_id]
            key = _from_note(element.note, NOTE_SYSTEM) or element.id
            name, description, note = element.name, element.description, element.note
            if element.location:
                self.lossy.append(
                    f"system '{name}': its location ({country_name(element.location)}) has no "
                    "Fides field"
                )
        roles: set[DataResponsibilityTitle] = set()
        for a in activities:
            if a.role is ActivityRole.processor:
                roles.add(DataResponsibilityTitle.PROCESSOR)
            else:
                roles.add(DataResponsibilityTitle.CONTROLLER)
                if a.role is ActivityRole.joint_controller:
                    self.lossy.append(
                        f"activity '{a.name}': Fides has no joint-controller responsibility; "
                        "exported as Controller"
                    )
        if len(roles) > 1:
            self.lossy.append(
                f"system '{name}': Fides states responsibility per system, so which of its "
                "activities are done as processor is lost"
            )
        functions = list(
            dict.fromkeys(a.business_function for a in activities if a.business_function)
        )
        if len(functions) > 1:
            self.lossy.append(
                f"system '{name}': one administrating department in Fides; kept '{functions[0]}' "
                f"of {', '.join(functions)}"
            )
        tools: list[str] = []
        joint: list[str] = []
        for a in activities:
            for disclosure in a.recipients:
                recipient = self.recipients[disclosure.recipient]
                if recipient.kind is RecipientKind.joint_controller:
                    joint.append(recipient.name)
                for t in recipient.transfers:
                    stated = t.stated_as if t.mechanism.value == "not_stated" else None
                    tools.append(stated or tool_to_fides(t.mechanism))
                    where = t.country or recipient.country
                    if where:
                        self.lossy.append(
                            f"transfer to {recipient.name} in {country_name(where)} "
                            f"({t.mechanism.value}): Fides records the tool, not the recipient "
                            "or the destination"
                        )
        dpias = [a.dpia for a in activities if a.dpia]
        measures = [self.measures[m].name for a in activities for m in a.security_measures]
        adm = [a.automated_decision_making for a in activities if a.automated_decision_making]
        if adm:
            self.lossy.append(
                f"system '{name}': automated decision-making is exported as uses_profiling; its "
                "description and legal basis are not"
            )
        data: dict[str, Any] = {
            "fides_key": key,
            "name": name,
            "description": description,
            "system_type": _from_note(note, NOTE_SYSTEM_TYPE) or NOT_RECORDED,
            "administrating_department": functions[0] if functions else None,
            "responsibility": sorted(roles, key=lambda r: r.value),
            "privacy_declarations": [self.declaration(a) for a in activities],
            "does_international_transfers": bool(tools),
            "legal_basis_for_transfers": list(dict.fromkeys(tools)),
            "requires_data_protection_assessments": any(d.required for d in dpias),
            "dpa_progress": next((d.status for d in dpias if d.status), None),
            "dpa_location": next((d.reference for d in dpias if d.reference), None),
            "data_security_practices": "; ".join(dict.fromkeys(measures)) or None,
            "uses_profiling": bool(adm),
            "uses_cookies": any(a.cookies for a in activities),
            "joint_controller_info": "; ".join(dict.fromkeys(joint)) or None,
        }
        return System.model_validate({k: v for k, v in data.items() if v is not None})

    # ------------------------------------------------------------------ the whole record

    def run(self) -> FidesExport:
        record = self.record
        c = record.controller
        organization = Organization(
            fides_key=c.id,
            name=c.name,
            description=c.description,
            controller=_contact(c.name, c.contact),
            data_protection_officer=_person(c.dpo),
            representative=_person(c.representative),
        )
        self.lossy.append(
            f"controller: Fides has no country of establishment ({country_name(c.country)}); "
            "give --country when importing back unless the address names it"
        )
        groups: dict[str | None, list[Activity]] = {}
        for activity in record.activities:
            groups.setdefault(activity.systems[0] if activity.systems else None, []).append(
                activity
            )
            if len(activity.systems) > 1:
                self.lossy.append(
                    f"activity '{activity.name}': declared on its first system only; "
                    f"{len(activity.systems) - 1} other system(s) not linked"
                )
        systems = [self.system(key, acts) for key, acts in groups.items()]
        if c.pecr:
            self.lossy.append(
                "controller: its PECR facts (sector, PECS, website) have no Fides field"
            )
        for label, count in (
            ("sources", len(record.sources)),
            ("rights and breach procedures", len(record.procedures)),
            ("controllers served (Art 30(2) processor record)", len(record.controllers_served)),
            ("recipient kinds and countries", len(record.recipients)),
        ):
            if count:
                self.lossy.append(f"{count} {label}: no Fides field")
        for a in record.activities:
            if a.cookies or a.marketing:
                self.lossy.append(
                    f"activity '{a.name}': its cookies and marketing channels (PECR) are "
                    "exported only as uses_cookies on the system"
                )
            if a.children or a.consent_withdrawal or a.direct_marketing:
                self.lossy.append(
                    f"activity '{a.name}': children's consent age, consent withdrawal and the "
                    "direct-marketing flag have no Fides field"
                )
        manifest: dict[str, list[dict[str, Any]]] = {
            "organization": [_dump(organization)],
            "system": [_dump(s) for s in systems],
        }
        for kind, items in self.custom.items():
            if items:
                manifest[kind] = list(items.values())
        return FidesExport(manifest, list(dict.fromkeys(self.lossy)))


def _dump(model: Organization | System) -> dict[str, Any]:
    data = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["fides_key"] = model.fides_key
    if isinstance(model, System):
        data["system_type"] = model.system_type
        data["privacy_declarations"] = [
            d.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            | {"data_use": d.data_use, "data_categories": d.data_categories}
            for d in model.privacy_declarations
        ]
    return data


def export_fides(record: Record) -> FidesExport:
    """The record as Fides resources, validated by fideslang, and what could not be carried."""
    return _Exporter(record).run()
