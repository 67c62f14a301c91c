"""The shipped sample: faithful to the policy, every element carrying its provenance."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel

from graph.model import Record
from tests.conftest import POLICY

REF = re.compile(r"^kynex-privacy-policy §\d+(\.\d+)?(, §\d+(\.\d+)?)*$")


def _elements(model: BaseModel, path: str = "") -> list[tuple[str, BaseModel]]:
    found = [(path or "record", model)]
    for name in type(model).model_fields:
        value: Any = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, BaseModel):
                found += _elements(item, f"{path}.{name}[{i}]" if path else f"{name}[{i}]")
    return found


def test_every_element_has_a_well_formed_ref(kynex_record: Record) -> None:
    missing = [
        path
        for path, element in _elements(kynex_record)
        if "ref" in type(element).model_fields and not element.ref
    ]
    assert missing == []
    bad = [
        (path, element.ref)
        for path, element in _elements(kynex_record)
        if getattr(element, "ref", None) and not REF.match(element.ref)  # type: ignore[attr-defined]
    ]
    assert bad == []


def test_refs_name_sections_that_exist_in_the_policy(kynex_record: Record) -> None:
    if not POLICY.exists():
        pytest.skip(f"the policy text is not at {POLICY}")
    headings = set(re.findall(r"^\s*(\d+)\.0\b", POLICY.read_text(encoding="utf-8"), re.M))
    subsections = set(re.findall(r"^\s*(\d+\.\d+) ", POLICY.read_text(encoding="utf-8"), re.M))
    for _, element in _elements(kynex_record):
        ref = getattr(element, "ref", None)
        for section in re.findall(r"§([\d.]+)", ref or ""):
            assert section in headings or section in subsections, (ref, section)


def test_quoted_wording_is_in_the_policy(kynex_record: Record) -> None:
    """stated_as and retention criteria are verbatim quotes: they must be found in the policy."""
    if not POLICY.exists():
        pytest.skip(f"the policy text is not at {POLICY}")
    policy = " ".join(POLICY.read_text(encoding="utf-8").split())
    quotes = [t.stated_as for r in kynex_record.recipients for t in r.transfers if t.stated_as]
    quotes += [r.criteria for r in kynex_record.retention_rules if r.criteria and r.vague]
    assert quotes
    for quote in quotes:
        assert " ".join(quote.split()).strip('"') in policy, quote


def test_policy_facts_recorded_as_stated(kynex_record: Record) -> None:
    laws = {law.name for law in kynex_record.controller.legislation_cited}
    assert any("1998" in name for name in laws)  # §2 cites the repealed DPA 1998, as stated
    sar = next(p for p in kynex_record.procedures if p.kind.value == "subject_access")
    assert sar.timescale is not None and sar.timescale.days == 28  # §15: "within 28 days"
    assert sar.timescale.extension_months == 2
    assert all(rule.period is None for rule in kynex_record.retention_rules)  # §16 gives no period
