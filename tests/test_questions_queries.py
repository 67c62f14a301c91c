"""The catalog queries behind impact, locate and diff (issue 17) give rows on Kynex, and their
rows match the record computed in plain Python (so a query wrong on every store still fails)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.queries import CATALOG
from graph.stores import EmbeddedStore
from tests.test_neo4j_support import KYNEX_PARAMS

QUESTIONS = sorted(q.name for q in CATALOG.values() if q.group in ("breach", "rights", "changes"))


def rows(store: EmbeddedStore, name: str) -> list[dict[str, Any]]:
    query = CATALOG[name]
    return store.query(query.cypher, query.bind(KYNEX_PARAMS.get(name, {}))).records()


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_question_query_runs_with_its_kynex_parameters(
    kynex_store: EmbeddedStore, name: str
) -> None:
    found = rows(kynex_store, name)
    if name == "subprocessors":
        assert found == []  # Kynex names no sub-processor; tests/test_questions_impact.py has one
    else:
        assert found, f"{name} gives no rows on Kynex"


def test_subject_processing_matches_the_record(
    kynex_store: EmbeddedStore, kynex_record: Any
) -> None:
    expected = sorted(
        (a.id, c)
        for a in kynex_record.activities
        if "customers" in a.data_subjects
        for c in a.data_categories
    )
    got = sorted(
        (r["activityId"], r["categoryId"])
        for r in rows(kynex_store, "subject-processing")
        if r["categoryId"] is not None
    )
    assert got == expected


def test_activities_recipients_matches_the_record(
    kynex_store: EmbeddedStore, kynex_record: Any
) -> None:
    wanted = KYNEX_PARAMS["activities-recipients"]["activities"]
    expected = sorted(
        (a.id, d.recipient) for a in kynex_record.activities if a.id in wanted for d in a.recipients
    )
    got = sorted(
        (r["activityId"], r["recipientId"]) for r in rows(kynex_store, "activities-recipients")
    )
    assert got == expected


def test_docs_list_every_question_query() -> None:
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "questions.md").read_text(encoding="utf-8")
    for name in QUESTIONS:
        query = CATALOG[name]
        assert f"| `{name}` | {query.group} | {query.question} |" in doc, name


def test_docs_list_every_breach_duty() -> None:
    from graph.reference import reference
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "questions.md").read_text(encoding="utf-8")
    for entry in reference("breach_duties"):
        if entry.extra("kind") == "duty":
            assert f"`{entry.id}`" in doc, entry.id


def test_list_parameters_accept_comma_separated_text(tmp_path) -> None:
    from typer.testing import CliRunner

    from graph.cli import app
    from tests.conftest import KYNEX

    runner = CliRunner()
    db = str(tmp_path / "k.lbug")
    assert runner.invoke(app, ["load", str(KYNEX), "--db", db]).exit_code == 0
    result = runner.invoke(
        app,
        ["query", "activities-subjects", "--db", db, "--json",
         "-p", "activities=email-newsletter, call-recording"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.stdout)
    assert {r["activityId"] for r in rows} == {"email-newsletter", "call-recording"}
    assert CATALOG["activities-subjects"].bind({"activities": ["a"]}) == {"activities": ["a"]}
