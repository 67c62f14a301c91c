"""Lawful basis: which basis each activity relies on, and what each basis needs on record."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, page_queries, tables, widgets
from graph.queries import get_query


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
    activities = data.cypher_frame(current, page_queries.ACTIVITIES)
    by_basis = data.catalog(current, "activities-by-basis")
    category_names = tables.id_names(
        data.catalog(current, "data-categories"), "categoryId", "category"
    )

    _question("basis-summary")
    vague = tables.vaguely_based(data.cypher_frame(current, page_queries.BASIS_CLAIMS))
    chart_data = tables.basis_chart(bases, activities, by_basis, vague)
    widgets.basis_chart(chart_data, key="basis_chart")

    _question("activities-by-basis")
    matrix = tables.basis_matrix(activities, by_basis, bases)
    used = [c for c in matrix.columns[1:-1] if (matrix[c] != "").any()]
    show_all = st.toggle("Show bases no activity relies on", value=False)
    widgets.table(matrix if show_all else matrix[["activity", *used, "no basis stated"]])
    st.caption(
        f"{tables.CHECK} the basis is stated for the activity; “{tables.VAGUE}”: claimed only in "
        "general words (e.g. “for other purposes, this will be with your consent”); ⚠ no basis "
        f"stated; “{tables.AS_PROCESSOR}”: done for a controller, whose basis it is."
    )
    missing = data.catalog(current, "activities-without-basis")
    if not missing.empty:
        st.warning(
            f"{len(missing)} activit{'y' if len(missing) == 1 else 'ies'} state no lawful "
            "basis: " + "; ".join(str(a) for a in missing["activity"])
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
    special = data.catalog(current, "special-category-processing")
    if special.empty:
        st.caption("No special-category data is recorded.")
    else:
        widgets.table(tables.special_categories(special, category_names))

    _question("criminal-offence-processing")
    criminal = data.catalog(current, "criminal-offence-processing")
    if criminal.empty:
        st.caption("No criminal-offence data is recorded.")
    else:
        widgets.table(
            pd.DataFrame(
                {
                    "activity": criminal["activity"],
                    "data category": [
                        category_names.get(str(c), str(c)) for c in criminal["categoryId"]
                    ],
                    "basis stated": [
                        tables.text(b, "⚠ none recorded") for b in criminal["art10Basis"]
                    ],
                    "where the source says it": [tables.text(r, "") for r in criminal["ref"]],
                }
            )
        )


main()
