"""What the three questions share: running a catalog query, and the data they describe."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from graph.queries import get_query
from graph.stores import GraphStore


class NotFound(LookupError):
    """The element asked about is not in the record; the message names the closest ids."""


def ask(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of the catalog query ``name`` as objects keyed by column."""
    query = get_query(name)
    return store.query(query.cypher, query.bind(params)).records()


def ids_like(store: GraphStore, label: str) -> list[str]:
    """Every id of ``label`` (for 'did you mean' hints; labels come from code, never input)."""
    rows = store.query(f"MATCH (n:{label}) RETURN n.id AS id ORDER BY id").rows
    return [str(row[0]) for row in rows]


def not_found(store: GraphStore, label: str, flag: str, given: str) -> NotFound:
    import difflib

    known = ids_like(store, label)
    near = difflib.get_close_matches(given, known, n=3, cutoff=0.5)
    hint = f" — did you mean {', '.join(near)}?" if near else ""
    listing = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return NotFound(
        f"{flag} '{given}': no {label} with that id or name in the record{hint}"
        + (f" (known: {listing})" if known and not near else "")
    )


@dataclass(frozen=True)
class Category:
    """A data category as the questions report it, with the flags that change the duties."""

    id: str
    name: str
    special: bool
    special_category: str | None
    criminal_offence: bool

    @property
    def sensitive(self) -> bool:
        return self.special or self.criminal_offence

    def label(self) -> str:
        flags = []
        if self.special:
            flags.append(f"special category: {self.special_category or 'yes'}")
        if self.criminal_offence:
            flags.append("criminal-offence data")
        return self.name + (f" [{'; '.join(flags)}]" if flags else "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def category_from(row: dict[str, Any]) -> Category | None:
    if row.get("categoryId") is None:
        return None
    return Category(
        id=str(row["categoryId"]),
        name=str(row.get("category") or row["categoryId"]),
        special=bool(row.get("special")),
        special_category=row.get("specialCategory"),
        criminal_offence=bool(row.get("criminalOffence")),
    )


def controller_row(store: GraphStore) -> dict[str, Any]:
    rows = ask(store, "controller-contacts")
    return rows[0] if rows else {}


def listing(names: list[str], limit: int = 10) -> str:
    """'a; b; c' — or the first ``limit`` and how many more, so a note stays readable at scale."""
    shown = "; ".join(names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")
