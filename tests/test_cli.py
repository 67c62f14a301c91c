"""Every foundation command, through the CLI runner: output, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, kynex_path: Path) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store.lbug"
    result = runner.invoke(app, ["load", str(kynex_path), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "load", "queries", "query", "cypher", "schema"):
        assert command in result.output


def test_validate_ok(kynex_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(kynex_path)])
    assert result.exit_code == 0
    assert "valid record" in result.output
    assert "16 Activity" in result.output


def test_validate_bad_record_exit_1_with_suggestion(make_record) -> None:
    path = make_record(
        activities=[{"id": "x", "name": "X", "purposes": ["p"], "lawful_bases": ["consnet"]}]
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "consnet" in result.output
    assert "did you mean 'consent'?" in result.output


def test_load_twice_says_nothing_to_do(db: Path, kynex_path: Path) -> None:
    result = runner.invoke(app, ["load", str(kynex_path), "--db", str(db)])
    assert result.exit_code == 0
    assert "nothing to do" in result.output
    forced = runner.invoke(app, ["load", str(kynex_path), "--db", str(db), "--force"])
    assert forced.exit_code == 0 and "Loaded" in forced.output


def test_queries_catalog_json() -> None:
    result = runner.invoke(app, ["queries", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.output)
    names = {i["name"] for i in items}
    assert {"third-country-transfers", "what-goes-to", "activities-by-basis"} <= names
    assert next(i for i in items if i["name"] == "what-goes-to")["params"] == {
        "recipient": "recipient id or name, e.g. mailchimp"
    }


def test_query_table_and_json(db: Path) -> None:
    result = runner.invoke(app, ["query", "third-country-transfers", "--db", str(db)])
    assert result.exit_code == 0
    assert "MailChimp" in result.output and "Google" in result.output
    result = runner.invoke(
        app, ["query", "what-goes-to", "--param", "recipient=mailchimp", "--json", "--db", str(db)]
    )
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert rows == [
        {
            "recipient": "MailChimp",
            "activityId": "email-newsletter",
            "activity": rows[0]["activity"],
            "categoryId": "newsletter-email-address",
            "category": rows[0]["category"],
            "ref": rows[0]["ref"],
        }
    ]


def test_query_usage_errors_exit_2(db: Path) -> None:
    missing = runner.invoke(app, ["query", "what-goes-to", "--db", str(db)])
    assert missing.exit_code == 2 and "missing --param recipient" in missing.output
    unknown = runner.invoke(app, ["query", "no-such-query", "--db", str(db)])
    assert unknown.exit_code == 2 and "no query named" in unknown.output
    badparam = runner.invoke(app, ["query", "what-goes-to", "-p", "recipient", "--db", str(db)])
    assert badparam.exit_code == 2


def test_cypher_runs_reads(db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "cypher",
            "MATCH (a:Activity)-[:RELIES_ON]->(b:LawfulBasis {id:'consent'}) RETURN a.name AS name "
            "ORDER BY name",
            "--json",
            "--db",
            str(db),
        ],
    )
    assert result.exit_code == 0, result.output
    names = [r["name"] for r in json.loads(result.output)]
    assert "Email newsletter (MailChimp)" in names or any("newsletter" in n.lower() for n in names)
    assert len(names) == 6  # incl. four activities claiming §8's general consent (vague)


def test_cypher_with_parameters(db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "cypher",
            "MATCH (r:Recipient {id: $id}) RETURN r.country AS c",
            "-p",
            "id=google",
            "--json",
            "--db",
            str(db),
        ],
    )
    assert json.loads(result.output) == [{"c": "US"}]


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (n) DETACH DELETE n",
        "CREATE (:Country {id:'FR'})",
        "MATCH (n:Activity) SET n.name='x'",
    ],
)
def test_cypher_refuses_writes(db: Path, statement: str) -> None:
    result = runner.invoke(app, ["cypher", statement, "--db", str(db)])
    assert result.exit_code == 1
    assert "refused" in result.output
    count = runner.invoke(
        app, ["cypher", "MATCH (n:Country) RETURN count(n) AS n", "--json", "--db", str(db)]
    )
    assert json.loads(count.output) == [{"n": 2}]


def test_cypher_syntax_error_is_a_message(db: Path) -> None:
    result = runner.invoke(app, ["cypher", "MATCH (n RETURN n", "--db", str(db)])
    assert result.exit_code == 1
    assert "error" in result.output.lower()
    assert "Traceback" not in result.output


def test_query_without_store(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "recipients", "--db", str(tmp_path / "none.lbug")])
    assert result.exit_code == 1
    assert "load a record first" in result.output


def test_schema_is_json_schema_of_the_record() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "Record"
    assert {"record", "controller", "activities"} <= set(schema["required"])
    assert "LawfulBasisId" in schema["$defs"]


def test_schema_validates_kynex_with_jsonschema(kynex_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed")
    import yaml

    schema = json.loads(runner.invoke(app, ["schema"]).output)
    merged: dict = {}
    for file in sorted(kynex_path.glob("*.yaml")):
        for key, value in (yaml.safe_load(file.read_text()) or {}).items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    jsonschema.validate(merged, schema)


def test_info_and_summary(db: Path, kynex_path: Path) -> None:
    info = runner.invoke(app, ["info", "--db", str(db)])
    assert info.exit_code == 0
    assert "kynex" in info.output and "Activity: 16" in info.output
    summary = runner.invoke(app, ["summary", str(kynex_path), "--db", str(db)])
    assert summary.exit_code == 0
    assert "Art 6(1)(a)" in summary.output and "MailChimp" in summary.output


def test_stats(kynex_path: Path) -> None:
    result = runner.invoke(app, ["stats", str(kynex_path)])
    assert result.exit_code == 0
    assert "DISCLOSES_TO" in result.output
