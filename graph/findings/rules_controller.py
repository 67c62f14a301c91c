"""Rules on the controller as a whole: laws it cites, its rights procedures, its DPO, its regime."""

from __future__ import annotations

from collections.abc import Iterator

from graph.findings.law import Law, legislation_matches
from graph.findings.model import Finding, Severity
from graph.findings.registry import Row, RuleRun, check, listing, plural, quoted
from graph.reference import (
    ReferenceEntry,
    entries_in_force,
    long_date,
    reference,
    reference_by_id,
)


def _repealed(law: Law) -> list[ReferenceEntry]:
    return [
        entry
        for entry in reference("legislation")
        if entry.invalid_from is not None and law.as_of >= entry.invalid_from
    ]


def _repealed_params(law: Law) -> dict[str, object]:
    patterns = [p for entry in _repealed(law) for p in entry.extra("patterns", [])]
    return {"patterns": sorted(set(patterns))}


@check(
    "LEGISLATION-OBSOLETE",
    """
MATCH (c:Controller)-[k:CITES]->(l:Legislation)
UNWIND $patterns AS pattern
WITH k, l, pattern
WHERE toLower(l.name) CONTAINS pattern OR toLower(l.id) CONTAINS pattern
RETURN DISTINCT l.id AS id, l.name AS name, coalesce(k.ref, l.ref) AS ref, pattern
ORDER BY id, pattern
""",
    _repealed_params,
    {"patterns": "name patterns of the laws legislation.yaml says were repealed by the date"},
)
def _obsolete(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    repealed = _repealed(run.law)
    seen: set[str] = set()
    for row in rows:
        if row["id"] in seen:
            continue
        for entry in repealed:
            text = f"{row['name']} {row['id']}"
            if row["pattern"] in entry.extra("patterns", []) and legislation_matches(entry, text):
                seen.add(row["id"])
                assert entry.invalid_from is not None
                yield run.finding(
                    "Legislation",
                    row["id"],
                    row["name"],
                    f"The controller says it complies with {quoted(row['name'])}, that is the "
                    f"{entry.name}, which no longer applies from {long_date(entry.invalid_from)}: "
                    f"it was replaced by {entry.extra('replaced_by')}.",
                    row["ref"],
                )
                break


@check(
    "LEGISLATION-CURRENT-NOT-CITED",
    """
MATCH (c:Controller)
OPTIONAL MATCH (c)-[:CITES]->(l:Legislation)
RETURN c.id AS id, c.name AS name, c.ref AS ref, collect(l.name) AS names, collect(l.id) AS ids
ORDER BY id
""",
)
def _current_not_cited(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    expected = run.law.expected_legislation()
    for row in rows:
        cited = [*(row["names"] or []), *(row["ids"] or [])]
        missing = [
            entry.name or entry.id
            for entry in expected
            if not any(legislation_matches(entry, text) for text in cited if text)
        ]
        if not missing:
            continue
        cites = listing(quoted(n) for n in row["names"] or []) or "no law"
        wrong = _other_regime_laws(run.law, cited)
        also = (
            f" It names {listing(wrong)}, the law of another regime, as if it applied."
            if wrong
            else ""
        )
        yield run.finding(
            "Controller",
            row["id"],
            row["name"],
            f"On {long_date(run.law.as_of)} the controller is governed by "
            f"{listing(e.name or e.id for e in expected)}, but the record cites {cites}, "
            f"not {listing(missing)}.{also}",
            row["ref"],
            severity=Severity.medium if wrong else None,
            extra_articles=("Art 12(1)",) if wrong else (),
        )


def _other_regime_laws(law: Law, cited: list[str]) -> list[str]:
    """Laws the record cites that govern another regime's controllers on the date (the EU
    GDPR cited by a UK controller): legislation.yaml expected_for_regimes."""
    if law.regime is None:
        return []
    wrong = []
    for entry in entries_in_force("legislation", law.as_of):
        regimes = entry.extra("expected_for_regimes", []) or []
        other = bool(regimes) and law.regime not in regimes
        if other and any(legislation_matches(entry, text) for text in cited if text):
            wrong.append(entry.name or entry.id)
    return wrong


SAR_CYPHER = """
MATCH (c:Controller)-[:HAS_PROCEDURE]->(p:Procedure)
WHERE p.kind = 'subject_access'
RETURN p.id AS id, p.name AS name, p.timescaleDays AS days, p.timescaleMonths AS months,
       p.timescaleHours AS hours, p.extensionMonths AS extensionMonths,
       p.timescaleStatedAs AS statedAs, p.ref AS ref
ORDER BY id
"""


def _sar_limits() -> tuple[int, int, int]:
    entry = reference_by_id("rights_timescales")["subject_access"]
    return (
        int(entry.extra("months")),
        int(entry.extra("extension_months")),
        int(entry.extra("longest_month_days")),
    )


def _sar_statement(row: Row) -> str:
    parts = []
    if row["months"] is not None:
        parts.append(plural(row["months"], "month"))
    if row["days"] is not None:
        parts.append(f"{row['days']} days")
    if row["hours"] is not None:
        parts.append(f"{row['hours']} hours")
    if row["extensionMonths"] is not None:
        parts.append(f"extendable by {plural(row['extensionMonths'], 'month')}")
    stated = f" ({quoted(row['statedAs'])})" if row["statedAs"] else ""
    return (", ".join(parts) or "no timescale in numbers") + stated


def _can_miss_a_month(row: Row) -> bool:
    """Whether a period stated in days or hours can end after a calendar month: 28 days or
    fewer always fit (February has 28), 29 to 31 can miss a short month."""
    shortest = int(
        reference_by_id("rights_timescales")["subject_access"].extra("shortest_month_days")
    )
    if row["days"] is not None and row["days"] > shortest:
        return True
    return row["hours"] is not None and row["hours"] > shortest * 24


def _sar_excess(row: Row) -> list[str]:
    months, extension, longest = _sar_limits()
    excess = []
    if row["months"] is not None and row["months"] > months:
        excess.append(f"{plural(row['months'], 'month')} is longer than {plural(months, 'month')}")
    if row["days"] is not None and row["days"] > longest * months:
        excess.append(f"{row['days']} days is longer than {plural(months, 'month')}")
    if row["hours"] is not None and row["hours"] > longest * months * 24:
        excess.append(f"{row['hours']} hours is longer than {plural(months, 'month')}")
    if row["extensionMonths"] is not None and row["extensionMonths"] > extension:
        excess.append(f"an extension of {row['extensionMonths']} months exceeds {extension}")
    return excess


@check("SAR-TIMESCALE-EXCEEDS-LIMIT", SAR_CYPHER)
def _sar_exceeds(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    months, extension, _ = _sar_limits()
    for row in rows:
        excess = _sar_excess(row)
        if excess:
            yield run.finding(
                "Procedure",
                row["id"],
                row["name"],
                f"The procedure states {_sar_statement(row)}: {listing(excess)}; the law allows "
                f"{plural(months, 'month')}, extendable by {extension} further months where "
                "necessary.",
                row["ref"],
            )


@check("SAR-TIMESCALE-NOT-ONE-MONTH", SAR_CYPHER)
def _sar_not_one_month(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    months, extension, _ = _sar_limits()
    for row in rows:
        if _sar_excess(row):
            continue  # SAR-TIMESCALE-EXCEEDS-LIMIT reports it
        if (
            row["months"] == months
            and row["days"] is None
            and row["hours"] is None
            and row["extensionMonths"] in (None, extension)
        ):
            continue  # exactly the statutory period
        counted = any(row[k] is not None for k in ("days", "hours", "months"))
        silent = not counted and row["statedAs"] is None and row["extensionMonths"] is None
        if not counted and not silent:
            continue  # stated in words with no number: nothing to compare
        if counted and row["months"] in (None, months) and not _can_miss_a_month(row):
            continue  # e.g. 28 days: always within the month, as the ICO itself suggests
        yield run.finding(
            "Procedure",
            row["id"],
            row["name"],
            f"The procedure states {_sar_statement(row)}, not the statutory "
            f"{plural(months, 'month')} extendable by {extension} further months where necessary.",
            row["ref"],
        )


@check(
    "BREACH-NOTIFICATION-TIMESCALE",
    """
MATCH (c:Controller)-[:HAS_PROCEDURE]->(p:Procedure)
WHERE p.kind = 'breach_notification'
RETURN p.id AS id, p.name AS name, p.timescaleDays AS days, p.timescaleHours AS hours,
       p.timescaleStatedAs AS statedAs, p.ref AS ref
ORDER BY id
""",
)
def _breach_timescale(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    limit = int(reference_by_id("rights_timescales")["breach_notification"].extra("hours"))
    for row in rows:
        hours = row["hours"] if row["hours"] is not None else None
        if hours is None and row["days"] is not None:
            hours = row["days"] * 24
        if hours is not None and hours <= limit:
            continue
        stated = f" ({quoted(row['statedAs'])})" if row["statedAs"] else ""
        said = f"{hours} hours" if hours is not None else "no timescale"
        yield run.finding(
            "Procedure",
            row["id"],
            row["name"],
            f"The breach procedure states {said}{stated}; the supervisory authority must be "
            f"notified within {limit} hours of becoming aware of a breach, where feasible.",
            row["ref"],
        )


@check(
    "JURISDICTION-NOT-ASSESSED",
    """
MATCH (c:Controller)
RETURN c.id AS id, c.name AS name, c.country AS country, c.ref AS ref
ORDER BY id
""",
)
def _jurisdiction(run: RuleRun, rows: list[Row]) -> Iterator[Finding]:
    law = run.law
    if law.regime is not None:
        return
    later = law.modelled_from()
    for row in rows:
        where = law.country_label(row["country"]) if row["country"] else "an unknown country"
        if later is not None and later.valid_from is not None:
            predecessor = later.extra("predecessor") or "the law that applied before it"
            why = (
                f"{long_date(law.as_of)} predates what ropagraph models for a controller in "
                f"{where}: the {later.name} applies from {long_date(later.valid_from)}. On that "
                f"date {predecessor} applied, which is not modelled, so no GDPR rule was applied "
                "and no GDPR article is cited."
            )
        else:
            why = (
                f"The reference data (jurisdictions.yaml) has no data protection regime for a "
                f"controller in {where} on {long_date(law.as_of)}, so the rules that depend on "
                "it were not applied."
            )
        yield run.finding("Controller", row["id"], row["name"], why, row["ref"])
