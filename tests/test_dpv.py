"""W3C DPV export: DPV 2.3 IRIs only, parses back, SPARQL agrees with the Cypher query."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from graph.cli import app
from graph.interop.dpv_export import RGV, export_dpv
from graph.model import (
    Art9Condition,
    LawfulBasisId,
    MeasureKind,
    RecipientKind,
    Record,
    SpecialCategory,
    TransferMechanismId,
)
from graph.reference import reference
from loaders import load_record
from tests.conftest import INTEROP, needs_interop

runner = CliRunner()
DPV_CSVS = sorted((INTEROP / "dpv").glob("*.csv"))
KYNEX = Path(__file__).resolve().parent.parent / "data" / "kynex"
DPV_ROOT = "https://w3id.org/dpv"

TRANSFERS_SPARQL = """
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rgv: <urn:ropagraph:vocab#>
SELECT ?activity ?recipient ?country ?basis WHERE {
  ?a a dpv:Process ; dct:identifier ?activity ; dpv:hasProcess ?t .
  ?t a dpv:Transfer ; dpv:hasRecipient ?r ; dpv:hasThirdCountry ?k .
  ?r dct:identifier ?recipient .
  ?k rgv:isoCode ?country .
  OPTIONAL { ?t dpv:hasLegalBasis ?basis }
}
"""


def dpv_iris() -> set[str]:
    iris: set[str] = set()
    for path in DPV_CSVS:
        with path.open(encoding="utf-8") as handle:
            iris |= {row["iri"] for row in csv.DictReader(handle)}
    return iris


@pytest.fixture(scope="module")
def kynex() -> Record:
    return load_record(KYNEX)


def _uk_record(kynex: Record) -> Record:
    """Kynex with the UK-only concepts: an IDTA transfer, recognised LI, a Sch 1 condition."""
    data = kynex.model_dump()
    recipient = next(r for r in data["recipients"] if r["transfers"])
    recipient["transfers"].append({"mechanism": "idta", "country": "IN"})
    recipient["transfers"].append({"mechanism": "uk_addendum", "country": "IN"})
    activity = next(a for a in data["activities"] if a["lawful_bases"])
    activity["lawful_bases"].append({"basis": "recognised_legitimate_interest"})
    activity["special_category_conditions"].append(
        {"condition": "health_social_care", "dpa_schedule1": "Sch 1 Pt 1 para 2"}
    )
    return Record.model_validate(data)


@needs_interop
def test_every_dpv_iri_emitted_exists_in_dpv_2_3(kynex: Record) -> None:
    graph = export_dpv(_uk_record(kynex)).graph
    known = dpv_iris()
    used = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    emitted = {iri for iri in used if iri.startswith(DPV_ROOT)}
    assert emitted and sorted(emitted - known) == []


@needs_interop
def test_the_mapping_covers_every_vocabulary_value_with_a_known_iri() -> None:
    known = dpv_iris()
    entries = {(e.extra("kind"), e.extra("ropagraph")): e for e in reference("dpv_mapping")}
    for kind, values in (
        ("lawful_basis", list(LawfulBasisId)),
        ("art9_condition", list(Art9Condition)),
        ("transfer_tool", [m for m in TransferMechanismId if m.value != "not_stated"]),
        ("recipient_kind", list(RecipientKind)),
        ("special_category", [*SpecialCategory, "criminal_offence"]),
        ("measure_kind", [*MeasureKind, "unspecified"]),
    ):
        for value in values:
            entry = entries[(kind, str(getattr(value, "value", value)))]
            iri, broader = entry.extra("iri"), entry.extra("broader")
            assert (iri in known) or (entry.extra("ours") and broader in known), (kind, value)


def test_uk_only_concepts_are_in_our_namespace_and_say_so(kynex: Record) -> None:
    graph = export_dpv(_uk_record(kynex)).graph
    for local in ("UK-IDTA", "UK-Addendum", "UKGDPR-A6-1-ea-RecognisedLegitimateInterest",
                  "DPA2018-Schedule1-Condition"):  # fmt: skip
        concept = RGV[local]
        comments = [str(c) for c in graph.objects(concept, RDFS.comment)]
        assert comments and "Not a DPV concept" in comments[0], local
        assert (None, None, concept) in graph


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_export_parses_back_with_rdflib(kynex: Record, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"kynex.{fmt}"
    result = runner.invoke(app, ["export", "dpv", str(KYNEX), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    parsed = Graph().parse(out, format="turtle" if fmt == "ttl" else "json-ld")
    assert isomorphic(parsed, export_dpv(kynex).graph)
    processes = set(parsed.subjects(RDF.type, URIRef(f"{DPV_ROOT}#Process")))
    assert len(processes) == len(kynex.activities)


def test_sparql_lists_the_same_third_country_transfers_as_the_query(
    kynex: Record, tmp_path: Path
) -> None:
    db = tmp_path / "db.lbug"
    assert runner.invoke(app, ["load", str(KYNEX), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["query", "third-country-transfers", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows  # Kynex transfers data to the US
    tools = {
        str(e.extra("ropagraph")): e.extra("iri") or f"{RGV}{e.extra('ours')}"
        for e in reference("dpv_mapping")
        if e.extra("kind") == "transfer_tool"
    }
    expected = {
        (r["activityId"], r["recipientId"], r["country"], tools.get(r["mechanism"] or ""))
        for r in rows
    }
    out = tmp_path / "kynex.ttl"
    assert runner.invoke(app, ["export", "dpv", str(KYNEX), "--out", str(out)]).exit_code == 0
    graph = Graph().parse(out, format="turtle")
    found = {
        (str(a), str(r), str(k), str(b) if b is not None else None)
        for a, r, k, b in graph.query(TRANSFERS_SPARQL)
    }
    assert found == expected


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "dpv", str(KYNEX), "--format", "xml", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "ttl, jsonld" in result.output


@needs_interop
def test_applicable_law_follows_the_controllers_regime_on_the_date(kynex: Record) -> None:
    def laws(on: dt.date) -> set[str]:
        graph = export_dpv(kynex, as_of=on).graph
        return {str(o) for o in graph.objects(None, URIRef(f"{DPV_ROOT}#hasApplicableLaw"))}

    assert laws(dt.date(2026, 12, 1)) == {
        "https://w3id.org/dpv/legal/gb#law-GDPR",
        "https://w3id.org/dpv/legal/gb#law-DPA",
    }
    # Before the end of the Brexit transition period the EU GDPR applied in the UK.
    assert laws(dt.date(2020, 6, 1)) == {"https://w3id.org/dpv/legal/eu#law-GDPR"}
    assert laws(dt.date(2020, 6, 1)) <= dpv_iris()
