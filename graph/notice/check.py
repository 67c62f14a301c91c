"""Check a published notice against the record: what the record requires the notice to say
(Art 13/14 item by item) and whether it does, quoting the notice text each finding rests on.

The other direction (what the notice says that the record does not have) is in
:mod:`graph.notice.extras`. Matching is :mod:`graph.notice.match`: names, aliases, countries,
mechanism names and quoted phrases, never a score without a reason.
"""

from __future__ import annotations

import datetime as dt

from graph.model import Activity, BasisClaim, Record, Transfer, country_name
from graph.notice import law
from graph.notice.checker import Checker
from graph.notice.extras import extras, topic_blocks
from graph.notice.match import (
    Evidence,
    Needle,
    country_needles,
    phrase_needles,
    quoted_needles,
)
from graph.notice.read import NoticeText
from graph.notice.report import DriftReport
from graph.notice.wording import DIRECT_SOURCES


class _Checker(Checker):
    """The Art 13/14 items, record to notice."""

    # ------------------------------------------------------------------ Art 13(1)(a)-(b)

    def controller(self) -> None:
        c = self.record.controller
        self.add(
            "controller",
            f"the controller's name: {c.name}",
            self.find(phrase_needles([c.name], "name")),
            element=f"controller:{c.id}",
            ref=c.ref,
        )
        contact = c.contact
        details = (
            [v for v in (contact.email, contact.phone, contact.address, contact.website) if v]
            if contact
            else []
        )
        if details:
            hit = self.find(phrase_needles(details, "contact"))
            self.add(
                "controller",
                "how to contact the controller: " + "; ".join(details),
                hit,
                element="controller:contact",
                ref=contact.ref if contact else None,
                missing="none of the recorded contact details occurs in the notice",
            )
        else:
            self.gaps.append("the record gives no contact details for the controller")
        if c.representative is not None:
            self.add(
                "representative",
                f"the representative: {c.representative.name}",
                self.find(phrase_needles([c.representative.name], "name")),
                element="representative",
                ref=c.representative.ref,
            )
        if c.dpo is not None:
            needles = phrase_needles(["data protection officer", c.dpo.name], "name")
            needles.append(Needle("DPO", "alias", exact_case=True))
            self.add(
                "dpo",
                f"the data protection officer ({c.dpo.name})",
                self.find(needles),
                element="dpo",
                ref=c.dpo.ref,
            )
            if c.dpo.contact is None:
                self.gaps.append("the record gives no contact details for the DPO (Art 13(1)(b))")

    # ------------------------------------------------------------------ Art 13(1)(c)-(d)

    def purposes(self) -> None:
        for activity in law.notice_activities(self.record):
            hit = self.find(
                phrase_needles(activity.purposes, "purpose", min_words=3)
                + phrase_needles([activity.name], "name")
                + quoted_needles([activity.description, *activity.purposes])
                + phrase_needles([activity.description], "description"),
                [*activity.purposes, activity.name, activity.description],
                ref=activity.ref,
            )
            self.add(
                "purposes",
                f"the purpose: {activity.name}",
                hit,
                element=f"activity:{activity.id}",
                ref=activity.ref,
                missing="none of the activity's purposes, its name or the text it quotes "
                "occurs in the notice",
            )
            for claim in activity.lawful_bases:
                self.basis(activity, claim, hit)
            if not activity.lawful_bases:
                self.gaps.append(f'the record states no lawful basis for "{activity.name}"')

    def basis(self, activity: Activity, claim: BasisClaim, purpose: Evidence | None) -> None:
        label = law.basis_label(claim.basis)
        entry = law.basis_entry(claim.basis)
        needles = [
            Needle(str(a), "basis alias")
            for e in law.aliases("basis")
            if e.extra("basis") == claim.basis.value
            for a in e.extra("aliases", [])
        ]
        if entry is not None and entry.article:
            needles.append(Needle(str(entry.article), "article"))
        statement = f"the lawful basis for {activity.name}: {label}"
        if purpose is None:
            hit, where = None, ""
            missing = "the purpose itself is not in the notice"
        else:
            hit, where = self.near(needles, purpose, ("basis",))
            missing = (
                f"the notice does not name {label} with this purpose (looked in the purpose's "
                "paragraph and section and in any section on lawful bases)"
            )
        self.add(
            "lawful-basis",
            statement,
            hit,
            element=f"basis:{activity.id}:{claim.basis.value}",
            ref=claim.ref,
            found=where,
            missing=missing,
        )
        if claim.legitimate_interest:
            text = claim.legitimate_interest
            hit = self.find(
                quoted_needles([text]) + phrase_needles([text], "interest"), [text], ref=claim.ref
            )
            self.add(
                "legitimate-interests",
                f"the legitimate interest pursued for {activity.name}",
                hit,
                element=f"interest:{activity.id}",
                ref=claim.ref,
            )

    # ------------------------------------------------------------------ Art 13(1)(e)-(f)

    def recipients(self) -> None:
        shared = topic_blocks(self.m.blocks, "recipients")
        for r in self.record.recipients:
            if r.id not in self.recipient_ids:
                continue
            hit = self.find(
                phrase_needles([r.name], "name") + quoted_needles([r.description]),
                [r.name],
                prefer=shared,
                ref=r.ref,
            )
            self.add(
                "recipients",
                f"the recipient: {r.name}",
                hit,
                element=f"recipient:{r.id}",
                ref=r.ref,
                missing="not in the notice: neither its name nor a phrase the "
                "record quotes for it occurs",
            )
            for t in r.transfers:
                self.transfer(r.name, r.id, t.country or r.country, t, hit, r.ref)

    def transfer(
        self,
        name: str,
        rid: str,
        country: str | None,
        t: Transfer,
        anchor: Evidence | None,
        ref: str | None,
    ) -> None:
        home = self.record.controller.country
        if country is None:
            self.gaps.append(f"the record does not say where {name} is (its transfer)")
            return
        place = country_name(country)
        if anchor is None:
            hit, where = None, ""
        else:
            topics = ("transfers", "recipients")
            hit, where = self.near(list(country_needles(country)), anchor, topics)
        self.add(
            "transfers",
            f"the transfer to {place} ({name})",
            hit,
            element=f"transfer:{rid}",
            ref=t.ref or ref,
            found=where,
            missing=(
                f"the notice does not name {place} near {name} or in a section on sharing or "
                "transfers"
                if anchor is not None
                else f"{name} is not in the notice, so neither is its transfer"
            ),
        )
        status, _caveat = law.destination_status(
            t.mechanism, home, country, t.certified, self.as_of
        )
        entry = law.mechanism_entry(t.mechanism)
        named = entry.name if entry is not None else t.mechanism.value
        if not status.valid:
            self.gaps.append(f"{name} ({place}): the record relies on {named}: {status.reason}")
            return
        needles = [Needle(str(named), "mechanism")] + [
            Needle(str(a), "mechanism alias", exact)
            for e in law.aliases("mechanism")
            if e.extra("mechanism") == t.mechanism.value
            for exact, group in ((False, "aliases"), (True, "exact_case"))
            for a in e.extra(group, []) or []
        ]
        hit, where = self.near(needles, anchor or hit, ("transfers", "recipients"))
        self.add(
            "transfers",
            f"the safeguard for the transfer to {place} ({name}): {named}",
            hit,
            element=f"safeguard:{rid}",
            ref=t.ref or ref,
            found=where,
            missing=f"the notice does not name {named} for this transfer",
        )

    # ------------------------------------------------------------------ Art 13(2)

    def retention(self) -> None:
        for rule in self.record.retention_rules:
            if rule.id not in self.retention_ids:
                continue
            texts = [rule.period, rule.criteria, rule.name]
            hit = self.find(
                phrase_needles([rule.period], "period")
                + quoted_needles([rule.criteria])
                + phrase_needles([rule.criteria, rule.name], "criteria"),
                [rule.criteria, rule.name],
                ref=rule.ref,
            )
            del texts
            self.add(
                "retention",
                f"how long data is kept: {rule.name}",
                hit,
                element=f"retention:{rule.id}",
                ref=rule.ref,
            )

    def rights(self) -> None:
        found, unknown = law.rights_for(self.record)
        for right in found:
            needles = [*phrase_needles(right.aliases, "right alias"), Needle(right.name, "right")]
            missing = f"the notice does not state it (looked for: {', '.join(right.aliases)})"
            hit = self.find(needles)
            found_note = ""
            if right.id == "complaint" and hit is not None:
                hit, found_note, missing = self.complaint(needles, missing)
            self.add(
                "withdraw-consent"
                if right.id == "withdraw-consent"
                else "complaint"
                if right.id == "complaint"
                else "rights",
                f"{right.name} ({right.article}) — {right.why}",
                hit,
                element=f"right:{right.id}",
                ref=f"data/reference/notice_rights.yaml#{right.id}",
                found=found_note,
                missing=missing,
            )
        for basis in unknown:
            self.gaps.append(
                f"the reference data does not say which rights apply on the basis "
                f"{law.basis_label(basis)}: not checked"
            )

    def complaint(self, needles: list[Needle], missing: str) -> tuple[Evidence | None, str, str]:
        """A complaint counts only to the regulator: "complain to us" is not Art 13(2)(d)."""
        authorities = [
            Needle(str(a), "authority", exact)
            for e in law.aliases("authority")
            for exact, group in ((False, "aliases"), (True, "exact_case"))
            for a in e.extra(group, []) or []
        ]
        mentions = self.m.all_hits(needles)
        for block, _needle in mentions:
            named = self.m.find(authorities, [block])
            if named is not None:
                hit = self.m.find(needles, [block])
                return hit, f'names the regulator ("{named.matched}")', missing
        block = mentions[0][0]
        return (
            None,
            "",
            f"the notice mentions a complaint at {self.m.notice.where(block)} but names no "
            "supervisory authority there (a complaint to us is not the Art 77 right)",
        )

    def sources(self) -> None:
        categories = {c.id: c for c in self.record.data_categories}
        wanted: dict[str, None] = {}
        for source in self.record.sources:
            if source.id not in self.source_ids or source.kind in DIRECT_SOURCES:
                continue
            hit = self.find(
                phrase_needles([source.name], "name")
                + quoted_needles([source.description])
                + phrase_needles([source.description], "description"),
                [source.name, source.description],
                ref=source.ref,
            )
            self.add(
                "sources",
                f"the source: {source.name}",
                hit,
                element=f"source:{source.id}",
                ref=source.ref,
            )
            wanted.update(dict.fromkeys(source.data_categories))
        for cid in wanted:
            cat = categories.get(cid)
            if cat is None:
                continue
            needles = (
                phrase_needles([cat.name], "name")
                + quoted_needles([cat.description])
                + phrase_needles([cat.description], "description")
            )
            hit = self.find(needles, [cat.name, cat.description], ref=cat.ref)
            if hit is None and len(cat.examples) >= 2:
                hit = self.m.find_words([" ".join(cat.examples)])
            self.add(
                "categories",
                f"the data obtained from other sources: {cat.name}",
                hit,
                element=f"category:{cat.id}",
                ref=cat.ref,
            )

    def automated(self) -> None:
        for activity in law.notice_activities(self.record):
            text = activity.automated_decision_making
            if not text:
                continue
            needles = phrase_needles(
                [
                    "automated decision",
                    "automated decision-making",
                    "profiling",
                    "solely automated",
                ],
                "alias",
            )
            self.add(
                "automated-decisions",
                f"automated decision-making in {activity.name}",
                self.find(needles, [text]),
                element=f"automated:{activity.id}",
                ref=activity.ref,
            )

    def requirement(self) -> None:
        """Art 13(2)(e) is not in the record model: say it is unchecked rather than pass it."""
        self.gaps.append(
            "the record cannot say whether providing data is a statutory or contractual "
            "requirement (Art 13(2)(e)): check the notice by hand"
        )


def check_notice(record: Record, notice: NoticeText, as_of: dt.date | None = None) -> DriftReport:
    """Every item the record requires of the notice (found or missing, with the quote), then
    what the notice says that the record lacks (extra, outdated)."""
    day = as_of or dt.date.today()
    checker = _Checker(record, notice, day)
    checker.controller()
    checker.purposes()
    checker.sources()
    checker.recipients()
    checker.retention()
    checker.rights()
    checker.automated()
    checker.requirement()
    more = extras(record, checker.m, day)
    drafts = [
        checker.m.evidence(b, "drafting note", "To complete") for b in notice.blocks if b.draft
    ]
    return DriftReport(
        record_id=record.record.id,
        record_name=record.record.name,
        notice=notice.name,
        as_of=day,
        items=checker.items + more,
        drafting_notes=drafts,
        record_gaps=list(dict.fromkeys(checker.gaps)),
    )
