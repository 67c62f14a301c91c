"""Fides (fideslang) import and export: the public samples, a richer manifest, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fideslang.parse import load_manifests_into_taxonomy
from typer.testing import CliRunner

from graph.cli import app
from graph.interop.fides_export import export_fides
from graph.model import ActivityRole, Art9Condition, LawfulBasisId, Record, SpecialCategory
from loaders import RecordInvalid, load_record
from loaders.fides import read_fides
from tests.conftest import INTEROP, needs_interop

runner = CliRunner()
SAMPLES = INTEROP / "fides"
KYNEX = Path(__file__).resolve().parent.parent / "data" / "kynex"

CLINIC = {
    "organization": [
        {
            "fides_key": "harbour_dental",
            "name": "Harbour Dental Ltd",
            "controller": {
                "name": "Practice Manager",
                "address": "12 Quay Street, Poole BH15 1HJ",
                "email": "info@harbour.test",
                "phone": "01202 000000",
            },
            "data_protection_officer": {"name": "Dr A Shah", "email": "dpo@harbour.test"},
        }
    ],
    "system": [
        {
            "fides_key": "patient_records",
            "name": "Patient records",
            "system_type": "Application",
            "administrating_department": "Clinical",
            "responsibility": ["Controller"],
            "does_international_transfers": True,
            "legal_basis_for_transfers": ["SCCs"],
            "requires_data_protection_assessments": True,
            "dpa_progress": "complete",
            "data_security_practices": "Encryption at rest and role-based access",
            "privacy_declarations": [
                {
                    "name": "Dental treatment",
                    "data_use": "essential.service",
                    "data_categories": ["user.name", "user.health_and_medical"],
                    "data_subjects": ["patient"],
                    "legal_basis_for_processing": "Contract",
                    "special_category_legal_basis": "Health or social care (with a basis in law)",
                    "processes_special_category_data": True,
                    "retention_period": "11 years",
                    "data_shared_with_third_parties": True,
                    "third_parties": "Dental lab",
                    "shared_categories": ["user.health_and_medical"],
                },
                {
                    "name": "Appointment reminders",
                    "data_use": "essential.service.notifications.sms",
                    "data_categories": ["user.contact.phone_number"],
                    "data_subjects": ["patient"],
                    "legal_basis_for_processing": "Legitimate interests",
                },
            ],
        }
    ],
}


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(CLINIC), encoding="utf-8")
    return path


def _activity(record: Record, name: str):
    return next(a for a in record.activities if a.name == name)


@needs_interop
def test_public_samples_import_and_validate(tmp_path: Path) -> None:
    out = tmp_path / "rec"
    result = runner.invoke(app, ["import", "fides", str(SAMPLES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "could not map" in result.output  # the demo's off-taxonomy keys, no responsibility
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    record = load_record(out)
    assert record.controller.name == "Cookie House" and record.controller.country == "US"
    assert record.controller.dpo and record.controller.dpo.name == "DataPro Tection"
    assert len(record.systems) == 8 and len(record.activities) == 8
    loyalty = _activity(record, "Cookie House Loyalty Program: Essential for Service")
    assert loyalty.business_function == "Engineering"
    cats = {c.id: c.name for c in record.data_categories}
    assert [cats[c] for c in loyalty.data_categories] == ["User Data"]
    reasons = {n.text: n.reason for n in record.record.import_notes}
    assert "not a data use of the Fides default taxonomy" in reasons["improve.system"]
    # The extended taxonomy in the samples folder is read: its custom subject has a name.
    assert "potential_customer" not in reasons


def test_a_richer_manifest_maps_bases_special_data_transfers_and_dpia(clinic: Path) -> None:
    record = read_fides(clinic)
    c = record.controller
    assert (c.name, c.country) == ("Harbour Dental Ltd", "GB")  # from the UK postcode, noted
    assert c.note and "Controller contact (Fides): Practice Manager" in c.note
    treatment = _activity(record, "Dental treatment")
    assert treatment.role is ActivityRole.controller
    assert [b.basis for b in treatment.lawful_bases] == [LawfulBasisId.contract]
    assert [x.condition for x in treatment.special_category_conditions] == [
        Art9Condition.health_social_care
    ]
    health = next(x for x in record.data_categories if x.name == "Health and Medical Data")
    assert health.special_category is SpecialCategory.health
    rules = {r.id: r for r in record.retention_rules}
    assert rules[treatment.retention[0]].period == "11 years"
    assert treatment.dpia and treatment.dpia.required and treatment.dpia.status == "complete"
    recipients = {r.id: r for r in record.recipients}
    lab = next(d for d in treatment.recipients if recipients[d.recipient].name == "Dental lab")
    assert lab.data_categories == [health.id]
    abroad = next(r for r in record.recipients if r.transfers)
    assert abroad.category_only and [t.mechanism.value for t in abroad.transfers] == ["eu_scc"]
    assert abroad.transfers[0].country is None  # Fides does not say where: never guessed
    assert any("not the destination country" in n.reason for n in record.record.import_notes)


def test_fides_import_loads_and_answers_basis_and_transfer_queries(
    clinic: Path, tmp_path: Path
) -> None:
    out, db = tmp_path / "rec", tmp_path / "db.lbug"
    assert runner.invoke(app, ["import", "fides", str(clinic), "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["load", str(out), "--db", str(db)]).exit_code == 0

    def query(name: str) -> list[dict]:
        result = runner.invoke(app, ["query", name, "--json", "--db", str(db)])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    by_basis = {(r["basis"], r["activity"]) for r in query("activities-by-basis")}
    assert by_basis == {
        ("contract", "Dental treatment"),
        ("legitimate_interests", "Appointment reminders"),
    }
    assert query("activities-without-basis") == []
    tools = {(r["recipient"], r["mechanism"], r["country"]) for r in query("recipients")}
    assert ("Recipients outside the country (Patient records)", "eu_scc", None) in tools
    # Fides names no destination, so no row can say which third country: none is invented.
    assert query("third-country-transfers") == []


def test_invalid_resource_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(CLINIC))
    bad["system"][0]["privacy_declarations"][1]["legal_basis_for_processing"] = "Consnet"
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(bad, sort_keys=False), encoding="utf-8")
    with pytest.raises(RecordInvalid) as caught:
        read_fides(path)
    (problem,) = caught.value.problems
    assert problem.file.endswith("bad.yml") and problem.line is not None
    assert problem.field == "system[0].privacy_declarations.1.legal_basis_for_processing"
    result = runner.invoke(app, ["import", "fides", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and not (tmp_path / "o").exists()


def test_without_an_organization_the_country_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "systems.yml"
    path.write_text(yaml.safe_dump({"system": CLINIC["system"]}), encoding="utf-8")
    with pytest.raises(RecordInvalid) as caught:
        read_fides(path)
    assert {p.suggestion for p in caught.value.problems} >= {
        "pass --country with an ISO code, e.g. --country GB"
    }
    record = read_fides(path, controller_name="Harbour Dental Ltd", country="GB")
    assert record.controller.name == "Harbour Dental Ltd"


def _shape(record: Record) -> dict[str, tuple]:
    """What Fides can express, per activity: names of its data, bases, system, function."""
    cats = {c.id: c.name for c in record.data_categories}
    subs = {s.id: s.name for s in record.data_subjects}
    systems = {s.id: s.name for s in record.systems}
    out = {}
    for a in record.activities:
        out[a.name] = (
            sorted(cats[c] for c in a.data_categories),
            sorted(subs[s] for s in a.data_subjects),
            [b.basis for b in a.lawful_bases][:1],
            [c.condition for c in a.special_category_conditions][:1],
            systems[a.systems[0]] if a.systems else None,
            a.role is ActivityRole.processor,
        )
    return out


def test_export_validates_with_fideslang_and_reimports_equivalent(
    clinic: Path, tmp_path: Path
) -> None:
    first = read_fides(clinic)
    exported = export_fides(first)
    taxonomy = load_manifests_into_taxonomy(exported.manifest)
    assert [s.fides_key for s in taxonomy.system] == ["patient_records"]
    (declaration,) = [
        d for d in taxonomy.system[0].privacy_declarations if d.name == "Dental treatment"
    ]
    assert declaration.data_use == "essential.service"
    assert declaration.third_parties == "Dental lab"  # the transfers' category is not a party
    assert declaration.data_categories == ["user.name", "user.health_and_medical"]
    path = tmp_path / "out.yml"
    path.write_text(exported.yaml(), encoding="utf-8")
    second = read_fides(path)
    assert _shape(second) == _shape(first)

    def uses(record: Record) -> dict[str, str | None]:
        return {a.name: a.note.splitlines()[0] if a.note else None for a in record.activities}

    assert (
        uses(second)
        == uses(first)
        == {
            "Dental treatment": "Fides data use: essential.service",
            "Appointment reminders": "Fides data use: essential.service.notifications.sms",
        }
    )
    assert second.controller.name == first.controller.name


def test_kynex_exports_to_fides_and_back_for_what_fides_can_express(tmp_path: Path) -> None:
    kynex = load_record(KYNEX)
    out = tmp_path / "kynex.yml"
    result = runner.invoke(app, ["export", "fides", str(KYNEX), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cannot express (lossy)" in result.output
    manifest = yaml.safe_load(out.read_text(encoding="utf-8"))
    load_manifests_into_taxonomy(manifest)  # fideslang's own validation
    exported = export_fides(kynex)
    assert any("Fides records the tool, not the recipient" in x for x in exported.lossy)
    assert any("controllers served" in x for x in exported.lossy)
    back = read_fides(out, country="GB")
    assert _shape(back) == _shape(kynex) | {
        name: (*shape[:4], shape[4] or f"{kynex.controller.name}: processing with no recorded "
               "system", shape[5])
        for name, shape in _shape(kynex).items()
    }  # fmt: skip


def test_a_fides_manifest_is_read_with_the_record_loaders_walls(tmp_path: Path) -> None:
    """A key written twice in a manifest is a located error, not a silent last-key-wins."""
    manifest = tmp_path / "system.yml"
    manifest.write_text(
        "system:\n"
        "  - fides_key: crm\n"
        "    name: CRM\n"
        "    name: Other CRM\n"
        "    system_type: Service\n"
        "    privacy_declarations: []\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "fides", str(manifest), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "'name' is given twice" in result.output
    assert "system.yml" in result.output and "4" in result.output


@needs_interop
def test_unmapped_items_print_as_whole_lines_in_a_pipe(tmp_path: Path) -> None:
    """Without a terminal (CliRunner, a CI log) each note is one unwrapped line naming the file,
    the element and the field, so a long Fides key is never split mid-word."""
    out = tmp_path / "rec"
    result = runner.invoke(
        app,
        [
            *("import", "fides", str(SAMPLES / "sample_systems.yml"), "--out", str(out)),
            *("--country", "GB", "--controller-name", "Sample Org"),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("sample_systems.yml:")]
    assert lines, result.output
    assert any("cookie_house_customer_database.responsibility" in line for line in lines)
    assert "│" not in result.output
