"""Build the property graph (networkx) from a validated record.

Edges point the way personal data moves: sources supply activities, activities disclose to
recipients, recipients transfer under a mechanism. Node keys are ``"Label:id"``; every node has
``label``, ``id`` and ``name``; every edge has ``type``. Property names and types follow
:mod:`graph.schema`, so what this builds can be bulk-loaded into any store without renaming.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import networkx as nx

from graph.build_activity import emit_activity
from graph.gcpause import gc_paused
from graph.model import (
    Activity,
    Art9Condition,
    Contact,
    LawfulBasisId,
    Person,
    Record,
    TransferMechanismId,
    country_name,
)
from graph.reference import reference_by_id
from graph.schema import NODE_SPECS, REL_SPECS
from graph.sink import Sink as Sink  # re-exported: the builder's protocol
from graph.sink import node_key as node_key  # re-exported: used across graph/

Graph: TypeAlias = nx.MultiDiGraph


class _Builder:
    def __init__(self) -> None:
        self.graph: Graph = nx.MultiDiGraph()

    def node(self, label: str, node_id: str, name: str, **props: Any) -> str:
        spec = NODE_SPECS[label]
        unknown = set(props) - set(spec.properties)
        if unknown:  # a programming error: the schema and the builder disagree
            raise KeyError(f"{label} has no properties {sorted(unknown)} in graph.schema")
        key = node_key(label, node_id)
        clean = {k: v for k, v in props.items() if v is not None and v != []}
        self.graph.add_node(key, label=label, id=node_id, name=name, **clean)
        return key

    def edge(self, rel: str, source: str, target: str, **props: Any) -> None:
        spec = REL_SPECS[rel]
        pair = (self.graph.nodes[source]["label"], self.graph.nodes[target]["label"])
        if pair not in spec.endpoints:
            raise KeyError(f"{rel} does not connect {pair} in graph.schema")
        unknown = set(props) - set(spec.properties)
        if unknown:
            raise KeyError(f"{rel} has no properties {sorted(unknown)} in graph.schema")
        # as for nodes, an empty list is no value: it would not survive a CSV or Neo4j round trip
        clean = {k: v for k, v in props.items() if v is not None and v != []}
        self.graph.add_edge(source, target, key=rel, type=rel, **clean)

    def activities(self, activities: list[Activity], controller: str) -> None:
        for act in activities:
            emit_activity(self, act, controller)

    def contains(self, key: str) -> bool:
        return key in self.graph

    def country(self, code: str) -> str:
        key = node_key("Country", code)
        if key not in self.graph:
            self.node("Country", code, country_name(code))
        return key


def _person(person: Person | None) -> dict[str, Any]:
    if person is None:
        return {}
    contact = person.contact
    return {
        "Name": person.name,
        "Role": person.role,
        "Email": contact.email if contact else None,
        "Phone": contact.phone if contact else None,
        "Ref": person.ref,
    }


def build_graph(record: Record, content_hash: str | None = None) -> Graph:
    """The processing graph of ``record``; ``content_hash`` identifies the source files."""
    with gc_paused():
        builder = _Builder()
        emit(builder, record, content_hash)
        return builder.graph


def emit(b: Sink, record: Record, content_hash: str | None) -> None:
    """Walk ``record`` once and send every node and relationship of its graph to ``b``."""
    info = record.record
    b.node(
        "Record",
        info.id,
        info.name,
        version=info.version,
        sourceDocuments=info.source_documents,
        contentHash=content_hash,
        ref=info.ref,
        note=info.note,
    )

    ctrl = record.controller
    contact = ctrl.contact
    dpo = _person(ctrl.dpo)
    rep = ctrl.representative
    controller = b.node(
        "Controller",
        ctrl.id,
        ctrl.name,
        description=ctrl.description,
        country=ctrl.country,
        **_contact_fields(contact),
        dpoName=dpo.get("Name"),
        dpoRole=dpo.get("Role"),
        dpoEmail=dpo.get("Email"),
        dpoPhone=dpo.get("Phone"),
        dpoRef=dpo.get("Ref"),
        representativeName=rep.name if rep else None,
        representativeContact=_joined(rep.contact) if rep else None,
        sector=ctrl.pecr.sector if ctrl.pecr else None,
        publicEcsProvider=ctrl.pecr.public_ecs_provider if ctrl.pecr else None,
        websiteOrApp=ctrl.pecr.website_or_app if ctrl.pecr else None,
        pecrRef=ctrl.pecr.ref if ctrl.pecr else None,
        ref=ctrl.ref,
        note=ctrl.note,
    )
    b.edge("LOCATED_IN", controller, b.country(ctrl.country))
    for law in ctrl.legislation_cited:
        key = b.node(
            "Legislation",
            law.id,
            law.name,
            description=law.description,
            ref=law.ref,
            note=law.note,
        )
        b.edge("CITES", controller, key, ref=law.ref)

    # Closed vocabularies are always present, so "activities per basis" can show zeros.
    bases = reference_by_id("lawful_bases")
    for basis in LawfulBasisId:
        entry = bases.get(basis.value)
        b.node(
            "LawfulBasis",
            basis.value,
            entry.name if entry and entry.name else basis.value,
            article=entry.article if entry else None,
        )
    conditions = reference_by_id("art9_conditions")
    for condition in Art9Condition:
        entry = conditions.get(condition.value)
        b.node(
            "SpecialCategoryCondition",
            condition.value,
            entry.name if entry and entry.name else condition.value,
            article=entry.article if entry else None,
        )
    mechanisms = reference_by_id("transfer_mechanisms")
    for mechanism in TransferMechanismId:
        entry = mechanisms.get(mechanism.value)
        b.node(
            "TransferMechanism",
            mechanism.value,
            entry.name if entry and entry.name else mechanism.value,
            article=entry.article if entry else None,
        )

    for cat in record.data_categories:
        b.node(
            "DataCategory",
            cat.id,
            cat.name,
            description=cat.description,
            special=cat.is_special,
            specialCategory=cat.special_category.value if cat.special_category else None,
            criminalOffence=cat.criminal_offence,
            examples=cat.examples,
            pecrKind=cat.pecr_kind.value if cat.pecr_kind else None,
            ref=cat.ref,
            note=cat.note,
        )
    for subject in record.data_subjects:
        b.node(
            "DataSubject",
            subject.id,
            subject.name,
            description=subject.description,
            ref=subject.ref,
            note=subject.note,
        )
    for system in record.systems:
        key = b.node(
            "System",
            system.id,
            system.name,
            description=system.description,
            location=system.location,
            ref=system.ref,
            note=system.note,
        )
        if system.location:
            b.edge("LOCATED_IN", key, b.country(system.location))
    for measure in record.security_measures:
        b.node(
            "SecurityMeasure",
            measure.id,
            measure.name,
            description=measure.description,
            kind=measure.kind.value if measure.kind else None,
            ref=measure.ref,
            note=measure.note,
        )
    for rule in record.retention_rules:
        b.node(
            "RetentionRule",
            rule.id,
            rule.name,
            description=rule.description,
            period=rule.period,
            periodDays=rule.period_days,
            criteria=rule.criteria,
            vague=rule.vague,
            ref=rule.ref,
            note=rule.note,
        )
    for proc in record.procedures:
        ts = proc.timescale
        key = b.node(
            "Procedure",
            proc.id,
            proc.name,
            description=proc.description,
            kind=proc.kind.value,
            channel=proc.channel,
            timescaleDays=ts.days if ts else None,
            timescaleMonths=ts.months if ts else None,
            timescaleHours=ts.hours if ts else None,
            extensionMonths=ts.extension_months if ts else None,
            timescaleStatedAs=ts.stated_as if ts else None,
            ref=proc.ref,
            note=proc.note,
        )
        b.edge("HAS_PROCEDURE", controller, key)

    _served_controllers(b, record)

    for recipient in record.recipients:
        key = b.node(
            "Recipient",
            recipient.id,
            recipient.name,
            description=recipient.description,
            kind=recipient.kind.value,
            categoryOnly=recipient.category_only,
            country=recipient.country,
            contractRef=recipient.contract_ref,
            ref=recipient.ref,
            note=recipient.note,
        )
        if recipient.country:
            b.edge("LOCATED_IN", key, b.country(recipient.country))
        for transfer in recipient.transfers:
            destination = transfer.country or recipient.country
            if destination:
                b.country(destination)
            b.edge(
                "TRANSFER_UNDER",
                key,
                node_key("TransferMechanism", transfer.mechanism.value),
                country=destination,
                statedAs=transfer.stated_as,
                certified=transfer.certified,
                derogation=transfer.derogation,
                concludedOn=transfer.concluded_on.isoformat() if transfer.concluded_on else None,
                ref=transfer.ref,
                note=transfer.note,
            )
    for recipient in record.recipients:
        for sub in recipient.sub_processors:
            b.edge(
                "SUBCONTRACTS_TO", node_key("Recipient", recipient.id), node_key("Recipient", sub)
            )

    for source in record.sources:
        key = b.node(
            "Source",
            source.id,
            source.name,
            description=source.description,
            kind=source.kind.value,
            ref=source.ref,
            note=source.note,
        )
        for cat_id in source.data_categories:
            b.edge("PROVIDES", key, node_key("DataCategory", cat_id))

    b.activities(record.activities, controller)


def _contact_fields(contact: Contact | None) -> dict[str, str | None]:
    """A party's contact details as the node properties the controller and served controllers
    share."""
    return {
        "address": contact.address if contact else None,
        "email": contact.email if contact else None,
        "phone": contact.phone if contact else None,
        "website": contact.website if contact else None,
    }


def _joined(contact: Contact | None) -> str | None:
    """'address; email; phone' — one property for a person's contact, as for the controller's
    representative."""
    if contact is None:
        return None
    return "; ".join(p for p in (contact.address, contact.email, contact.phone) if p) or None


def _served_controllers(b: Sink, record: Record) -> None:
    """The controllers the organisation processes for (Art 30(2)(a)), each with its country."""
    for served in record.controllers_served:
        contact, dpo, rep = served.contact, served.dpo, served.representative
        dpo_contact = dpo.contact if dpo else None
        key = b.node(
            "ServedController",
            served.id,
            served.name,
            description=served.description,
            country=served.country,
            **_contact_fields(contact),
            representativeName=rep.name if rep else None,
            representativeContact=_joined(rep.contact) if rep else None,
            dpoName=dpo.name if dpo else None,
            dpoEmail=dpo_contact.email if dpo_contact else None,
            dpoPhone=dpo_contact.phone if dpo_contact else None,
            categoryOnly=served.category_only,
            contractRef=served.contract_ref,
            ref=served.ref,
            note=served.note,
        )
        if served.country:
            b.edge("LOCATED_IN", key, b.country(served.country))


def counts_by_label(graph: Graph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, label in graph.nodes(data="label"):
        counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def counts_by_type(graph: Graph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, rel in graph.edges(data="type"):
        counts[rel] = counts.get(rel, 0) + 1
    return dict(sorted(counts.items()))
