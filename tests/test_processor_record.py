"""The processor record (Art 30(2)): model, ICO processor template import, ROPA section."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from graph.model import ActivityRole, Record, check_references
from graph.ropa import export_ropa_bytes
from graph.ropa.layout import PROCESSOR_SHEET, PROCESSOR_SHEET_HEADINGS, PROCESSOR_TITLE
from loaders import load_record
from loaders.ico import read_ico_xlsx

KYNEX = Path(__file__).resolve().parent.parent / "data" / "kynex"


@pytest.fixture(scope="module")
def kynex() -> Record:
    return load_record(KYNEX)


def test_kynex_business_customer_activity_is_recorded_as_processing_for_them(kynex: Record):
    (served,) = kynex.controllers_served
    assert served.category_only and served.ref == "kynex-privacy-policy §10"
    processing = [a for a in kynex.activities if served.id in a.on_behalf_of]
    assert [a.id for a in processing] == ["call-recording-processor"]
    assert all(a.role is ActivityRole.processor for a in processing)


def test_on_behalf_of_must_resolve_and_needs_the_processor_role(kynex: Record) -> None:
    data = kynex.model_dump()
    activity = next(a for a in data["activities"] if a["id"] == "call-recording-processor")
    activity["on_behalf_of"] = ["kynex-busines-customers"]
    problems = check_references(Record.model_validate(data))
    assert any("did you mean 'kynex-business-customers'" in (p.suggestion or "") for p in problems)
    activity["on_behalf_of"] = ["kynex-business-customers"]
    activity["role"] = "controller"
    problems = check_references(Record.model_validate(data))
    assert [p.suggestion for p in problems] == ["set role: processor, or remove on_behalf_of"]


def test_every_ropa_format_shows_the_processor_section(kynex: Record) -> None:
    for fmt in ("md", "html"):
        text = export_ropa_bytes(kynex, fmt).decode()
        assert PROCESSOR_TITLE in text
        assert "Kynex&#39;s business customers" in text or "Kynex's business customers" in text
    wb = openpyxl.load_workbook(io.BytesIO(export_ropa_bytes(kynex, "xlsx")))
    ws = wb[PROCESSOR_SHEET]
    assert ws.cell(2, 1).value == "Name and contact details of our organisation"
    assert ws.cell(2, 2).value == "Kynex"  # the processor's own block (Art 30(2)(a))
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == PROCESSOR_SHEET_HEADINGS[0])
    assert tuple(c.value for c in ws[header]) == PROCESSOR_SHEET_HEADINGS
    assert ws.cell(header + 1, 8).value == "call-recording-processor"
    assert "FTP access limited" in ws.cell(header + 1, 7).value  # security, Art 30(2)(d)


def test_a_record_without_processor_activities_has_no_section(kynex: Record) -> None:
    data = kynex.model_dump()
    data["activities"] = [a for a in data["activities"] if a["role"] != "processor"]
    data["controllers_served"] = []
    record = Record.model_validate(data)
    assert PROCESSOR_TITLE not in export_ropa_bytes(record, "md").decode()
    wb = openpyxl.load_workbook(io.BytesIO(export_ropa_bytes(record, "xlsx")))
    assert PROCESSOR_SHEET not in wb.sheetnames


def test_own_export_round_trips_the_processor_record(kynex: Record, tmp_path: Path) -> None:
    path = tmp_path / "kynex.xlsx"
    path.write_bytes(export_ropa_bytes(kynex, "xlsx"))
    back = read_ico_xlsx(path)
    (served,) = back.controllers_served
    assert served.name == kynex.controllers_served[0].name and served.category_only
    activity = next(a for a in back.activities if a.id == "call-recording-processor")
    assert activity.role is ActivityRole.processor and activity.on_behalf_of == [served.id]
    assert len(back.activities) == len(kynex.activities)  # linked, not duplicated


def test_the_ico_processor_template_imports(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "Name and contact details of our organisation",
            "CloudPay Ltd, 5 Dock Road, Bristol BS1 4AA, ops@cloudpay.test",
        ]
    )
    ws.append(
        ["Name and contact details of our Data Protection Officer", "Sam Lee, dpo@cloudpay.test"]
    )
    ws.append([])
    ws.append(
        [
            "Name and contact details of controller",
            "Name and contact details of controller's representative (if applicable)",
            "Name and contact details of controller's data protection officer (if applicable)",
            "Categories of processing",
            "Names of third countries or international organisations that personal data are "
            "transferred to (if applicable)",
            "Safeguards for exceptional transfers of personal data to third countries or "
            "international organisations (if applicable)",
            "General description of technical and organisational security measures (if possible)",
        ]
    )
    ws.append(
        [
            "Harbour Dental Ltd\n12 Quay Street, Poole\nEmail: info@harbour.test",
            "",
            "Dr A Shah, dpo@harbour.test",
            "Payroll processing",
            "India",
            "IDTA",
            "Encryption at rest",
        ]
    )
    ws.append(
        [
            "Harbour Dental Ltd\n12 Quay Street, Poole\nEmail: info@harbour.test",
            "",
            "",
            "Payslip printing",
            "",
            "",
            "Locked print room",
        ]
    )
    ws.append(["Acme Retail plc, 1 High St, Leeds", "Acme EU BV, Amsterdam", "",
               "Payroll processing for Acme", "", "", ""])  # fmt: skip
    path = tmp_path / "processor.xlsx"
    wb.save(path)
    record = read_ico_xlsx(path)
    assert (record.controller.name, record.controller.country) == ("CloudPay Ltd", "GB")
    assert record.controller.dpo and record.controller.dpo.name == "Sam Lee"
    harbour, acme = record.controllers_served
    assert harbour.name == "Harbour Dental Ltd"
    assert harbour.contact and harbour.contact.email == "info@harbour.test"
    assert harbour.dpo and harbour.dpo.name == "Dr A Shah"
    assert acme.representative and acme.representative.name == "Acme EU BV"
    assert all(a.role is ActivityRole.processor for a in record.activities)
    assert [a.on_behalf_of for a in record.activities] == [[harbour.id], [harbour.id], [acme.id]]
    payroll = record.activities[0]
    transfers = [t for r in record.recipients for t in r.transfers]
    assert [(t.country, t.mechanism.value) for t in transfers] == [("IN", "idta")]
    measures = {m.id: m.name for m in record.security_measures}
    assert [measures[m] for m in payroll.security_measures] == ["Encryption at rest"]


def test_the_processor_sheet_alone_is_an_ico_processor_template(kynex: Record, tmp_path: Path):
    """Keep only the processor sheet: it still imports, with the organisation as its block."""
    wb = openpyxl.load_workbook(io.BytesIO(export_ropa_bytes(kynex, "xlsx")))
    for name in wb.sheetnames:
        if name != PROCESSOR_SHEET:
            del wb[name]
    path = tmp_path / "processor-only.xlsx"
    wb.save(path)
    record = read_ico_xlsx(path)
    assert (record.controller.name, record.controller.country) == ("Kynex", "GB")
    (activity,) = record.activities
    assert activity.role is ActivityRole.processor
    assert activity.name == "Holding call recordings for business customers (as processor)"
    (served,) = record.controllers_served
    assert activity.on_behalf_of == [served.id] and served.category_only


def test_own_export_reimports_with_nothing_unmapped(kynex: Record, tmp_path: Path) -> None:
    path = tmp_path / "kynex.xlsx"
    path.write_bytes(export_ropa_bytes(kynex, "xlsx"))
    assert read_ico_xlsx(path).record.import_notes == []
