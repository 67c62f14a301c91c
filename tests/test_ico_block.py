"""The controller block in its three common shapes, heading variants, and no label as a value."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from graph.cli import app
from graph.model import ActivityRole, LawfulBasisId, Record
from graph.reference import reference
from graph.ropa.layout import ICO_HEADINGS
from loaders import RecordInvalid, load_record
from loaders.ico import read_ico_xlsx
from loaders.ico.block import read_block, split_contact
from loaders.ico.headings import (
    H_FIDES_DATASET,
    H_FIDES_SYSTEM,
    H_ROLE,
    PROCESSOR_HEADINGS,
    column_headings,
    field_labels,
    is_label,
)
from loaders.ico.parse import normalise
from tests.conftest import INTEROP, needs_interop

runner = CliRunner()
FIDES_TEMPLATE = INTEROP / "fides" / "fides_datamap_template.xlsx"

TABLE = [
    ["Purpose of processing", "Categories of individuals", "Categories of personal data"],
    ["Patient care", "Patients", "Health records"],
]


def _save(tmp_path: Path, block: list[list[str]], table: list[list[str]] = TABLE) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [*block, [], *table]:
        ws.append(row)
    path = tmp_path / "block.xlsx"
    wb.save(path)
    return path


def _values(record: Record) -> list[str]:
    """Every text the import stored for the controller, its DPO and its representative."""
    c = record.controller
    people = [p for p in (c.dpo, c.representative) if p is not None]
    out = [c.name]
    for holder in (c, *people):
        if holder.contact:
            out += [v for v in holder.contact.model_dump(exclude_none=True).values() if v]
    out += [p.name for p in people]
    return out


# ----------------------------------------------------------------------------- the three shapes


def test_shape_parties_across_a_row_over_labels_down_a_column(tmp_path: Path) -> None:
    """The ICO/Fides template: party headings across a row, Name/Address/… under each."""
    block = [
        ["", "", "Controller"],
        ["", "", "Organization Name and contact details", "", "Data Protection Officer", "",
         "Representative (if applicable)"],
        ["", "", "Name", "Harbour Dental Ltd", "Name", "Dr A Shah", "Name", "EU Rep GmbH"],
        ["", "", "Address", "12 Quay Street, Poole BH15 1HJ", "Address", "", "Address",
         "Hauptstr. 1, Berlin, Germany"],
        ["", "", "Email", "info@harbour.test", "Email", "dpo@harbour.test", "Email",
         "rep@eurep.test"],
        ["", "", "Telephone", "01202 000000", "Telephone", "", "Telephone", ""],
    ]  # fmt: skip
    record = read_ico_xlsx(_save(tmp_path, block))
    c = record.controller
    assert (c.name, c.country) == ("Harbour Dental Ltd", "GB")
    assert c.contact and c.contact.email == "info@harbour.test"
    assert c.contact.phone == "01202 000000"
    assert c.note and "inferred from the UK postcode 'BH15 1HJ'" in c.note
    assert c.dpo and c.dpo.name == "Dr A Shah"
    assert c.dpo.contact and c.dpo.contact.email == "dpo@harbour.test"
    assert c.dpo.contact.address is None  # an empty cell, not the label "Address"
    assert c.representative and c.representative.name == "EU Rep GmbH"
    inferred = [n for n in record.record.import_notes if n.heading == "controller country"]
    assert inferred and "GB inferred" in inferred[0].reason


def test_shape_label_value_pairs_with_free_text(tmp_path: Path) -> None:
    block = [
        ["Organisation name and contact details",
         "Harbour Dental Practice Ltd, 12 Quay Street, Poole BH15 1HJ, 01202 123456, "
         "info@harbourdental.test"],
        ["Data Protection Officer (if applicable)",
         "Jane Smith\nHarbour Dental Practice Ltd\nEmail: dpo@harbourdental.test"],
        ["Representative (if applicable)", "N/A"],
    ]  # fmt: skip
    record = read_ico_xlsx(_save(tmp_path, block))
    c = record.controller
    assert (c.name, c.country) == ("Harbour Dental Practice Ltd", "GB")
    assert c.contact and c.contact.address == "12 Quay Street, Poole BH15 1HJ"
    assert (c.contact.email, c.contact.phone) == ("info@harbourdental.test", "01202 123456")
    assert c.note and "check them" in c.note  # the split is said, not silent
    assert c.dpo and c.dpo.name == "Jane Smith"
    assert c.dpo.contact and c.dpo.contact.email == "dpo@harbourdental.test"


def test_shape_fields_across_parties_down_with_country_column(tmp_path: Path) -> None:
    block = [
        ["", "Name", "Address", "Email", "Telephone", "Country"],
        ["Controller", "Acme Ltd", "1 High St, Leeds", "hello@acme.test", "", "United Kingdom"],
        ["DPO", "Jo Bloggs", "", "jo@acme.test", "0113 000 0000", ""],
        ["Representative", "Acme EU BV", "Amsterdam", "", "", ""],
    ]
    record = read_ico_xlsx(_save(tmp_path, block))
    c = record.controller
    assert (c.name, c.country) == ("Acme Ltd", "GB")
    assert c.dpo and c.dpo.name == "Jo Bloggs"
    assert c.representative and c.representative.name == "Acme EU BV"
    assert c.note is None  # nothing inferred


def test_shape_each_party_under_its_own_label_row(tmp_path: Path) -> None:
    """Each party written across a row under its own Name / Address / Email / Telephone."""
    block = [
        ["Controller"],
        ["Name", "Address", "Email", "Telephone"],
        ["Acme Ltd", "1 High St, Leeds LS1 1AA", "hello@acme.test", "0113 000 0001"],
        ["Data Protection Officer", "Name", "Email"],
        ["", "Jo Bloggs", "jo@acme.test"],
        ["Representative"],
        ["Name", "Address", "Email", "Telephone"],
        ["Acme EU BV", "Amsterdam, Netherlands", "", ""],
    ]
    record = read_ico_xlsx(_save(tmp_path, block))
    c = record.controller
    assert (c.name, c.country) == ("Acme Ltd", "GB")
    assert c.contact and c.contact.phone == "0113 000 0001"
    assert c.dpo and (c.dpo.name, c.dpo.contact and c.dpo.contact.email) == (
        "Jo Bloggs",
        "jo@acme.test",
    )
    assert c.representative and c.representative.name == "Acme EU BV"
    assert [v for v in _values(record) if is_label(v)] == []


def test_a_block_without_values_never_names_anyone_by_a_label(tmp_path: Path) -> None:
    """The empty template block: refused for want of a name, never 'Name'/'Address'."""
    block = [
        ["Organisation name and contact details", "", "Data Protection Officer", "",
         "Representative"],
        ["Name", "", "Name", "", "Name"],
        ["Address", "", "Address", "", "Address"],
        ["Email", "", "Email", "", "Email"],
    ]  # fmt: skip
    with pytest.raises(RecordInvalid) as caught:
        read_ico_xlsx(_save(tmp_path, block))
    assert any("--controller-name" in (p.suggestion or "") for p in caught.value.problems)
    record = read_ico_xlsx(_save(tmp_path, block), controller_name="Acme Ltd", country="GB")
    assert record.controller.dpo is None and record.controller.representative is None


@needs_interop
def test_the_fides_datamap_template_is_recognised() -> None:
    wb = openpyxl.load_workbook(FIDES_TEMPLATE, read_only=True)
    header = next(r for r in wb.active.iter_rows(values_only=True) if r[0] == "Fides dataset")
    wb.close()
    table = {normalise(h) for h in ICO_HEADINGS} | set(column_headings())
    unknown = [h for h in header if h and normalise(h) not in table]
    assert unknown == []


LABELS = sorted(
    {
        t
        for e in reference("ico_headings")
        if e.extra("kind") == "field"
        for t in e.extra("synonyms")
    }
)
PARTY_TEXTS = [
    ("Controller", "Organisation name and contact details",
     "Name and contact details of our organisation"),
    ("Data Protection Officer", "Data Protection Officer (if applicable)", "DPO"),
    ("Representative", "Representative (if applicable)", "UK representative"),
]  # fmt: skip
names = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F),
    min_size=3,
    max_size=12,
).map(lambda s: f"{s} Ltd")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shape=st.sampled_from(["table", "table-transposed", "down", "sections", "pairs"]),
    party_words=st.tuples(*(st.sampled_from(p) for p in PARTY_TEXTS)),
    labels=st.tuples(
        st.sampled_from([x for x in LABELS if field_labels()[normalise(x)] == "name"]),
        st.sampled_from([x for x in LABELS if field_labels()[normalise(x)] == "address"]),
        st.sampled_from([x for x in LABELS if field_labels()[normalise(x)] == "email"]),
    ),
    people=st.tuples(names, names, names),
    blanks=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_no_label_is_ever_stored_as_a_value(shape, party_words, labels, people, blanks):
    """Whatever the shape, wording and gaps, every stored value is a value from the sheet."""
    grid: list[list[str]] = []
    values = [[p if not blank else "", "1 Road, Leeds LS1 1AA", "x@y.test"]
              for p, blank in zip(people, blanks, strict=True)]  # fmt: skip
    if shape.startswith("table"):
        grid = [["", *labels]] + [[w, *v] for w, v in zip(party_words, values, strict=True)]
        if shape == "table-transposed":
            grid = [list(col) for col in zip(*grid, strict=True)]
    elif shape == "down":
        top: list[str] = []
        for w in party_words:
            top += [w, ""]
        grid = [top]
        for i, label in enumerate(labels):
            row: list[str] = []
            for v in values:
                row += [label, v[i]]
            grid.append(row)
    elif shape == "sections":
        for w, v in zip(party_words, values, strict=True):
            grid += [[w], list(labels), list(v)]
    else:
        grid = [[w, "\n".join(x for x in v if x)] for w, v in zip(party_words, values, strict=True)]
    block = read_block(grid)
    for party in block.parties.values():
        for text in party.fields.values():
            assert not is_label(text), (shape, grid, block.parties)
    for role, (p, blank) in zip(
        ("Controller", "Data Protection Officer", "Representative"),
        zip(people, blanks, strict=True),
        strict=True,
    ):
        if not blank:
            assert block.parties[role].fields["name"] == p, (shape, grid)


def test_split_contact_finds_each_part() -> None:
    fields = split_contact(
        "Acme Ltd, 1 High St, Leeds LS1 1AA, Tel: +44 113 000 0000, www.acme.test"
    )
    assert fields == {
        "name": "Acme Ltd",
        "address": "1 High St, Leeds LS1 1AA",
        "phone": "+44 113 000 0000",
        "website": "www.acme.test",
    }


# ----------------------------------------------------------------------------- heading variants

VARIANTS = [
    "Department or Business function",
    "Purposes of the processing",
    "Role or Responsibility",
    "Joint Controller",
    "Categories of individuals",
    "Categories of personal data (Fides taxonomy)",
    "Recipients",
    "Third Country Transfers",
    "Safeguards",
    "Retention period",
    "General Description of Security Measures",
    "Lawful basis for processing",
    "Fides system",
    "Fides dataset",
    "Team notes",
]


def test_heading_variants_import_without_flags(tmp_path: Path) -> None:
    block = [
        ["Organisation name and contact details", "Acme Ltd, 1 High St, Leeds, United Kingdom"]
    ]
    rows = [
        VARIANTS,
        ["Sales", "Customer orders", "Processor", "", "Customers", "user.contact", "Couriers",
         "USA", "IDTA", "6 years", "Encryption", "Contract", "order_system", "orders_db",
         "ask Sam"],
    ]  # fmt: skip
    path = _save(tmp_path, block, rows)
    record = read_ico_xlsx(path)
    (activity,) = record.activities
    assert activity.business_function == "Sales" and activity.purposes == ["Customer orders"]
    assert activity.role is ActivityRole.processor
    assert [b.basis for b in activity.lawful_bases] == [LawfulBasisId.contract]
    assert [s.name for s in record.systems] == ["order_system"]
    couriers = next(r for r in record.recipients if r.name == "Couriers")
    assert [(t.country, t.mechanism.value) for t in couriers.transfers] == [("US", "idta")]
    assert activity.note and f"{H_FIDES_DATASET}: orders_db" in activity.note
    (note,) = [n for n in record.record.import_notes if n.heading == "Team notes"]
    assert (note.row, note.column, note.text) == (4, "O", "ask Sam")
    assert {H_ROLE, H_FIDES_SYSTEM} <= set(column_headings().values())


def test_cli_prints_what_it_could_not_map(tmp_path: Path) -> None:
    block = [
        ["Organisation name and contact details", "Acme Ltd, 1 High St, Leeds, United Kingdom"]
    ]
    table = [
        ["Purposes", "Data subjects", "Legal basis", "Team notes"],
        ["Payroll", "Staff", "Legal obligation", "ask Sam"],
    ]
    path = _save(tmp_path, block, table)
    out = tmp_path / "rec"
    result = runner.invoke(app, ["import", "ico-xlsx", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "could not map" in result.output and "ask Sam" in result.output
    notes = load_record(out).record.import_notes
    assert [n.text for n in notes if n.heading == "Team notes"] == ["ask Sam"]


def test_reference_columns_name_real_headings() -> None:
    """Each column entry's canonical name is an ICO heading or one the importer defines."""
    ours = {H_ROLE, H_FIDES_SYSTEM, H_FIDES_DATASET, *PROCESSOR_HEADINGS}
    for entry in reference("ico_headings"):
        if entry.extra("kind") == "column":
            assert entry.name in set(ICO_HEADINGS) | ours, entry.id


@needs_interop
def test_the_real_fides_template_filled_in_imports_without_flags(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(FIDES_TEMPLATE)
    ws = wb.active
    ws["C3"] = "Cookie House\n123 Example Street, New York, NY, USA\ncontroller@example.com"
    ws["E3"] = "DataPro Tection, dpo@example.com, +1 555 555 5555"
    ws["G3"] = "Name: Rep Resentative\nEmail: representative@example.com"
    row = ["postgres_db", "cookie_house", "Engineering", "Orders", "", "customer",
           "user.contact", "", "", "", "", "", "", "Controller", "Contract"]  # fmt: skip
    for column, value in enumerate(row, start=1):
        ws.cell(10, column, value)
    path = tmp_path / "datamap.xlsx"
    wb.save(path)
    record = read_ico_xlsx(path)
    c = record.controller
    assert (c.name, c.country) == ("Cookie House", "US")
    assert c.dpo and (c.dpo.name, c.dpo.contact and c.dpo.contact.phone) == (
        "DataPro Tection",
        "+1 555 555 5555",
    )
    assert c.representative and c.representative.name == "Rep Resentative"
    assert [v for v in _values(record) if is_label(v)] == []
    (activity,) = record.activities
    assert activity.role is ActivityRole.controller
    assert [s.name for s in record.systems] == ["cookie_house"]
