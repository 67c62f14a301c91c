"""Generate an Art 13/14 privacy notice from the record.

Sections follow the ICO's guidance on the right to be informed (who we are, purposes and lawful
bases, sources, recipients, transfers, retention, rights, whether you must provide the data,
automated decisions). Each statement says one record fact in plain language and carries that
fact's ``ref``. Where the record lacks something the law requires the notice to say, the notice
gets a visible drafting note (``TO_COMPLETE``) instead of an invented sentence.
"""

from __future__ import annotations

import datetime as dt

from graph.model import LawfulBasisId, Recipient, Record, SourceKind
from graph.notice import law
from graph.notice.generate_rights import automated, requirement, retention, rights
from graph.notice.model import Notice, Section, Statement
from graph.notice.wording import (
    DIRECT_SOURCES,
    ROLE_WORDS,
    contact_sentence,
    gap,
    join,
    place_name,
    ref_or,
    sentence,
    used_ids,
)


def who_we_are(record: Record) -> Section:
    c = record.controller
    out = [
        Statement(
            text=f"{c.name} is the controller of your personal information: we decide why and "
            f"how it is used. We are established in {place_name(c.country)}.",
            ref=ref_or(c.ref, "controller"),
            element=f"controller:{c.id}",
        )
    ]
    contact = contact_sentence(record)
    out.append(contact or gap("controller", "the record gives no contact details for us."))
    if c.representative is not None:
        r = c.representative
        how = _person_contact(r.contact)
        out.append(
            Statement(
                text=f"Our representative is {r.name}" + (f", contact: {how}." if how else "."),
                ref=ref_or(r.ref, "controller.representative"),
            )
        )
    if c.dpo is not None:
        d = c.dpo
        how = _person_contact(d.contact)
        role = f" ({d.role})" if d.role and d.name not in d.role else ""
        out.append(
            Statement(
                text=f"Our Data Protection Officer (DPO): {d.name}{role}"
                + (f"; you can contact them {how}." if how else "."),
                ref=ref_or(d.ref, "controller.dpo"),
                element="dpo",
            )
        )
        if not how:
            out.append(gap("dpo", "the record gives no contact details for the DPO."))
    return Section(
        id="who-we-are",
        title="Who we are and how to contact us",
        articles=law.articles("controller") + ", " + law.articles("dpo"),
        statements=out,
    )


def _person_contact(contact: object) -> str:
    if contact is None:
        return ""
    parts = [
        f"{label} {value}"
        for label, value in (
            ("by email at", getattr(contact, "email", None)),
            ("by phone on", getattr(contact, "phone", None)),
            ("by post at", getattr(contact, "address", None)),
        )
        if value
    ]
    return join(parts)


def purposes(record: Record) -> Section:
    out: list[Statement] = []
    for activity in law.notice_activities(record):
        aims = "; ".join(" ".join(p.split()).rstrip(".") for p in activity.purposes)
        out.append(
            Statement(
                label=activity.name,
                text=f"Purpose: {aims}.",
                ref=ref_or(activity.ref, f"activities/{activity.id}"),
                element=f"activity:{activity.id}",
                bullet=True,
            )
        )
        for claim in activity.lawful_bases:
            out.append(
                Statement(
                    text=f"Our lawful basis for this: {law.basis_label(claim.basis)}.",
                    bullet=True,
                    level=1,
                    ref=ref_or(claim.ref or activity.ref, f"activities/{activity.id}"),
                    element=f"basis:{activity.id}:{claim.basis.value}",
                )
            )
            if claim.basis in _LI and claim.legitimate_interest:
                out.append(
                    Statement(
                        text="The legitimate interest we pursue: "
                        + sentence(claim.legitimate_interest),
                        bullet=True,
                        level=1,
                        ref=ref_or(claim.ref or activity.ref, f"activities/{activity.id}"),
                        element=f"interest:{activity.id}",
                    )
                )
            elif claim.basis in _LI:
                out.append(
                    gap(
                        "legitimate-interests",
                        f'the record does not say which legitimate interest "{activity.name}" '
                        "pursues.",
                    )
                )
        if not activity.lawful_bases:
            out.append(
                gap("lawful-basis", f'the record states no lawful basis for "{activity.name}".')
            )
    if not out:
        out.append(
            gap(
                "purposes",
                "the record has no activity where we are the controller; a notice for the "
                "processing we do as a processor is our customers' to give.",
            )
        )
    return Section(
        id="purposes",
        title="What we use your information for, and our lawful basis",
        articles=law.articles("purposes") + ", " + law.articles("legitimate-interests"),
        statements=out,
    )


_LI = (LawfulBasisId.legitimate_interests, LawfulBasisId.recognised_legitimate_interest)


def sources(record: Record, used: set[str]) -> Section:
    categories = {c.id: c for c in record.data_categories}
    out: list[Statement] = []
    for source in record.sources:
        if source.id not in used:
            continue
        names = [categories[c].name for c in source.data_categories if c in categories]
        direct = source.kind in DIRECT_SOURCES
        text = "The information: " + sentence(join(names)) if names else ""
        if source.kind is SourceKind.public_source:
            text += " This is a publicly accessible source."
        out.append(
            Statement(
                label=source.name,
                text=text.strip(),
                ref=ref_or(source.ref, f"sources/{source.id}"),
                element=f"source:{source.id}",
                bullet=True,
            )
        )
        if not names and not direct:
            out.append(
                gap(
                    "categories",
                    f'the record does not say what information "{source.name}" supplies.',
                )
            )
    if not out:
        out.append(
            Statement(
                text="We collect your information only from you.",
                ref=ref_or(record.record.ref, "record"),
            )
        )
    return Section(
        id="sources",
        title="Where we get your information from",
        articles=law.articles("sources") + ", " + law.articles("categories"),
        statements=out,
    )


def recipients(record: Record, used: set[str]) -> Section:
    disclosures: dict[str, list[str]] = {}
    for activity in law.notice_activities(record):
        for d in activity.recipients:
            disclosures.setdefault(d.recipient, []).append(activity.name)
    out: list[Statement] = []
    chosen = [r for r in record.recipients if r.id in used]
    if chosen:
        out.append(
            Statement(
                text="We share your personal information with these organisations or kinds of "
                "organisation:",
                ref=ref_or(record.record.ref, "record"),
            )
        )
    for r in chosen:
        out.append(
            Statement(
                label=r.name,
                text=_recipient_text(r, disclosures.get(r.id, [])),
                ref=ref_or(r.ref, f"recipients/{r.id}"),
                element=f"recipient:{r.id}",
                bullet=True,
            )
        )
    if not chosen:
        out.append(
            Statement(
                text="We do not share your personal information with anyone.",
                ref=ref_or(record.record.ref, "record"),
            )
        )
    return Section(
        id="recipients",
        title="Who we share your information with",
        articles=law.articles("recipients"),
        statements=out,
    )


def _recipient_text(r: Recipient, uses: list[str]) -> str:
    bits = []
    if r.kind in ROLE_WORDS:
        bits.append(ROLE_WORDS[r.kind])
    if r.country:
        bits.append(f"located in {place_name(r.country)}")
    if uses:
        bits.append("for: " + "; ".join(sorted(set(uses), key=uses.index)))
    return sentence(", ".join(bits)) if bits else ""


def transfers(record: Record, used: set[str], on: dt.date) -> Section | None:
    home = record.controller.country
    area = law.same_regime_countries(home, on) or frozenset({home})
    where = "the UK" if law.regime(home, on) == "UK" else "the European Economic Area"
    if law.regime(home, on) is None:
        where = place_name(home)
    out: list[Statement] = []
    for r in record.recipients:
        if r.id not in used:
            continue
        for t in r.transfers:
            country = t.country or r.country
            place = place_name(country) if country else "a country the record does not name"
            status, caveat = law.destination_status(t.mechanism, home, country, t.certified, on)
            entry = law.mechanism_entry(t.mechanism)
            text = f"We send your information to {r.name} in {place}."
            if status.valid and entry is not None:
                cited = law.article_for(entry, home, on)
                text += f" The safeguard we rely on: {entry.name}" + (
                    f" ({cited})." if cited else "."
                )
            out.append(
                Statement(
                    text=text,
                    ref=ref_or(t.ref or r.ref, f"recipients/{r.id}"),
                    element=f"transfer:{r.id}",
                    bullet=True,
                )
            )
            if not status.valid:
                named = entry.name if entry is not None else t.mechanism.value
                out.append(
                    gap(
                        "transfers",
                        f"the record relies on {named} for {r.name}: "
                        f"{status.reason}; record the safeguard now relied on.",
                    )
                )
            if caveat:
                out.append(gap("transfers", f"{caveat}; confirm it covers {r.name}."))
            if country is None:
                out.append(gap("transfers", f"the record does not say where {r.name} is."))
        if not r.transfers and r.country and r.country not in area:
            out.append(
                Statement(
                    text=f"We send your information to {r.name} in {place_name(r.country)}.",
                    ref=ref_or(r.ref, f"recipients/{r.id}"),
                    element=f"transfer:{r.id}",
                    bullet=True,
                )
            )
            out.append(gap("transfers", f"the record states no safeguard for {r.name}."))
    if not out:
        return None
    out.append(
        Statement(
            text="You can ask us for a copy of these safeguards using the contact details above.",
            ref="data/reference/notice_items.yaml#transfers",
        )
    )
    return Section(
        id="transfers",
        title=f"Sending your information outside {where}",
        articles=law.articles("transfers"),
        statements=out,
    )


def build_notice(record: Record, generated: dt.date | None = None) -> Notice:
    """The notice for ``record`` as of ``generated`` (default today): the same input gives the
    same notice; the date decides which transfer tools still hold."""
    day = generated or dt.date.today()
    recipient_ids, source_ids, retention_ids = used_ids(record)
    sections = [
        who_we_are(record),
        purposes(record),
        sources(record, source_ids),
        recipients(record, recipient_ids),
        transfers(record, recipient_ids, day),
        retention(record, retention_ids),
        rights(record),
        requirement(record),
        automated(record),
    ]
    name = record.controller.name
    version = f" (version {record.record.version})" if record.record.version else ""
    return Notice(
        title=f"{name} privacy notice",
        controller=name,
        generated=day,
        record_id=record.record.id,
        record_version=record.record.version,
        intro=(
            f"This notice tells you what {name} does with your personal information and what "
            f"your rights are. It was generated on {day.isoformat()} from our record of "
            f"processing, {record.record.name}{version}; each statement names the record "
            "entry it comes from."
        ),
        sections=[s for s in sections if s is not None],
    )
