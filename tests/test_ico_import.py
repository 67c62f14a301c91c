"""Import of ICO-template workbooks kept by hand, and every kind of bad input, with clear errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from graph.cli import app
from graph.model import LawfulBasisId, RecipientKind, TransferMechanismId
from graph.ropa import export_ropa_bytes
from graph.ropa.layout import H_ART6, H_BREACH, H_CATEGORIES, H_PURPOSE, H_SUBJECTS
from loaders import RecordInvalid, load_record
from loaders.ico import read_ico_xlsx
from loaders.ico.parse import parse_basis, parse_condition, parse_country, split_values

runner = CliRunner()

# A hand-kept sheet: headings typed with other case and spacing, optional columns missing, an
# extra column, a controller block with its own labels, and the usual ways of writing things.
HEADINGS = [
    "business  FUNCTION",
    "Purpose of processing",
    "Categories of individuals",
    "categories of personal data",
    "Categories of recipients",
    "Names of third countries or international organisations that personal data are transferred to",
    "Safeguards for exceptional transfers of personal data to third countries or "
    "international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Existence of automated decision-making, including profiling (if applicable)",
    "Data Protection Impact Assessment required?",
    "Has a personal data breach occurred?",
    "Our internal notes",
]
ROWS = [
    [
        "HR",
        "Payroll",
        "Employees; contractors",
        "Name, address, bank details",
        "Acme Payroll Services, Inc., HMRC",
        "India",
        "Standard contractual clauses",
        "6 years",
        "Encryption, access controls",
        "Art 6(1)(c)",
        "N/A",
        "N/A",
        "No",
        "No",
        "No",
        "check with Sam",
    ],
    [
        "Marketing",
        "Newsletter",
        "Subscribers",
        "Email address",
        "Mailchimp",
        "USA",
        "EU-US Data Privacy Framework",
        "While subscribed: until they unsubscribe",
        "Double opt-in",
        "Consent",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "Security",
        "Fraud prevention",
        "Customers",
        "Transaction history",
        "",
        "",
        "",
        "2 years",
        "",
        "6(1)(f) legitimate interests",
        "",
        "Preventing fraud against our customers",
        "Automated fraud scoring of transactions",
        "Yes",
        "",
        "",
    ],
    [
        "Health",
        "Occupational health referrals",
        "Employees",
        "Health data",
        "Occupational health provider",
        "",
        "",
        "",
        "",
        "Legal obligation",
        "Health or social care",
        "",
        "",
        "Yes",
        "",
        "",
    ],
]


def write_workbook(
    path: Path,
    rows: list[list[str]],
    headings: list[str] = HEADINGS,
    block: bool = True,
    sheet_title: str = "Controller",
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    if block:
        ws.append(["Documentation template for controllers"])
        ws.append([])
        ws.append(["", "Name", "Address", "Email", "Telephone"])
        ws.append(["Name of organisation", "Acme Ltd", "1 High St, Leeds", "dpo@acme.test", ""])
        ws.append(["DPO", "Jo Bloggs", "", "jo@acme.test", "0113 000 0000"])
        ws.append([])
    ws.append(headings)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def hand_kept(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "acme-ropa.xlsx", ROWS)


def test_reads_a_hand_kept_sheet(hand_kept: Path) -> None:
    record = read_ico_xlsx(hand_kept, country="GB")
    assert record.controller.name == "Acme Ltd"
    assert record.controller.country == "GB"
    assert record.controller.contact and record.controller.contact.address == "1 High St, Leeds"
    assert record.controller.dpo and record.controller.dpo.name == "Jo Bloggs"
    assert record.controller.dpo.contact and record.controller.dpo.contact.phone == "0113 000 0000"

    payroll, newsletter, fraud, health = record.activities
    assert payroll.business_function == "HR" and payroll.purposes == ["Payroll"]
    assert payroll.ref == "acme-ropa.xlsx row 8"
    subjects = {s.id: s.name for s in record.data_subjects}
    assert [subjects[s] for s in payroll.data_subjects] == ["Employees", "contractors"]
    categories = {c.id: c.name for c in record.data_categories}
    assert [categories[c] for c in payroll.data_categories] == [
        "Name",
        "address",
        "bank details",
    ]
    recipients = {r.id: r for r in record.recipients}
    assert [recipients[d.recipient].name for d in payroll.recipients] == [
        "Acme Payroll Services, Inc.",  # the comma before "Inc." does not split the name
        "HMRC",
        "Recipients in India",  # see below
    ]
    assert [b.basis for b in payroll.lawful_bases] == [LawfulBasisId.legal_obligation]
    assert payroll.special_category_conditions == []  # "N/A"
    assert payroll.dpia and payroll.dpia.required is False
    # An unknown column is never dropped: kept in the note and listed as an import note.
    assert payroll.note and "Not mapped — Our internal notes: check with Sam" in payroll.note
    unmapped = [n for n in record.record.import_notes if n.heading == "Our internal notes"]
    assert [(n.sheet, n.row, n.column, n.text) for n in unmapped] == [
        ("Controller", 8, "P", "check with Sam")
    ]
    assert f"{H_BREACH}: No" in payroll.note  # known column the model lacks: kept in the note

    rules = {r.id: r for r in record.retention_rules}
    assert rules[payroll.retention[0]].period == "6 years"
    newsletter_rule = rules[newsletter.retention[0]]
    assert newsletter_rule.name == "While subscribed"
    assert newsletter_rule.criteria == "until they unsubscribe"

    mailchimp = next(r for r in record.recipients if r.name == "Mailchimp")
    assert mailchimp.kind is RecipientKind.unspecified
    assert [(t.country, t.mechanism, t.stated_as) for t in mailchimp.transfers] == [
        ("US", TransferMechanismId.eu_us_dpf, "EU-US Data Privacy Framework")
    ]
    assert [b.basis for b in newsletter.lawful_bases] == [LawfulBasisId.consent]

    # Two recipients and a transfer to India: the sheet does not say which recipient, so the
    # transfer is recorded against a category of recipient, not guessed onto one of them.
    india = next(r for r in record.recipients if r.transfers and r.transfers[0].country == "IN")
    assert india.category_only and india.name == "Recipients in India"
    assert india.transfers[0].mechanism is TransferMechanismId.eu_scc

    assert fraud.lawful_bases[0].basis is LawfulBasisId.legitimate_interests
    assert fraud.lawful_bases[0].legitimate_interest == "Preventing fraud against our customers"
    assert fraud.automated_decision_making == "Automated fraud scoring of transactions"
    assert payroll.automated_decision_making is None  # "No"

    assert [c.condition.value for c in health.special_category_conditions] == ["health_social_care"]
    assert all(e.ref and e.ref.startswith("acme-ropa.xlsx") for e in record.data_categories)


def test_cli_import_writes_a_record_validate_accepts(hand_kept: Path, tmp_path: Path) -> None:
    out = tmp_path / "record"
    result = runner.invoke(
        app, ["import", "ico-xlsx", str(hand_kept), "--out", str(out), "--country", "GB"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["record.yaml"]
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    data = yaml.safe_load((out / "record.yaml").read_text(encoding="utf-8"))
    assert data["controller"]["name"] == "Acme Ltd"


def test_cli_import_to_a_single_yaml_file(hand_kept: Path, tmp_path: Path) -> None:
    out = tmp_path / "acme.yaml"
    result = runner.invoke(
        app, ["import", "ico-xlsx", str(hand_kept), "-o", str(out), "--country", "GB"]
    )
    assert result.exit_code == 0, result.output
    assert len(load_record(out).activities) == len(ROWS)


def test_without_a_controller_block_the_import_asks_for_name_and_country(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "bare.xlsx", ROWS, block=False)
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", "ico-xlsx", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert "--controller-name" in result.output and "--country" in result.output
    assert not out.exists()
    result = runner.invoke(
        app,
        [
            "import",
            "ico-xlsx",
            str(path),
            "--out",
            str(out),
            "--controller-name",
            "Acme Ltd",
            "--country",
            "gb",
        ],
    )
    assert result.exit_code == 0, result.output
    assert load_record(out).controller.name == "Acme Ltd"


def test_unmappable_cells_are_errors_naming_sheet_row_and_column(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][9] = "Because we want to"  # Article 6
    rows[2][5] = "Atlantis"  # third country
    path = write_workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(RecordInvalid) as caught:
        read_ico_xlsx(path, country="GB")
    problems = {p.field: p for p in caught.value.problems}
    basis = next(p for f, p in problems.items() if f and H_ART6 in f)
    assert (basis.sheet, basis.line, basis.column) == ("Controller", 9, 10)
    assert "Because we want to" in basis.message and basis.suggestion
    assert "Consent" in basis.suggestion
    country = next(p for f, p in problems.items() if f and "third countries" in f)
    assert (country.line, country.column) == (10, 6)
    assert "Atlantis" in country.message

    out = tmp_path / "out"
    result = runner.invoke(
        app, ["import", "ico-xlsx", str(path), "--out", str(out), "--country", "GB"]
    )
    assert result.exit_code == 1
    assert "bad.xlsx [Controller]:9:10" in result.output
    assert not out.exists()  # nothing half-written


def test_conflicting_basis_text_and_article_is_an_error() -> None:
    with pytest.raises(ValueError, match="contract"):
        parse_basis("Consent — Art 6(1)(b)")
    assert parse_basis("6(1)(b) contract") is LawfulBasisId.contract
    assert parse_basis("Article 6(1)(a)") is LawfulBasisId.consent
    assert parse_basis("Recognised legitimate interest") is (
        LawfulBasisId.recognised_legitimate_interest
    )
    assert parse_condition("Art 9(2)(a)").value == "explicit_consent"
    assert parse_country("UK") == "GB" and parse_country("United States (US)") == "US"


def test_splitting_respects_names_with_commas() -> None:
    assert split_values("Business Partners (telecoms, finance), HMRC", lines_only=False) == [
        "Business Partners (telecoms, finance)",
        "HMRC",
    ]
    assert split_values("Acme, Inc.; Beta Ltd", lines_only=False) == ["Acme, Inc.", "Beta Ltd"]
    assert split_values("1,000 customers", lines_only=False) == ["1,000 customers"]
    assert split_values("a, b\nc, d", lines_only=False) == ["a, b", "c, d"]
    assert split_values("Smith, Jones", lines_only=True) == ["Smith, Jones"]


def test_headings_in_a_transposed_controller_block_and_a_later_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Read me"
    cover.append(["This workbook holds our record of processing."])
    sheet = wb.create_sheet("ROPA")
    sheet.append(["", "Controller", "Representative"])
    sheet.append(["Name", "Beta GmbH", "Beta UK Rep Ltd"])
    sheet.append(["Email", "info@beta.test", "rep@beta.test"])
    sheet.append(["Country", "Germany", ""])
    sheet.append([])
    sheet.append([H_PURPOSE, H_SUBJECTS, H_CATEGORIES])
    sheet.append(["Customer support", "Customers", "Contact details"])
    path = tmp_path / "beta.xlsx"
    wb.save(path)
    record = read_ico_xlsx(path)
    assert (record.controller.name, record.controller.country) == ("Beta GmbH", "DE")
    assert record.controller.representative is not None
    assert record.controller.representative.name == "Beta UK Rep Ltd"
    assert record.activities[0].ref == "beta.xlsx row 7"


# ----------------------------------------------------------------------------- bad files


def _import(path: Path, tmp_path: Path) -> tuple[int, str]:
    result = runner.invoke(
        app, ["import", "ico-xlsx", str(path), "--out", str(tmp_path / "out"), "--country", "GB"]
    )
    assert not (tmp_path / "out").exists()
    return result.exit_code, " ".join(result.output.split())


def test_password_protected_or_legacy_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    code, output = _import(path, tmp_path)
    assert code == 1 and "password-protected or legacy .xls" in output


def test_text_file_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("Purpose of processing, Categories of individuals\n", encoding="utf-8")
    code, output = _import(path, tmp_path)
    assert code == 1 and "not an xlsx workbook" in output


def test_damaged_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    code, output = _import(path, tmp_path)
    assert code == 1 and "not a readable xlsx workbook" in output


def test_workbook_without_ico_headings_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Department", "Budget"])
    wb.active.append(["Payroll", "HR", "100"])
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    code, output = _import(path, tmp_path)
    assert code == 1 and "no sheet has the ICO template headings" in output


def test_empty_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    code, output = _import(path, tmp_path)
    assert code == 1 and "the workbook is empty" in output


def test_headings_without_rows_are_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "headings-only.xlsx", [])
    code, output = _import(path, tmp_path)
    assert code == 1 and "no processing activities below the header row" in output


def test_missing_file_is_refused(tmp_path: Path) -> None:
    code, output = _import(tmp_path / "nowhere.xlsx", tmp_path)
    assert code == 1 and "no such file" in output


def test_row_without_purpose_is_an_error(tmp_path: Path) -> None:
    rows = [list(ROWS[0])]
    rows[0][1] = ""
    path = write_workbook(tmp_path / "nopurpose.xlsx", rows)
    with pytest.raises(RecordInvalid) as caught:
        read_ico_xlsx(path, country="GB")
    [problem] = caught.value.problems
    assert problem.line == 8 and problem.field and H_PURPOSE in problem.field


# ----------------------------------------------------------------------------- output safety


def test_import_refuses_to_replace_a_folder_with_other_files(hand_kept: Path, tmp_path: Path):
    out = tmp_path / "work"
    out.mkdir()
    (out / "notes.txt").write_text("precious", encoding="utf-8")
    for extra in ([], ["--force"]):
        result = runner.invoke(
            app,
            ["import", "ico-xlsx", str(hand_kept), "--out", str(out), "--country", "GB", *extra],
        )
        assert result.exit_code == 1
        assert "other files" in result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "precious"


def test_reimport_needs_force(hand_kept: Path, tmp_path: Path) -> None:
    out = tmp_path / "record"
    args = ["import", "ico-xlsx", str(hand_kept), "--out", str(out), "--country", "GB"]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_own_export_imports_with_activity_names_and_sheet_details(
    kynex_record, tmp_path: Path
) -> None:
    path = tmp_path / "kynex.xlsx"
    path.write_bytes(export_ropa_bytes(kynex_record, "xlsx"))
    record = read_ico_xlsx(path)
    assert [a.name for a in record.activities] == [a.name for a in kynex_record.activities]
    google = next(r for r in record.recipients if r.name == "Google")
    assert google.ref == "kynex.xlsx row 21; Recipients row 2"
    assert google.note == "Source (as exported): kynex-privacy-policy §6"
