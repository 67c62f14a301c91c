"""Rules on transfers to third countries: is there a tool, is it in force, does it fit.

The transfers are those of the catalog query ``third-country-transfers`` (an activity discloses
to a recipient whose destination differs from the controller's country), with the columns the
rules need added. Destinations under the controller's own regime on the date (an EU controller
sending to another EEA state) are not third countries and are dropped. Whether a destination has
adequacy and whether a tool is in force come from data/reference/ for the evaluation date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from graph.findings.law import ToolWindow
from graph.findings.model import Finding, Severity
from graph.findings.registry import Row, RuleRun, check, listing, quoted
from graph.reference import ReferenceEntry, long_date

TRANSFERS_CYPHER = """
// Activity names are gathered per controller and recipient before the tools are joined (one
// row per recipient, not per disclosure: 2.5 x 10^5 rows at 100k activities), then unwound and
// gathered again per transfer, which is what collecting them over every row gave.
MATCH (c:Controller)-[:PERFORMS]->(a:Activity)-[:DISCLOSES_TO]->(r:Recipient)
WITH c, r, collect(DISTINCT a.name) AS names
OPTIONAL MATCH (r)-[t:TRANSFER_UNDER]->(m:TransferMechanism)
WITH c, r, t, m, names, coalesce(t.country, r.country) AS destination
WHERE destination IS NOT NULL AND destination <> c.country
MATCH (k:Country {id: destination})
UNWIND names AS name
RETURN r.id AS recipientId, r.name AS recipient, k.id AS country, k.name AS countryName,
       m.id AS mechanism, t.statedAs AS statedAs, t.certified AS certified,
       t.concludedOn AS concludedOn,
       coalesce(t.ref, r.ref) AS ref, collect(DISTINCT name) AS activities
ORDER BY country, recipientId, mechanism
"""

NO_TOOL = (None, "not_stated")


@dataclass(frozen=True)
class Transfer:
    recipient_id: str
    recipient: str
    country: str
    country_name: str
    mechanism: str | None
    stated_as: str | None
    certified: bool | None
    ref: str | None
    activities: tuple[str, ...]
    concluded_on: dt.date | None = None

    @classmethod
    def from_row(cls, row: Row) -> Transfer:
        return cls(
            recipient_id=row["recipientId"],
            recipient=row["recipient"],
            country=row["country"],
            country_name=row["countryName"],
            mechanism=row["mechanism"],
            stated_as=row["statedAs"],
            certified=row["certified"],
            ref=row["ref"],
            activities=tuple(row["activities"] or ()),
            concluded_on=(
                dt.date.fromisoformat(row["concludedOn"]) if row.get("concludedOn") else None
            ),
        )

    def opening(self) -> str:
        """'MailChimp (United States) receives personal data from Email newsletter'."""
        return (
            f"{self.recipient} ({self.country_name}) receives personal data from "
            f"{listing(self.activities)}"
        )

    def stated(self) -> str:
        return f" (stated as {quoted(self.stated_as)})" if self.stated_as else ""


def third_country_transfers(run: RuleRun, rows: list[Row]) -> list[Transfer]:
    """Rows that are transfers out of the controller's regime; none when the regime is unknown."""
    if run.law.regime is None:
        return []
    return [Transfer.from_row(r) for r in rows if run.law.is_third_country(r["country"])]


def _tools_advice(run: RuleRun, transfer: Transfer, lead: str) -> str:
    tools = run.law.alternatives(transfer.country)
    if not tools:
        return lead + " No transfer tool in the reference data covers this destination."
    return (
        f"{lead} Tools in force for {run.law.regime_label} transfers to {transfer.country_name} "
        f"on {long_date(run.law.as_of)}: {'; '.join(tools)}."
    )


def _finding(
    run: RuleRun,
    transfer: Transfer,
    why: str,
    what_to_do: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    return run.finding(
        "Recipient",
        transfer.recipient_id,
        transfer.recipient,
        why,
        transfer.ref,
        what_to_do,
        severity=severity,
    )


def _tool_name(mechanism: ReferenceEntry | None, fallback: str) -> str:
    return mechanism.name or mechanism.id if mechanism is not None else fallback


@check("TRANSFER-NO-MECHANISM", TRANSFERS_CYPHER)
def _no_mechanism(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for transfer in third_country_transfers(run, rows):
        if transfer.mechanism not in NO_TOOL:
            continue
        adequacy = run.law.adequacy(transfer.country)
        if adequacy is not None and adequacy.extra("scope") == "full":
            continue  # lawful on adequacy: TRANSFER-ADEQUACY-NOT-RECORDED says to record it
        partial = (
            f" {transfer.country_name} has only partial {run.law.adequacy_term}: "
            f"{adequacy.extra('scope_note')}"
            if adequacy is not None
            else f" {transfer.country_name} has no {run.law.adequacy_term}."
        )
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()}, and the record states no transfer tool{transfer.stated()}."
            + partial,
            _tools_advice(run, transfer, run.rule.what_to_do),
        )


@check("TRANSFER-ADEQUACY-NOT-RECORDED", TRANSFERS_CYPHER)
def _adequacy_not_recorded(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    for transfer in third_country_transfers(run, rows):
        if transfer.mechanism not in NO_TOOL:
            continue
        adequacy = run.law.adequacy(transfer.country)
        if adequacy is None or adequacy.extra("scope") != "full":
            continue
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()} with no transfer tool recorded; {transfer.country_name} has "
            f"{run.law.adequacy_term} ({adequacy.extra('legal_basis')}), which the "
            "record should state.",
        )


@check("TRANSFER-INVALID-MECHANISM", TRANSFERS_CYPHER)
def _invalid_mechanism(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    law = run.law
    for transfer in third_country_transfers(run, rows):
        if transfer.mechanism in (*NO_TOOL, "adequacy"):
            continue
        mechanism = law.mechanism(str(transfer.mechanism))
        if (
            mechanism is None
            or not law.serves_regime(mechanism)
            or not law.covers_destination(mechanism, transfer.country)
        ):
            continue  # TRANSFER-MECHANISM-NOT-APPLICABLE reports tools that do not fit
        window = law.window(mechanism)
        name = _tool_name(mechanism, str(transfer.mechanism))
        if law.in_force(mechanism):
            late = _concluded_too_late(run, transfer, window, name)
            if late is not None:
                yield late
            continue
        if window.valid_from is not None and law.as_of < window.valid_from:
            status = f"it only applies from {long_date(window.valid_from)}"
        else:
            assert window.invalid_from is not None
            last = long_date(window.invalid_from - dt.timedelta(days=1))
            status = f"it could not be relied on after {last}"
            invalidated_by = mechanism.extra("invalidated_by")
            if invalidated_by:
                status += f" (invalidated: {invalidated_by})"
            elif window.note:
                status += f" ({window.note.strip()})"
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()} under the {name}{transfer.stated()}, which is not in force "
            f"on {long_date(law.as_of)}: {status}.",
            _tools_advice(run, transfer, run.rule.what_to_do),
        )


def _concluded_too_late(
    run: RuleRun, transfer: Transfer, window: ToolWindow, name: str
) -> Finding | None:
    """A tool still in force for old contracts only (the legacy SCCs after their cut-off):
    high when the record dates the contract after the cut-off, medium when it gives no date."""
    cutoff = window.no_new_from
    if cutoff is None or run.law.as_of < cutoff:
        return None
    concluded = transfer.concluded_on
    if concluded is not None and concluded < cutoff:
        return None
    assert window.invalid_from is not None
    rule = (
        f"only contracts concluded by {long_date(cutoff - dt.timedelta(days=1))} can rely on it, "
        f"until {long_date(window.invalid_from - dt.timedelta(days=1))}"
    )
    if concluded is not None:
        why = f"the contract was concluded on {long_date(concluded)}, but {rule}"
        severity = None
    else:
        why = f"{rule}, and the record does not say when the contract was concluded"
        severity = Severity.medium
    return _finding(
        run,
        transfer,
        f"{transfer.opening()} under the {name}{transfer.stated()}: {why}.",
        _tools_advice(run, transfer, run.rule.what_to_do),
        severity,
    )


@check("TRANSFER-MECHANISM-NOT-APPLICABLE", TRANSFERS_CYPHER)
def _not_applicable(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    law = run.law
    transfers = third_country_transfers(run, rows)
    recorded = {(t.recipient_id, t.country, t.mechanism) for t in transfers}
    for transfer in transfers:
        if transfer.mechanism in (*NO_TOOL, "adequacy"):
            continue
        mechanism = law.mechanism(str(transfer.mechanism))
        if mechanism is None:
            continue
        name = _tool_name(mechanism, str(transfer.mechanism))
        companion_id = law.companion(mechanism)
        if law.regime not in mechanism.extra("regimes", []) and companion_id is None:
            problem = (
                f"the {name} is not a transfer tool for exporters under the "
                f"{law.regime_label} (it serves {', '.join(mechanism.extra('regimes', []))})"
            )
        elif (
            companion_id is not None
            and law.regime not in mechanism.extra("regimes", [])
            and (transfer.recipient_id, transfer.country, companion_id) not in recorded
        ):
            companion = law.mechanism(companion_id)
            problem = (
                f"under the {law.regime_label} the {name} can only be used together with the "
                f"{_tool_name(companion, companion_id)}, which is not recorded for this transfer"
            )
        elif not law.covers_destination(mechanism, transfer.country):
            problem = (
                f"the {name} only covers transfers to "
                f"{listing(law.country_label(c) for c in mechanism.extra('countries', []))}"
            )
        else:
            continue
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()} under the {name}{transfer.stated()}, but {problem}.",
            _tools_advice(run, transfer, run.rule.what_to_do),
        )


@check("TRANSFER-CERTIFICATION-NOT-RECORDED", TRANSFERS_CYPHER)
def _certification(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    law = run.law
    for transfer in third_country_transfers(run, rows):
        if transfer.mechanism in NO_TOOL or transfer.certified is True:
            continue
        mechanism = law.mechanism(str(transfer.mechanism))
        if mechanism is None or not mechanism.extra("requires_certification"):
            continue
        applicable = law.regime in mechanism.extra("regimes", []) and law.covers_destination(
            mechanism, transfer.country
        )
        if not applicable or not law.in_force(mechanism):
            continue  # TRANSFER-MECHANISM-NOT-APPLICABLE / TRANSFER-INVALID-MECHANISM say why
        claimed = transfer.certified is None and bool(transfer.stated_as)
        state = (
            "the record says the recipient is not certified"
            if transfer.certified is False
            else "the record quotes the recipient's claim but not a check of the framework's list"
            if claimed
            else "the record does not say the recipient is certified"
        )
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()} under the {_tool_name(mechanism, str(transfer.mechanism))}"
            f"{transfer.stated()}, which covers only certified organisations, and {state}.",
            severity=Severity.low if claimed else None,
        )


@check("TRANSFER-ADEQUACY-NOT-ADEQUATE", TRANSFERS_CYPHER)
def _adequacy_not_adequate(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    law = run.law
    for transfer in third_country_transfers(run, rows):
        if transfer.mechanism != "adequacy" or law.adequacy(transfer.country) is not None:
            continue
        other = law.adequacy_any_date(transfer.country)
        if other is None:
            status = f"{transfer.country_name} has no {law.adequacy_term}"
        elif other.valid_from is not None and law.as_of < other.valid_from:
            status = (
                f"{transfer.country_name}'s {law.adequacy_term} only applies from "
                f"{long_date(other.valid_from)}"
            )
        else:
            status = f"{transfer.country_name}'s {law.adequacy_term} has ended"
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()} relying on adequacy{transfer.stated()}, but on "
            f"{long_date(law.as_of)} {status}.",
            _tools_advice(run, transfer, run.rule.what_to_do),
        )


@check("TRANSFER-ADEQUACY-PARTIAL", TRANSFERS_CYPHER)
def _adequacy_partial(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    law = run.law
    for transfer in third_country_transfers(run, rows):
        if transfer.mechanism != "adequacy":
            continue
        adequacy = law.adequacy(transfer.country)
        if adequacy is None or adequacy.extra("scope") == "full":
            continue
        via = adequacy.extra("via_mechanism")
        what_to_do = run.rule.what_to_do
        if via:
            tool = law.mechanism(str(via))
            what_to_do += (
                f" For {transfer.country_name}, record the {_tool_name(tool, str(via))} as the "
                "transfer tool, with the recipient's certification."
            )
        yield _finding(
            run,
            transfer,
            f"{transfer.opening()} relying on adequacy{transfer.stated()}, but "
            f"{transfer.country_name}'s {law.adequacy_term} is partial: "
            f"{adequacy.extra('scope_note')}",
            what_to_do,
        )
