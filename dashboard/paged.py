"""What the pages show first on a large record, read a page at a time (issue 15).

At 100,000 activities the full answers behind the lawful-basis matrix, the transfers table and
the disclosures per recipient kind are 10^5 rows each; reading them back into Python is what
made those pages take 10–30 s. These helpers ask the store for one page of rows with an exact
count (``data.catalog_page``), and for filters and the world map from DISTINCT or grouped
queries (``page_queries``). Each is tested equal to the full-read answer it replaces on Kynex
and on a generated record (tests/test_dashboard_paged.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import data, page_queries, tables
from graph.build import node_key

if TYPE_CHECKING:
    from graph.findings import Finding


# --------------------------------------------------------------------------- lawful basis


def basis_matrix_page(
    current: data.Loaded, bases: pd.DataFrame, limit: int, skip: int
) -> tuple[pd.DataFrame, int]:
    """Rows ``skip``…``skip + limit`` of ``tables.basis_matrix`` (activities in name order),
    and how many activities there are: the page's activities, then only their claims."""
    activities, total = data.catalog_page(current, page_queries.ACTIVITY_ROWS, limit, skip)
    ids = [str(i) for i in activities["activityId"]]
    claims = data.cypher_frame(current, page_queries.CLAIMS_OF, ids=ids)
    return tables.basis_matrix(activities, claims, bases), total


def used_basis_columns(bases: pd.DataFrame) -> list[str]:
    """The matrix columns of the bases some activity relies on (basis-summary counts them):
    the columns the full matrix has a mark in, in the same order."""
    used = tables.lawful_bases(bases)
    used = used[used["activities"].astype(int) > 0]
    return [tables.basis_label(row.name, row.article) for row in used.itertuples()]


# --------------------------------------------------------------------------- transfers


def transfer_places(current: data.Loaded) -> pd.DataFrame:
    """One row per (destination, recipient) of third-country-transfers, in the table's order,
    with its mechanisms and how many flows and table rows it stands for."""
    return data.cypher_frame(current, page_queries.TRANSFER_PLACES)


def transfer_totals(places: pd.DataFrame) -> tuple[int, list[str]]:
    """``tables.count_transfers`` of the full table: distinct (activity, recipient, country)
    flows and the destination countries."""
    if places.empty:
        return 0, []
    return int(places["flows"].sum()), sorted({str(c) for c in places["country"]})


def destination_names(places: pd.DataFrame) -> dict[str, str]:
    """Destination country code -> name (the Transfers page's country filter)."""
    return {str(c): str(n) for c, n in zip(places["country"], places["countryName"], strict=True)}


def recipients_abroad(places: pd.DataFrame) -> list[str]:
    """Recipient ids in the order they first appear in the transfers table."""
    return list(dict.fromkeys(str(r) for r in places["recipientId"]))


def map_rows(places: pd.DataFrame) -> pd.DataFrame:
    """(country, countryName, recipient, mechanism) once per mechanism a destination and
    recipient have (None for rows stating none): what ``tables.map_transfers`` reads."""
    rows = []
    for country, name, recipient, mechanisms, unstated in zip(
        places["country"],
        places["countryName"],
        places["recipient"],
        places["mechanisms"],
        places["unstated"],
        strict=True,
    ):
        stated: list[str | None] = [str(m) for m in mechanisms or []]
        for mechanism in stated + ([None] if unstated else []):
            rows.append((country, name, recipient, mechanism))
    return pd.DataFrame(rows, columns=["country", "countryName", "recipient", "mechanism"])


def transfers_page(
    current: data.Loaded, places: pd.DataFrame, countries: Sequence[str], limit: int, skip: int
) -> tuple[pd.DataFrame, int]:
    """Rows ``skip``…``skip + limit`` of third-country-transfers (to ``countries`` when some
    are chosen) and how many rows it has, without joining every flow abroad again: ``places``
    says how many rows each (country, recipient name) block holds, in the table's order, so only
    the blocks the page spans are read (``page_queries.TRANSFERS_OF``) and the page cut from
    them."""
    if countries:
        places = places[places["country"].isin(list(countries))]
    total = int(places["rows"].sum()) if not places.empty else 0
    blocks: dict[tuple[str, str], list[str]] = {}
    sizes: dict[tuple[str, str], int] = {}
    for country, recipient, recipient_id, n in zip(  # the table's order: country, then name
        places["country"], places["recipient"], places["recipientId"], places["rows"], strict=True
    ):
        block = (str(country), str(recipient))
        blocks.setdefault(block, []).append(str(recipient_id))
        sizes[block] = sizes.get(block, 0) + int(n)
    wanted: list[tuple[str, str]] = []
    before = start = 0
    for block, size in sizes.items():
        if start + size > skip and start < skip + limit:
            if not wanted:
                before = start
            wanted.append(block)
        start += size
    if not wanted:
        return pd.DataFrame(), total
    rows = data.cypher_frame(
        current,
        page_queries.TRANSFERS_OF.cypher,
        recipients=sorted({r for block in wanted for r in blocks[block]}),
        countries=sorted({country for country, _ in wanted}),
    )
    # Recipients of one block may also send to another chosen country: keep the blocks' rows.
    keep = set(wanted)
    inside = [
        (str(c), str(r)) in keep for c, r in zip(rows["country"], rows["recipient"], strict=True)
    ]
    rows = rows[inside].reset_index(drop=True)
    return rows.iloc[skip - before : skip - before + limit].reset_index(drop=True), total


# --------------------------------------------------------------------------- recipients


def disclosure_blocks(current: data.Loaded) -> pd.DataFrame:
    """How many disclosures each recipient has (kind, recipient, recipientId, country, rows),
    in the disclosures table's order."""
    return data.cypher_frame(current, page_queries.DISCLOSURE_BLOCKS)


def disclosure_countries(blocks: pd.DataFrame) -> list[str]:
    """Countries of the recipients that receive something (the Recipients page's filter)."""
    return sorted({str(c) for c in blocks["country"].dropna()})


def disclosures_page(
    current: data.Loaded,
    blocks: pd.DataFrame,
    kind: str,
    countries: Sequence[str],
    limit: int,
    skip: int,
) -> tuple[pd.DataFrame, int]:
    """Rows ``skip``…``skip + limit`` of the disclosures to one kind of recipient (in the chosen
    countries) and how many there are: ``blocks`` gives each recipient's row count in the
    table's order, so only the recipients the page spans are read (``DISCLOSURES_OF``)."""
    chosen = blocks[blocks["kind"].astype(str) == kind]
    if countries:
        chosen = chosen[chosen["country"].isin(list(countries))]
    total = int(chosen["rows"].sum()) if not chosen.empty else 0
    names: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    for name, recipient_id, n in zip(  # one block per name: the table sorts by name first
        chosen["recipient"], chosen["recipientId"], chosen["rows"], strict=True
    ):
        names.setdefault(str(name), []).append(str(recipient_id))
        sizes[str(name)] = sizes.get(str(name), 0) + int(n)
    wanted: list[str] = []
    before = start = 0
    for name, size in sizes.items():
        if start + size > skip and start < skip + limit:
            if not wanted:
                before = start
            wanted.append(name)
        start += size
    if not wanted:
        return pd.DataFrame(), total
    rows = data.cypher_frame(
        current,
        page_queries.DISCLOSURES_OF.cypher,
        recipients=sorted({r for name in wanted for r in names[name]}),
    )
    return rows.iloc[skip - before : skip - before + limit].reset_index(drop=True), total


# --------------------------------------------------------------------------- findings


def business_functions(current: data.Loaded) -> list[str]:
    """The activities' business functions (the Findings page's filter)."""
    frame = data.cypher_frame(current, page_queries.BUSINESS_FUNCTIONS)
    return [str(f) for f in frame["function"]]


def in_functions(
    current: data.Loaded, findings: Iterable[Finding], functions: Sequence[str]
) -> list[Finding]:
    """The findings that concern one of ``functions``: as ``findings_view.business_functions_of``
    decides on the graph (an activity's own function; for any other element, the functions of
    the activities linked to it), asked of the store for the findings' elements only."""
    findings = list(findings)
    wanted = list(functions)
    by_label: dict[str, set[str]] = {}
    for finding in findings:
        by_label.setdefault(finding.element_label, set()).add(finding.element_id)
    matched: set[str] = set()
    known = _labels()
    for label, ids in sorted(by_label.items()):
        if label not in known:  # not a node label of the schema: nothing to ask
            continue
        if label == "Activity":
            cypher = page_queries.ACTIVITIES_IN_FUNCTIONS
        else:
            cypher = page_queries.LINKED_TO_FUNCTIONS.replace("Element", label)
        frame = data.cypher_frame(current, cypher, ids=sorted(ids), functions=wanted)
        matched |= {node_key(label, str(i)) for i in frame["id"]}
    return [f for f in findings if node_key(f.element_label, f.element_id) in matched]


def _labels() -> set[str]:
    from graph.schema import NODE_SPECS

    return set(NODE_SPECS)
