"""Query answers reshaped for reading: matrices, names instead of ids, statuses spelled out.

Pure functions from DataFrames (catalog query results) to DataFrames, so each is tested without
Streamlit. Whether a transfer mechanism is in force comes from the dated reference data
(data/reference/transfer_mechanisms.yaml), with its source, never from code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.geo import Flow
from graph.reference import reference_by_id

MISSING = "— not recorded"
CHECK = "✓"


def names(ids: Any, mapping: Mapping[str, str]) -> str:
    """'Email address; Name' for a list of ids (unknown ids shown as they are)."""
    if ids is None or (isinstance(ids, float) and pd.isna(ids)):
        return ""
    items = ids if isinstance(ids, (list, tuple)) else [ids]
    return "; ".join(mapping.get(str(i), str(i)) for i in items)


def text(value: Any, missing: str = MISSING) -> str:
    """A cell as text: lists joined, absent values spelled out."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return missing
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) or missing


def country_names(codes: Iterable[str]) -> list[str]:
    """ISO codes as country names ('US' -> 'United States')."""
    from graph.model.base import country_name

    return [country_name(str(c)) for c in codes]


def id_names(frame: pd.DataFrame, id_column: str, name_column: str) -> dict[str, str]:
    return {str(i): str(n) for i, n in zip(frame[id_column], frame[name_column], strict=True)}


# --------------------------------------------------------------------------- lawful basis


VAGUE = "vague"
"""A basis claimed only in general words ("for other purposes, this will be with your consent")."""
AS_PROCESSOR = "as processor"
"""An activity done as processor with no basis: the controller's to state (Art 28, 29)."""
NO_BASIS_ROW = "none"
"""basis-summary's row for activities done as controller that state no basis at all."""


def lawful_bases(bases: pd.DataFrame) -> pd.DataFrame:
    """basis-summary without its 'no basis stated' row: the Art 6(1) bases themselves."""
    return bases[bases["basis"] != NO_BASIS_ROW]


def basis_label(name: Any, article: Any) -> str:
    """'Consent (Art 6(1)(a))'; the 'no basis stated' bucket has no article."""
    return f"{name} ({article})" if article else str(name)


def basis_matrix(
    activities: pd.DataFrame, by_basis: pd.DataFrame, bases: pd.DataFrame
) -> pd.DataFrame:
    """Activities × lawful bases (✓ where stated, 'vague' where claimed only in general words),
    plus a 'no basis stated' column.

    ``activities``: activityId, activity (and role, so an activity done as processor is not
    flagged for a basis that is its controller's); ``by_basis``: the catalog's activities-by-basis;
    ``bases``: the catalog's basis-summary (all bases, in article order).
    """
    bases = lawful_bases(bases)
    columns = [basis_label(row.name, row.article) for row in bases.itertuples()]
    column_of = {str(row.basis): basis_label(row.name, row.article) for row in bases.itertuples()}
    relied: dict[str, dict[str, str]] = {}
    for row in by_basis.itertuples():
        mark = VAGUE if getattr(row, "vague", False) is True else CHECK
        relied.setdefault(str(row.activityId), {})[column_of.get(str(row.basis), "?")] = mark
    rows = []
    for act in activities.itertuples():
        claimed = relied.get(str(act.activityId), {})
        line: dict[str, str] = {"activity": str(act.activity)}
        line.update({c: claimed.get(c, "") for c in columns})
        if claimed:
            line["no basis stated"] = ""
        elif getattr(act, "role", None) == "processor":
            line["no basis stated"] = AS_PROCESSOR  # the controller's basis, not ours to state
        else:
            line["no basis stated"] = "⚠"
        rows.append(line)
    return pd.DataFrame(rows, columns=["activity", *columns, "no basis stated"])


NO_BASIS = "no basis stated"
VAGUE_BASIS = "basis stated only vaguely"
PROCESSOR_BASIS = "as processor (the customer's basis)"


def vaguely_based(claims: pd.DataFrame) -> set[str]:
    """Activities whose every lawful-basis claim is flagged vague (``activityId``, ``vague``)."""
    flags: dict[str, bool] = {}
    for activity, vague in zip(claims.get("activityId", []), claims.get("vague", []), strict=True):
        flags[str(activity)] = flags.get(str(activity), True) and vague is True
    return {activity for activity, all_vague in flags.items() if all_vague}


def basis_chart(
    bases: pd.DataFrame,
    activities: pd.DataFrame,
    by_basis: pd.DataFrame,
    vague: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Activities per lawful basis for a chart, *with* the gap: 'no basis stated' counts the
    activities done as controller that name none (a processor works on its customer's basis,
    shown apart so it is not mistaken for a gap). A basis bar counts the activities that state
    it; claims made only in general words are the 'vaguely' bar, not counted twice. Columns:
    basis, activities, kind."""
    claimed = {str(a) for a in by_basis["activityId"]} if not by_basis.empty else set()
    without = activities[~activities["activityId"].astype(str).isin(claimed)]
    as_processor = int((without["role"] == "processor").sum()) if "role" in without else 0
    return basis_chart_from_counts(bases, len(without), as_processor, len(vague))


def basis_chart_from_counts(
    bases: pd.DataFrame, without: int, as_processor: int, vague: int
) -> pd.DataFrame:
    """:func:`basis_chart` from counts made in the store (``page_queries.BASIS_GAPS`` and
    ``VAGUE_BASIS_COUNT``): the same chart without reading every activity back."""
    bases = lawful_bases(bases)
    stated = bases["stated"] if "stated" in bases else bases["activities"]
    rows = [
        {"basis": basis_label(name, article), "activities": int(count), "kind": "basis"}
        for name, article, count in zip(bases["name"], bases["article"], stated, strict=True)
        if int(count) > 0
    ]
    rows.append({"basis": NO_BASIS, "activities": without - as_processor, "kind": "gap"})
    rows.append({"basis": VAGUE_BASIS, "activities": vague, "kind": "vague"})
    if as_processor:
        rows.append({"basis": PROCESSOR_BASIS, "activities": as_processor, "kind": "processor"})
    return pd.DataFrame(rows, columns=["basis", "activities", "kind"])


BASIS_COLOURS = {
    "basis": "#1976d2",
    "gap": "#c62828",
    "vague": "#ef6c00",
    "processor": "#9e9e9e",
}


def categories_by_basis(frame: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """One row per basis with the data categories processed under it; a category processed
    under the basis only by activities that claim it in general words is marked '(vague)'."""
    label = {str(r.basis): basis_label(r.name, r.article) for r in bases.itertuples()}
    grouped: dict[str, list[str]] = {}
    for row in frame.itertuples():
        vague = getattr(row, "vagueOnly", False) is True
        grouped.setdefault(str(row.basis), []).append(
            f"{row.category} ({VAGUE})" if vague else str(row.category)
        )
    return pd.DataFrame(
        [
            {
                "lawful basis": label.get(basis, basis),
                "data categories": "; ".join(sorted(set(cats))),
                "count": len(set(cats)),
            }
            for basis, cats in grouped.items()
        ],
        columns=["lawful basis", "data categories", "count"],
    )


def special_categories(
    frame: pd.DataFrame, category_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Special-category processing with its condition (from the store), or a warning if none."""
    rows = []
    for row in frame.itertuples():
        condition = row.condition if isinstance(row.condition, str) else None
        if condition:
            condition = condition.replace("_", " ")
        rows.append(
            {
                "activity": row.activity,
                "data category": (category_names or {}).get(str(row.categoryId), row.categoryId),
                "special category": text(row.specialCategory),
                "condition": (f"{condition} ({row.article})" if condition else "⚠ none recorded"),
                "DPA 2018 Schedule 1 condition": text(row.dpaSchedule1, ""),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "activity",
            "data category",
            "special category",
            "condition",
            "DPA 2018 Schedule 1 condition",
        ],
    )


# --------------------------------------------------------------------------- transfers


@dataclass(frozen=True)
class MechanismStatus:
    id: str
    name: str
    in_force: bool | None
    """None when the mechanism is unknown to the reference data (e.g. not stated)."""
    status: str
    source: str | None


def mechanism_status(mechanism: str | None, on: dt.date) -> MechanismStatus:
    """Name and legal status of a transfer mechanism on ``on``, from the reference data."""
    if not mechanism:
        return MechanismStatus("", "no mechanism stated", None, "no mechanism stated", None)
    entry = reference_by_id("transfer_mechanisms").get(mechanism)
    if entry is None:
        return MechanismStatus(mechanism, mechanism, None, "unknown to the reference data", None)
    name = entry.name or mechanism
    if entry.id == "not_stated":
        return MechanismStatus(mechanism, name, None, "no mechanism stated", entry.source)
    if entry.in_force(on):
        status = "in force"
    elif entry.invalid_from is not None and on >= entry.invalid_from:
        status = f"not in force since {entry.invalid_from.isoformat()}"
    else:
        status = f"not yet in force (from {entry.valid_from})"
    return MechanismStatus(mechanism, name, entry.in_force(on), status, entry.source)


def transfers_table(
    transfers: pd.DataFrame, category_names: Mapping[str, str], on: dt.date
) -> pd.DataFrame:
    """The third-country transfers with category names and each mechanism's status on ``on``."""
    rows = []
    for row in transfers.itertuples():
        status = mechanism_status(row.mechanism if isinstance(row.mechanism, str) else None, on)
        rows.append(
            {
                "activity": row.activity,
                "data categories": names(row.dataCategories, category_names),
                "recipient": row.recipient,
                "country": str(row.countryName),
                "mechanism": status.name,
                f"status on {on.isoformat()}": status.status,
                "stated as": text(row.statedAs, ""),
                "where the source says it": text(row.ref, ""),
                "status source": status.source or "",
            }
        )
    columns = [
        "activity",
        "data categories",
        "recipient",
        "country",
        "mechanism",
        f"status on {on.isoformat()}",
        "stated as",
        "where the source says it",
        "status source",
    ]
    return pd.DataFrame(rows, columns=columns)


def transfer_flows(transfers: pd.DataFrame, on: dt.date) -> list[Flow]:
    """One flow per (destination, mechanism) for the map, naming the recipients."""
    grouped: dict[tuple[str, str], tuple[str, bool | None, set[str]]] = {}
    for row in transfers.itertuples():
        status = mechanism_status(row.mechanism if isinstance(row.mechanism, str) else None, on)
        label = status.name if status.in_force is not False else f"{status.name} ({status.status})"
        entry = grouped.setdefault(
            (str(row.country), label), (str(row.countryName), status.in_force, set())
        )
        entry[2].add(str(row.recipient))
    return [
        Flow(country, country_name, label, in_force, tuple(sorted(recipients)))
        for (country, label), (country_name, in_force, recipients) in sorted(grouped.items())
    ]


def map_transfers(
    transfers: pd.DataFrame, on: dt.date
) -> list[tuple[str, str, str, str | None, str]]:
    """(country, country name, recipient, mechanism id, mechanism as read) per transfer row."""
    rows = []
    for row in transfers.itertuples():
        mechanism = row.mechanism if isinstance(row.mechanism, str) else None
        status = mechanism_status(mechanism, on)
        described = (
            status.name if status.in_force is not False else f"{status.name} ({status.status})"
        )
        rows.append(
            (str(row.country), str(row.countryName), str(row.recipient), mechanism, described)
        )
    return rows


def count_transfers(transfers: pd.DataFrame) -> tuple[int, list[str]]:
    """Distinct (activity, recipient, country) flows, and the destination countries."""
    if transfers.empty:
        return 0, []
    flows = transfers[["activityId", "recipientId", "country"]].drop_duplicates()
    return len(flows), sorted(set(transfers["country"].astype(str)))


# --------------------------------------------------------------------------- recipients


RECIPIENT_KIND_TITLES: dict[str, str] = {
    "processor": "Processors (act on our instructions)",
    "sub_processor": "Sub-processors",
    "controller": "Controllers (decide for themselves)",
    "joint_controller": "Joint controllers",
    "public_authority": "Public authorities",
    "unspecified": "Role not stated",
}


def disclosures_table(disclosures: pd.DataFrame, category_names: Mapping[str, str]) -> pd.DataFrame:
    """Who receives what and why: one row per activity → recipient disclosure."""
    return pd.DataFrame(
        [
            {
                "recipient": row.recipient,
                "country": country_names([row.country])[0]
                if isinstance(row.country, str) and row.country
                else "not stated",
                "activity": row.activity,
                "data categories": names(row.dataCategories, category_names),
                "purpose": text(row.purpose, ""),
                "where the source says it": text(row.ref, ""),
            }
            for row in disclosures.itertuples()
        ],
        columns=[
            "recipient",
            "country",
            "activity",
            "data categories",
            "purpose",
            "where the source says it",
        ],
    )


def group_kinds(kinds: Iterable[str]) -> list[str]:
    """Recipient kinds in a reading order (processors first, unstated last)."""
    order = list(RECIPIENT_KIND_TITLES)
    return sorted(set(kinds), key=lambda k: (order.index(k) if k in order else len(order), k))
