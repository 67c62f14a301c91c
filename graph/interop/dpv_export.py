"""A record in the W3C Data Privacy Vocabulary (DPV 2.3), with rdflib: ``ropagraph export dpv``.

Each activity is a ``dpv:Process`` with its purposes (``dpv:Purpose``), personal data, data
subjects, legal bases (``eu-gdpr:A6-1-a`` …, Art 9 conditions ``eu-gdpr:A9-2-h`` …), recipients
typed by role (``dpv:DataProcessor``, ``dpv:DataController``, ``dpv:Authority`` …), storage
conditions (retention as ``dpv:StorageDuration``, systems as ``dpv:StorageLocation``), measures
and DPIA. Each transfer (and each disclosure to a recipient located in a third country) is a
``dpv:Transfer`` the activity ``dpv:hasProcess``, with ``dpv:hasRecipient``, ``dpv:hasCountry``,
``dpv:hasThirdCountry`` when the destination is not the controller's country, and the tool as
``dpv:hasLegalBasis``. Every element's ``ref`` is ``dct:source``; its id ``dct:identifier``.

The mapping is reference data (data/reference/dpv_mapping.yaml). UK-only concepts DPV lacks
(IDTA, UK Addendum, recognised legitimate interests, Schedule 1 conditions) and tools no longer
valid live in ropagraph's own namespace (``urn:ropagraph:vocab#``), declared in the export with
their DPV parent and a comment saying they are not DPV concepts. Countries are ropagraph
concepts too (the DPV location extension is not part of the checked DPV 2.3 exports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from graph.model import (
    Activity,
    ActivityRole,
    Person,
    Recipient,
    RecipientKind,
    Record,
    Transfer,
    TransferMechanismId,
    country_name,
)
from graph.reference import ReferenceEntry, entries_in_force, reference

DPV = Namespace("https://w3id.org/dpv#")
EU_GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
PD = Namespace("https://w3id.org/dpv/pd#")
RGV = Namespace("urn:ropagraph:vocab#")
REFERENCE_NAME = "dpv_mapping"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld"}


@cache
def _entries() -> dict[tuple[str, str], ReferenceEntry]:
    return {(str(e.extra("kind")), str(e.extra("ropagraph"))): e for e in reference(REFERENCE_NAME)}


@dataclass
class DpvExport:
    graph: Graph
    lossy: list[str] = field(default_factory=list)

    def serialize(self, fmt: str) -> str:
        if fmt not in FORMATS:
            raise ValueError(f"format '{fmt}' is not one of: {', '.join(FORMATS)}")
        return str(self.graph.serialize(format=FORMATS[fmt]))


class _Exporter:
    def __init__(self, record: Record, as_of: dt.date) -> None:
        self.record = record
        self.as_of = as_of
        self.g = Graph()
        for prefix, ns in (("dpv", DPV), ("eu-gdpr", EU_GDPR), ("pd", PD), ("rgv", RGV)):
            self.g.bind(prefix, ns)
        self.g.bind("dct", DCTERMS)
        self.base = Namespace(f"urn:ropagraph:record:{record.record.id}:")
        self.lossy: list[str] = []
        self.declared: set[str] = set()

    # ------------------------------------------------------------------ helpers

    def node(self, kind: str, element_id: str) -> URIRef:
        return self.base[f"{kind}/{element_id}"]

    def describe(
        self, node: URIRef, label: str, ref: str | None, note: str | None = None, ident: str = ""
    ) -> None:
        self.g.add((node, RDFS.label, Literal(label)))
        if ident:
            self.g.add((node, DCTERMS.identifier, Literal(ident)))
        if ref:
            self.g.add((node, DCTERMS.source, Literal(ref)))
        if note:
            self.g.add((node, RDFS.comment, Literal(note)))

    def concept(self, kind: str, value: str) -> URIRef | None:
        """The DPV concept (or our own, declared once) for a vocabulary value."""
        entry = _entries().get((kind, value))
        if entry is None:
            return None
        iri = entry.extra("iri")
        if iri:
            return URIRef(str(iri))
        local = str(entry.extra("ours"))
        concept = RGV[local]
        if local not in self.declared:
            self.declared.add(local)
            broader = URIRef(str(entry.extra("broader")))
            for triple in (
                (concept, RDF.type, RDFS.Class),
                (concept, RDF.type, SKOS.Concept),
                (concept, RDFS.subClassOf, broader),
                (concept, SKOS.broader, broader),
                (concept, RDFS.label, Literal(str(entry.extra("label")))),
                (
                    concept,
                    RDFS.comment,
                    Literal(
                        "Not a DPV concept: ropagraph's own, for a UK or historical concept DPV "
                        "2.3 does not define."
                    ),
                ),
                (concept, DCTERMS.source, URIRef(entry.source)),
            ):
                self.g.add(triple)
        return concept

    def country(self, code: str) -> URIRef:
        node = RGV[f"country-{code}"]
        self.g.add((node, RDF.type, DPV.Country))
        self.g.add((node, RDFS.label, Literal(country_name(code))))
        self.g.add((node, RGV.isoCode, Literal(code)))
        return node

    def person(self, person: Person, kind: URIRef, key: str) -> URIRef:
        node = self.base[f"controller/{key}"]
        self.g.add((node, RDF.type, kind))
        self.g.add((node, DPV.hasName, Literal(person.name)))
        self.describe(node, person.name, person.ref, person.note)
        self.contact(node, person.contact)
        return node

    def contact(self, node: URIRef, contact: object) -> None:
        if contact is None:
            return
        address = getattr(contact, "address", None)
        if address:
            self.g.add((node, DPV.hasAddress, Literal(address)))
        for attr in ("email", "phone", "website"):
            value = getattr(contact, attr, None)
            if value:
                self.g.add((node, DPV.hasContact, Literal(value)))

    # ------------------------------------------------------------------ the parties

    def applicable_law(self, node: URIRef) -> None:
        """dpv:hasApplicableLaw: the law of the controller's regime on the export date."""
        code = self.record.controller.country
        regimes = [
            str(e.extra("regime"))
            for e in entries_in_force("jurisdictions", self.as_of)
            if code in (e.extra("countries") or [])
        ]
        for entry in reference(REFERENCE_NAME):
            if entry.extra("kind") == "applicable_law" and entry.extra("ropagraph") in regimes:
                self.g.add((node, DPV.hasApplicableLaw, URIRef(str(entry.extra("iri")))))

    def controller(self) -> URIRef:
        c = self.record.controller
        node = self.node("controller", c.id)
        self.g.add((node, RDF.type, DPV.DataController))
        self.applicable_law(node)
        self.g.add((node, DPV.hasName, Literal(c.name)))
        self.g.add((node, DPV.hasCountry, self.country(c.country)))
        self.describe(node, c.name, c.ref, c.note, c.id)
        self.contact(node, c.contact)
        if c.dpo:
            self.g.add(
                (
                    node,
                    DPV.hasDataProtectionOfficer,
                    self.person(c.dpo, DPV.DataProtectionOfficer, "dpo"),
                )
            )
        if c.representative:
            rep = self.person(c.representative, DPV.Representative, "representative")
            self.g.add((node, DPV.hasRepresentative, rep))
        return node

    def served(self) -> dict[str, URIRef]:
        out = {}
        for s in self.record.controllers_served:
            node = self.node("served-controller", s.id)
            self.g.add((node, RDF.type, DPV.DataController))
            self.g.add((node, DPV.hasName, Literal(s.name)))
            self.describe(node, s.name, s.ref, s.note, s.id)
            self.contact(node, s.contact)
            if s.country:
                self.g.add((node, DPV.hasCountry, self.country(s.country)))
            out[s.id] = node
        return out

    def recipients(self) -> dict[str, URIRef]:
        out = {}
        for r in self.record.recipients:
            node = self.node("recipient", r.id)
            kind = self.concept("recipient_kind", r.kind.value) or DPV.Recipient
            self.g.add((node, RDF.type, kind))
            self.g.add((node, RDF.type, DPV.Recipient))
            self.g.add((node, DPV.hasName, Literal(r.name)))
            self.describe(node, r.name, r.ref, r.note, r.id)
            if r.country:
                self.g.add((node, DPV.hasCountry, self.country(r.country)))
            if r.category_only:
                self.g.add((node, RGV.categoryOnly, Literal(True)))
            if r.contract_ref:
                self.g.add((node, RGV.contractRef, Literal(r.contract_ref)))
            out[r.id] = node
        return out

    # ------------------------------------------------------------------ shared elements

    def elements(self) -> dict[str, dict[str, URIRef]]:
        g, out = self.g, {}
        cats: dict[str, URIRef] = {}
        for c in self.record.data_categories:
            node = self.node("data", c.id)
            g.add((node, RDF.type, DPV.PersonalData))
            special = (
                "criminal_offence"
                if c.criminal_offence
                else (c.special_category.value if c.special_category else None)
            )
            if special:
                g.add((node, RDF.type, DPV.SpecialCategoryPersonalData))
                concept = self.concept("special_category", special)
                if concept is not None:
                    g.add((node, SKOS.broader, concept))
            self.describe(node, c.name, c.ref, c.note, c.id)
            cats[c.id] = node
        out["data"] = cats
        for kind, items, cls in (
            ("subject", self.record.data_subjects, DPV.DataSubject),
            ("source", self.record.sources, DPV.DataSource),
        ):
            out[kind] = {}
            for item in items:
                node = self.node(kind, item.id)
                g.add((node, RDF.type, cls))
                self.describe(node, item.name, item.ref, item.note, item.id)
                out[kind][item.id] = node
        out["measure"] = {}
        for m in self.record.security_measures:
            node = self.node("measure", m.id)
            concept = self.concept("measure_kind", m.kind.value if m.kind else "unspecified")
            g.add((node, RDF.type, concept or DPV.TechnicalOrganisationalMeasure))
            self.describe(node, m.name, m.ref, m.note, m.id)
            out["measure"][m.id] = node
        out["retention"] = {}
        for r in self.record.retention_rules:
            node = self.node("retention", r.id)
            g.add((node, RDF.type, DPV.StorageDuration))
            self.describe(node, r.name, r.ref, r.note, r.id)
            duration = self.base[f"retention/{r.id}/duration"]
            if r.period:
                g.add((duration, RDF.type, DPV.TemporalDuration))
                g.add((duration, RDF.value, Literal(r.period)))
            elif r.vague:
                g.add((duration, RDF.type, DPV.IndeterminateDuration))
            else:
                g.add((duration, RDF.type, DPV.UntilEventDuration))
            if r.criteria:
                g.add((duration, RDFS.comment, Literal(r.criteria)))
            g.add((node, DPV.hasDuration, duration))
            out["retention"][r.id] = node
        out["system"] = {}
        for s in self.record.systems:
            node = self.node("system", s.id)
            g.add((node, RDF.type, DPV.StorageLocation))
            self.describe(node, s.name, s.ref, s.note, s.id)
            if s.location:
                g.add((node, DPV.hasLocation, self.country(s.location)))
            out["system"][s.id] = node
        return out

    # ------------------------------------------------------------------ activities

    def activity(
        self,
        a: Activity,
        controller: URIRef,
        served: dict[str, URIRef],
        recipients: dict[str, URIRef],
        el: dict[str, dict[str, URIRef]],
    ) -> None:
        g = self.g
        node = self.node("activity", a.id)
        g.add((node, RDF.type, DPV.Process))
        self.describe(node, a.name, a.ref, a.note, a.id)
        if a.description:
            g.add((node, DCTERMS.description, Literal(a.description)))
        if a.role is ActivityRole.processor:
            g.add((node, DPV.hasDataProcessor, controller))
            for s in a.on_behalf_of:
                g.add((node, DPV.hasDataController, served[s]))
        else:
            g.add((node, DPV.hasDataController, controller))
        for index, text in enumerate(a.purposes, start=1):
            purpose = self.base[f"activity/{a.id}/purpose/{index}"]
            g.add((purpose, RDF.type, DPV.Purpose))
            g.add((purpose, RDFS.label, Literal(text)))
            g.add((node, DPV.hasPurpose, purpose))
        for prop, kind, ids in (
            (DPV.hasPersonalData, "data", a.data_categories),
            (DPV.hasDataSubject, "subject", a.data_subjects),
            (DPV.hasDataSource, "source", a.sources),
            (DPV.hasTechnicalOrganisationalMeasure, "measure", a.security_measures),
            (DPV.hasStorageCondition, "retention", a.retention),
            (DPV.hasStorageCondition, "system", a.systems),
        ):
            for element_id in ids:
                g.add((node, prop, el[kind][element_id]))
        for claim in a.lawful_bases:
            concept = self.concept("lawful_basis", claim.basis.value)
            if concept is not None:
                g.add((node, DPV.hasLegalBasis, concept))
            if claim.legitimate_interest:
                g.add((node, RGV.legitimateInterest, Literal(claim.legitimate_interest)))
        for index, condition in enumerate(a.special_category_conditions, start=1):
            concept = self.concept("art9_condition", condition.condition.value)
            if concept is not None:
                g.add((node, DPV.hasLegalBasis, concept))
            if condition.dpa_schedule1:
                schedule = self.base[f"activity/{a.id}/schedule1/{index}"]
                g.add(
                    (
                        schedule,
                        RDF.type,
                        self.concept("schedule1", "dpa_schedule1") or DPV.LegalBasis,
                    )
                )
                g.add((schedule, RDFS.label, Literal(condition.dpa_schedule1)))
                g.add((node, DPV.hasLegalBasis, schedule))
        if a.criminal_offence_basis:
            g.add((node, RGV.criminalOffenceBasis, Literal(a.criminal_offence_basis.authority)))
        if a.dpia:
            if a.dpia.required or a.dpia.reference or a.dpia.status:
                dpia = self.base[f"activity/{a.id}/dpia"]
                g.add((dpia, RDF.type, DPV.DPIA))
                if a.dpia.reference:
                    g.add((dpia, RDFS.label, Literal(a.dpia.reference)))
                if a.dpia.status:
                    g.add((dpia, RGV.status, Literal(a.dpia.status)))
                g.add((node, DPV.hasImpactAssessment, dpia))
            if a.dpia.required is not None:
                g.add((node, RGV.dpiaRequired, Literal(a.dpia.required, datatype=XSD.boolean)))
        if a.automated_decision_making:
            g.add((node, DPV.hasProcessing, DPV.AutomatedDecisionMaking))
            g.add((node, RGV.automatedDecisionMaking, Literal(a.automated_decision_making)))
        self.disclosures(a, node, recipients)

    def disclosures(self, a: Activity, node: URIRef, recipients: dict[str, URIRef]) -> None:
        g = self.g
        home = self.record.controller.country
        by_id = {r.id: r for r in self.record.recipients}
        for disclosure in a.recipients:
            recipient = by_id[disclosure.recipient]
            g.add((node, DPV.hasRecipient, recipients[recipient.id]))
            transfers: list[Transfer | None] = list(recipient.transfers) or [None]
            for index, t in enumerate(transfers, start=1):
                destination = (t.country if t else None) or recipient.country
                if t is None and (destination is None or destination == home):
                    continue  # no transfer recorded and none implied by the recipient's place
                tnode = self.base[f"activity/{a.id}/transfer/{recipient.id}/{index}"]
                g.add((tnode, RDF.type, DPV.Transfer))
                g.add((tnode, DPV.hasRecipient, recipients[recipient.id]))
                g.add((node, DPV.hasProcess, tnode))
                if destination:
                    country = self.country(destination)
                    g.add((tnode, DPV.hasCountry, country))
                    if destination != home:
                        g.add((tnode, DPV.hasThirdCountry, country))
                if t is None:
                    g.add(
                        (
                            tnode,
                            RDFS.comment,
                            Literal(
                                "Disclosure to a recipient located in a third country; the "
                                "record states no transfer tool."
                            ),
                        )
                    )
                    continue
                if t.mechanism is not TransferMechanismId.not_stated:
                    concept = self.concept("transfer_tool", t.mechanism.value)
                    if concept is not None:
                        g.add((tnode, DPV.hasLegalBasis, concept))
                g.add((tnode, RGV.transferTool, Literal(t.mechanism.value)))
                if t.stated_as:
                    g.add((tnode, RGV.statedAs, Literal(t.stated_as)))
                if t.derogation:
                    g.add((tnode, RGV.derogation, Literal(t.derogation)))
                if t.ref:
                    g.add((tnode, DCTERMS.source, Literal(t.ref)))

    # ------------------------------------------------------------------ the record

    def run(self) -> DpvExport:
        info = self.record.record
        ropa = self.base["record"]
        self.g.add((ropa, RDF.type, DPV.ROPA))
        self.describe(ropa, info.name, info.ref, info.note, info.id)
        for document in info.source_documents:
            self.g.add((ropa, DCTERMS.source, Literal(document)))
        controller = self.controller()
        served = self.served()
        recipients = self.recipients()
        el = self.elements()
        for a in self.record.activities:
            self.activity(a, controller, served, recipients, el)
            self.g.add((ropa, DPV.hasProcess, self.node("activity", a.id)))
            if any(by.kind is RecipientKind.joint_controller for by in self._recipients(a)):
                self.lossy.append(
                    f"activity '{a.name}': joint controllers are typed dpv:DataController; "
                    "dpv:JointDataControllers groups are not built"
                )
            if a.cookies or a.marketing:
                self.lossy.append(
                    f"activity '{a.name}': cookies and marketing channels (PECR) are not exported"
                )
            if a.consent_withdrawal or a.children:
                self.lossy.append(
                    f"activity '{a.name}': consent withdrawal and children's consent age are "
                    "not exported"
                )
        if self.record.procedures:
            self.lossy.append(
                f"{len(self.record.procedures)} rights and breach procedures are not exported"
            )
        if self.record.record.import_notes:
            self.lossy.append("record.import_notes are not exported")
        return DpvExport(self.g, self.lossy)

    def _recipients(self, a: Activity) -> list[Recipient]:
        by_id = {r.id: r for r in self.record.recipients}
        return [by_id[d.recipient] for d in a.recipients]


def export_dpv(record: Record, *, as_of: dt.date | None = None) -> DpvExport:
    """The record as a DPV graph (rdflib), and what it does not carry.

    ``as_of`` (default today) picks the controller's regime, hence the applicable law.
    """
    return _Exporter(record, as_of or dt.date.today()).run()
