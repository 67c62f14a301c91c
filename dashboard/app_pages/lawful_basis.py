"""Lawful basis: which basis each activity relies on, and what each basis needs on record."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, page_queries, paged, tables, widgets
from graph.queries import get_query

# Activities without a basis named in the warning; the rest are counted (and marked ⚠).
LISTED_GAPS = 50


def _question(name: str) -> None:
    """A catalog query's question as the section heading (its wording is the catalog's)."""
    st.subheader(get_query(name).question)


def main() -> None:
    current = widgets.page_header(
        "Lawful basis",
        "Every activity needs a lawful basis; consent needs a way to withdraw it, legitimate "
        "interests an assessment, special-category data a condition.",
    )
    bases = data.catalog(current, "basis-summary")
    category_names = tables.id_names(
        data.catalog(current, "data-categories"), "categoryId", "category"
    )

    _question("basis-summary")
    # Counted in the store: the activities and their claims are 10^5 rows at group scale.
    [[without, as_processor]] = data.run_cypher(current, page_queries.BASIS_GAPS).rows
    [[vague]] = data.run_cypher(current, page_queries.VAGUE_BASIS_COUNT).rows
    chart_data = tables.basis_chart_from_counts(
        bases, int(without or 0), int(as_processor or 0), int(vague or 0)
    )
    widgets.basis_chart(chart_data, key="basis_chart")

    _question("activities-by-basis")
    used = paged.used_basis_columns(bases)
    show_all = st.toggle("Show bases no activity relies on", value=False)

    def matrix_rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if show_all else frame[["activity", *used, "no basis stated"]]

    widgets.store_table(
        lambda limit, skip: paged.basis_matrix_page(current, bases, limit, skip),
        key="basis_matrix",
        shape=matrix_rows,
    )
    st.caption(
        f"{tables.CHECK} the basis is stated for the activity; “{tables.VAGUE}”: claimed only in "
        "general words (e.g. “for other purposes, this will be with your consent”); ⚠ no basis "
        f"stated; “{tables.AS_PROCESSOR}”: done for a controller, whose basis it is."
    )
    missing, n_missing = data.catalog_page(current, "activities-without-basis", LISTED_GAPS)
    if n_missing:
        more = n_missing - len(missing)
        st.warning(
            f"{n_missing:,} activit{'y' if n_missing == 1 else 'ies'} state no lawful "
            "basis: "
            + "; ".join(str(a) for a in missing["activity"])
            + (f"; … and {more:,} more (marked ⚠ in the table above)" if more else "")
        )

    _question("categories-by-basis")
    widgets.table(tables.categories_by_basis(data.catalog(current, "categories-by-basis"), bases))

    _question("consent-activities")
    widgets.catalog_table(
        current,
        "consent-activities",
        key="basis_consent",
        shape=lambda consent: pd.DataFrame(
            {
                "activity": consent["activity"],
                "how to withdraw": [tables.text(w) for w in consent["withdrawal"]],
                "where the source says it": [tables.text(r, "") for r in consent["withdrawalRef"]],
            }
        ),
    )

    _question("legitimate-interests")
    widgets.catalog_table(
        current,
        "legitimate-interests",
        key="basis_interests",
        shape=lambda interests: pd.DataFrame(
            {
                "activity": interests["activity"],
                "interest pursued": [tables.text(i) for i in interests["interest"]],
                "assessment (LIA)": [
                    tables.text(lia, "⚠ no assessment recorded") for lia in interests["lia"]
                ],
                "where the source says it": [tables.text(r, "") for r in interests["ref"]],
            }
        ),
    )

    _question("special-category-processing")
    widgets.catalog_table(
        current,
        "special-category-processing",
        key="basis_special",
        shape=lambda special: tables.special_categories(special, category_names),
        empty="No special-category data is recorded.",
    )

    _question("criminal-offence-processing")
    widgets.catalog_table(
        current,
        "criminal-offence-processing",
        key="basis_criminal",
        shape=lambda criminal: pd.DataFrame(
            {
                "activity": criminal["activity"],
                "data category": [
                    category_names.get(str(c), str(c)) for c in criminal["categoryId"]
                ],
                "basis stated": [tables.text(b, "⚠ none recorded") for b in criminal["art10Basis"]],
                "where the source says it": [tables.text(r, "") for r in criminal["ref"]],
            }
        ),
        empty="No criminal-offence data is recorded.",
    )


main()
