"""``ropagraph findings`` and ``ropagraph rules`` through the CLI: output, JSON, exit codes.

Also the library's promise that one failing rule does not stop the others, and the generated
docs/findings.md staying in step with the rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import graph.cli.commands as cli
from graph.cli import app
from graph.findings import RULES, run_findings
from graph.findings.markdown import rules_markdown
from graph.findings.registry import CHECKS
from graph.stores import EmbeddedStore, QueryResult, StoreError
from tests.conftest import ROOT, minimal_record_data

runner = CliRunner()
MakeRecord = Callable[..., Path]


def findings_json(args: list[str]) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["findings", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_kynex_json_report(kynex_path: Path) -> None:
    code, report = findings_json([str(kynex_path), "--as-of", "2026-06-01"])
    assert code == 0
    assert report["as_of"] == "2026-06-01"
    assert report["jurisdiction"] == "UK GDPR"
    assert report["errors"] == {}
    assert sum(report["counts"].values()) == len(report["findings"])
    invalid = {
        f["element_id"] for f in report["findings"] if f["rule"] == "TRANSFER-INVALID-MECHANISM"
    }
    assert invalid == {"google", "mailchimp"}
    first = report["findings"][0]
    assert set(first) == {
        "rule",
        "title",
        "severity",
        "articles",
        "element_label",
        "element_id",
        "element_name",
        "why",
        "what_to_do",
        "ref",
    }
    assert first["severity"] == "high"


def test_default_date_is_today(make_record: MakeRecord) -> None:
    code, report = findings_json([str(make_record())])
    assert code == 0
    assert report["as_of"] == dt.date.today().isoformat()


def test_fail_on_is_a_ci_gate(kynex_path: Path, make_record: MakeRecord) -> None:
    kynex = runner.invoke(app, ["findings", str(kynex_path), "--fail-on", "high"])
    assert kynex.exit_code == 1
    assert "--fail-on high: fails" in kynex.stdout
    clean = make_record()  # the minimal record: medium, info findings, nothing high
    passing = runner.invoke(app, ["findings", str(clean), "--fail-on", "HIGH"])
    assert passing.exit_code == 0, passing.output
    assert "--fail-on high: passes" in passing.stdout
    assert runner.invoke(app, ["findings", str(clean), "--fail-on", "medium"]).exit_code == 1


def test_as_of_before_schrems_ii(kynex_path: Path) -> None:
    args = [str(kynex_path), "--rule", "TRANSFER-INVALID-MECHANISM"]
    code, before = findings_json([*args, "--as-of", "2020-01-01"])
    assert code == 0 and before["findings"] == [] and before["jurisdiction"] == "GDPR"
    code, after = findings_json([*args, "--as-of", "2021-01-01"])
    assert {f["element_id"] for f in after["findings"]} == {"google", "mailchimp"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2020-13-01"], "is not a date: use YYYY-MM-DD"),
        (["--as-of", "yesterday"], "is not a date: use YYYY-MM-DD"),
        (["--fail-on", "hihg"], "did you mean 'high'?"),
        (["--fail-on", "critical"], "use one of high, medium, low, info"),
        (["--rule", "TRANSFER-INVALID"], "did you mean TRANSFER-INVALID-MECHANISM?"),
        (["--store", "oracle"], "unknown store 'oracle'"),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    make_record: MakeRecord, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["findings", str(make_record()), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_invalid_record_is_refused_with_the_closest_known_names(make_record: MakeRecord) -> None:
    data = minimal_record_data()
    data["recipients"][0]["transfers"] = [{"mechanism": "privacy_sheild"}]
    data["recipients"][0]["country"] = "XX"
    result = runner.invoke(app, ["findings", str(make_record(data))])
    assert result.exit_code == 1
    assert "did you mean 'privacy_shield'?" in result.stderr
    assert "'XX' is not an ISO 3166-1 alpha-2 country code" in result.stderr
    assert "recipients[0].transfers[0].mechanism" in result.stderr
    assert result.stdout == ""


def test_table_and_narrow_layouts(kynex_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table where there is room (conftest sets 250 columns), blocks on a narrow terminal."""
    wide = runner.invoke(app, ["findings", str(kynex_path), "--rule", "LEGISLATION-OBSOLETE"])
    assert wide.exit_code == 0
    for text in ("LEGISLATION-OBSOLETE", "uk-dpa-1998", "what to do", "UK GDPR Art 12(1)"):
        assert text in wide.stdout
    assert "why:" not in wide.stdout
    monkeypatch.setattr(cli.out, "width", 80)
    narrow = runner.invoke(app, ["findings", str(kynex_path), "--rule", "LEGISLATION-OBSOLETE"])
    assert narrow.exit_code == 0
    assert "why:" in narrow.stdout and "what to do:" in narrow.stdout
    assert "(uk-dpa-1998)" in narrow.stdout


def test_record_is_checked_in_a_temporary_store(
    make_record: MakeRecord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default_store = tmp_path / "default.lbug"
    monkeypatch.setenv("ROPAGRAPH_DB", str(default_store))
    # A temp folder of this test's own: other processes on the machine (parallel test runs)
    # make and remove ropagraph-findings-* folders in the shared one at any time.
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    before = set(os.listdir(tempfile_dir())) if tempfile_dir().exists() else set()
    assert runner.invoke(app, ["findings", str(make_record())]).exit_code == 0
    assert not default_store.exists()
    leftovers = {
        name
        for name in set(os.listdir(tempfile_dir())) - before
        if name.startswith("ropagraph-findings-")
    }
    assert leftovers == set()


def tempfile_dir() -> Path:
    import tempfile

    return Path(tempfile.gettempdir())


def test_runs_on_a_loaded_store_without_record(kynex_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.lbug"
    assert runner.invoke(app, ["load", str(kynex_path), "--db", str(db)]).exit_code == 0
    code, report = findings_json(["--db", str(db), "--rule", "LEGISLATION-OBSOLETE"])
    assert code == 0
    assert {f["element_id"] for f in report["findings"]} == {"uk-dpa-1998", "eu-dpd-1995"}


def test_store_problems_are_reported(tmp_path: Path, make_record: MakeRecord) -> None:
    missing = runner.invoke(app, ["findings", "--db", str(tmp_path / "none.lbug")])
    assert missing.exit_code == 1
    assert "no store at" in missing.stderr
    both = runner.invoke(app, ["findings", str(make_record()), "--db", str(tmp_path / "x")])
    assert both.exit_code == 2
    assert "not both" in both.stderr


def test_neo4j_store(kynex_path: Path) -> None:
    if not os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI is not set: no Neo4j server to run the rules against")
    result = runner.invoke(app, ["findings", "--store", "neo4j", "--json"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["errors"] == {}


def test_a_failing_rule_is_reported_and_the_others_still_run(
    kynex_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = dataclasses.replace(
        CHECKS["DPO-CONTACT-MISSING"], cypher="MATCH (x:NoSuchLabel) RETURN x.id AS id"
    )
    monkeypatch.setitem(CHECKS, "DPO-CONTACT-MISSING", broken)
    result = runner.invoke(app, ["findings", str(kynex_path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report["errors"]) == {"DPO-CONTACT-MISSING"}
    assert "NoSuchLabel" in report["errors"]["DPO-CONTACT-MISSING"]
    assert "rule DPO-CONTACT-MISSING could not run" in result.stderr
    rules_found = {f["rule"] for f in report["findings"]}
    assert "TRANSFER-INVALID-MECHANISM" in rules_found
    assert "DPO-CONTACT-MISSING" not in rules_found


class OutageStore:
    """The real Kynex store, except that queries touching retention rules fail as a flaky
    backend would: isolates one family of rules without faking any result."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store

    def query(
        self, cypher: str, params: Mapping[str, Any] | None = None, timeout_ms: int = 30_000
    ) -> QueryResult:
        if "RetentionRule" in cypher:
            raise StoreError("connection reset while reading RetentionRule")
        return self.store.query(cypher, params, timeout_ms)

    def load(self, graph: Any, progress: Any = None) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        pass


def test_library_isolates_failing_rules(kynex_store: EmbeddedStore) -> None:
    report = run_findings(OutageStore(kynex_store), as_of=dt.date(2026, 6, 1))
    assert set(report.errors) == {
        "RETENTION-MISSING",
        "RETENTION-VAGUE",
        "RETENTION-NO-PERIOD",
    }
    assert all("connection reset" in message for message in report.errors.values())
    assert not [f for f in report.findings if f.rule.startswith("RETENTION-")]
    assert [f for f in report.findings if f.rule == "TRANSFER-INVALID-MECHANISM"]


def test_unknown_rule_names_are_refused_by_the_library(kynex_store: EmbeddedStore) -> None:
    with pytest.raises(ValueError, match="did you mean LAWFUL-BASIS-MISSING"):
        run_findings(kynex_store, rules=["LAWFUL-BASIS-MISING"])


def test_rules_lists_every_rule() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule_id in RULES:
        assert rule_id in result.stdout
    listed = json.loads(runner.invoke(app, ["rules", "--json"]).stdout)
    assert {r["id"] for r in listed} == set(RULES)
    assert all(r["cypher"] and r["severity"] in ("high", "medium", "low", "info") for r in listed)


def test_docs_findings_md_is_the_generated_output() -> None:
    doc = ROOT / "docs" / "findings.md"
    generated = runner.invoke(app, ["rules", "--markdown"]).stdout
    assert generated == rules_markdown()
    assert doc.read_text(encoding="utf-8") == generated, (
        "docs/findings.md is out of date: run 'ropagraph rules --markdown > docs/findings.md'"
    )
    for rule_id in RULES:
        assert f"## {rule_id}\n" in generated
