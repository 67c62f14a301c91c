"""Paged catalog queries: a page is the full answer's slice, and the count is exact."""

from __future__ import annotations

import pytest

from graph.queries import CATALOG, count_cypher, get_query, page_cypher
from graph.stores import EmbeddedStore

PARAMS = {
    "recipient": "mailchimp",
    "category": "newsletter-email-address",
    # issue 17's question queries
    "system": "website",
    "subject": "customers",
    "activities": "email-newsletter,service-management,call-recording",
    "recipients": "mailchimp,google",
}


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_pages_and_count_match_the_full_answer(kynex_store: EmbeddedStore, name: str) -> None:
    query = get_query(name)
    params = query.bind({k: v for k, v in PARAMS.items() if k in query.params})
    full = kynex_store.query(query.cypher, params).rows
    [[count]] = kynex_store.query(count_cypher(query), params).rows
    assert count == len(full)
    size = 3
    pages = [
        kynex_store.query(page_cypher(query, size, skip), params).rows
        for skip in range(0, len(full) + size, size)
    ]
    assert [row for page in pages for row in page] == full
    assert pages[0] == full[:size]


def test_bad_page_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="limit >= 1"):
        page_cypher(get_query("recipients"), 0)
