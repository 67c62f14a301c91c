"""Every legal fact in data/reference/ is dated and sourced, and parses as the rules read it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml

from graph.model import TransferMechanismId
from graph.reference import REFERENCE_DIR, reference, reference_by_id, reference_files

FILES = sorted(REFERENCE_DIR.glob("*.yaml"))
DATE_KEYS = re.compile(r"(^checked$|_from$)")


def _entries(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("entries"), list), (
        f"{path.name}: expected a mapping with an 'entries' list"
    )
    return data["entries"]


def _walk_dates(value: Any, where: str) -> list[tuple[str, Any]]:
    """Every (path, value) whose key names a date (checked, valid_from, invalid_from, …)."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}"
            if isinstance(key, str) and DATE_KEYS.search(key):
                found.append((path, item))
            found += _walk_dates(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _walk_dates(item, f"{where}[{index}]")
    return found


def test_there_are_reference_files() -> None:
    assert {p.stem for p in FILES} == set(reference_files())
    for name in ("transfer_mechanisms", "jurisdictions", "adequacy_uk", "finding_rules"):
        assert name in reference_files()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_entry_has_id_source_and_checked_date(path: Path) -> None:
    entries = _entries(path)
    assert entries, f"{path.name} has no entries"
    ids = [entry.get("id") for entry in entries]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"{path.name}: duplicate ids {duplicates}"
    for index, entry in enumerate(entries):
        where = f"{path.name} entries[{index}] (id {entry.get('id')!r})"
        assert isinstance(entry.get("id"), str) and entry["id"], f"{where}: id must be a string"
        source = entry.get("source")
        assert isinstance(source, str) and re.match(r"^https?://\S+$", source), (
            f"{where}: source must be a URL, got {source!r}"
        )
        assert isinstance(entry.get("checked"), dt.date), (
            f"{where}: checked must be a date (YYYY-MM-DD), got {entry.get('checked')!r}"
        )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_date_parses_and_windows_are_ordered(path: Path) -> None:
    for index, entry in enumerate(_entries(path)):
        for where, value in _walk_dates(entry, f"{path.name} entries[{index}]"):
            assert isinstance(value, dt.date), f"{where}: {value!r} is not a YYYY-MM-DD date"
        start, end = entry.get("valid_from"), entry.get("invalid_from")
        if start is not None and end is not None:
            assert start < end, f"{path.name} {entry['id']}: valid_from is not before invalid_from"
    # and the loader the rules use accepts the file
    assert reference(path.stem)


def _is_country(code: Any) -> bool:
    return isinstance(code, str) and pycountry.countries.get(alpha_2=code) is not None


@pytest.mark.parametrize(
    "name", ["adequacy_uk", "adequacy_eu", "child_consent_ages", "jurisdictions"]
)
def test_country_codes_are_iso_strings(name: str) -> None:
    """YAML reads an unquoted NO (Norway) as false: every code must survive as a country."""
    for entry in reference(name):
        if entry.extra("organisation"):
            assert entry.extra("country") is None, entry.id  # an international organisation
            continue
        codes = entry.extra("countries") or [entry.extra("country")]
        bad = [c for c in codes if not _is_country(c)]
        assert not bad, f"{name} {entry.id}: not ISO 3166-1 alpha-2 codes: {bad!r}"


def test_transfer_mechanisms_cover_the_record_vocabulary_and_are_consistent() -> None:
    mechanisms = reference_by_id("transfer_mechanisms")
    assert set(mechanisms) == {m.value for m in TransferMechanismId}
    regimes = {str(e.extra("regime")) for e in reference("jurisdictions")}
    for entry in mechanisms.values():
        assert set(entry.extra("regimes", [])) <= regimes, entry.id
        assert entry.extra("regimes"), f"{entry.id}: regimes missing"
        for regime, companion in (entry.extra("requires_with") or {}).items():
            assert regime in regimes and companion in mechanisms, entry.id
        for regime, window in (entry.extra("by_regime") or {}).items():
            assert regime in regimes, entry.id
            allowed = {"valid_from", "invalid_from", "no_new_contracts_from", "source", "note"}
            assert set(window) <= allowed, entry.id
        for code in entry.extra("countries", []) or []:
            assert _is_country(code), entry.id


def test_adequacy_entries_say_their_scope() -> None:
    mechanisms = reference_by_id("transfer_mechanisms")
    for name in ("adequacy_uk", "adequacy_eu"):
        for entry in reference(name):
            assert entry.extra("scope") in ("full", "partial"), f"{name} {entry.id}"
            if entry.extra("scope") == "partial":
                assert entry.extra("scope_note"), f"{name} {entry.id}: partial without scope_note"
            via = entry.extra("via_mechanism")
            assert via is None or via in mechanisms, f"{name} {entry.id}: unknown {via}"
            assert entry.extra("legal_basis"), f"{name} {entry.id}: legal_basis missing"


def test_jurisdictions_name_existing_adequacy_lists_and_do_not_overlap() -> None:
    for entry in reference("jurisdictions"):
        assert entry.extra("regime") in ("UK", "EU"), entry.id
        if entry.extra("transfers_only"):
            continue  # a period without third-country status, not a controller's regime
        assert entry.extra("adequacy_list") in reference_files(), entry.id
        assert entry.extra("article_prefix"), entry.id
    # on any day a country is under at most one regime
    for day in (dt.date(2018, 6, 1), dt.date(2020, 6, 1), dt.date(2021, 6, 1), dt.date.today()):
        counts = Counter(
            code
            for entry in reference("jurisdictions")
            if entry.in_force(day) and not entry.extra("transfers_only")
            for code in entry.extra("countries", [])
        )
        assert all(n == 1 for n in counts.values()), (day, counts.most_common(3))


def test_text_patterns_are_lower_case_because_rules_match_lower_cased_text() -> None:
    for entry in reference("legislation"):
        for key in ("patterns", "exclude_patterns"):
            for pattern in entry.extra(key, []) or []:
                assert pattern == pattern.lower(), f"legislation {entry.id} {key}: {pattern!r}"
    for entry in reference("weak_security_phrases"):
        phrase = entry.extra("phrase")
        assert isinstance(phrase, str) and phrase == phrase.lower(), entry.id
        assert entry.extra("concern"), entry.id


def test_finding_rules_are_complete_statements() -> None:
    for entry in reference("finding_rules"):
        assert entry.extra("severity") in ("high", "medium", "low", "info"), entry.id
        assert re.match(r"^[A-Z0-9]+(-[A-Z0-9]+)+$", entry.id), entry.id
        for key in ("title", "explanation", "what_to_do"):
            assert isinstance(entry.extra(key), str) and entry.extra(key).strip(), (entry.id, key)
        articles = entry.extra("articles")
        assert isinstance(articles, list) and all(isinstance(a, str) for a in articles)
        for country, citations in (entry.extra("national_articles") or {}).items():
            assert _is_country(country) and citations, entry.id


def test_the_dates_the_rules_hinge_on() -> None:
    """The handful of facts the Kynex findings rest on, pinned against accidental edits."""
    mechanisms = reference_by_id("transfer_mechanisms")
    assert mechanisms["privacy_shield"].invalid_from == dt.date(2020, 7, 16)  # C-311/18
    assert mechanisms["safe_harbour"].invalid_from == dt.date(2015, 10, 6)  # C-362/14
    assert mechanisms["uk_extension_dpf"].valid_from == dt.date(2023, 10, 12)
    assert mechanisms["legacy_eu_scc"].invalid_from == dt.date(2024, 3, 22)  # after 21 Mar 2024
    laws = reference_by_id("legislation")
    assert laws["uk-dpa-1998"].invalid_from == dt.date(2018, 5, 25)
    assert laws["eu-directive-95-46"].invalid_from == dt.date(2018, 5, 25)
    ages = reference_by_id("child_consent_ages")
    assert ages["GB"].extra("age") == 13
    uk = {e.extra("country"): e for e in reference("adequacy_uk")}
    assert uk["KR"].valid_from == dt.date(2022, 12, 19)
    assert uk["US"].extra("via_mechanism") == "uk_extension_dpf"
    eu = {e.extra("country"): e for e in reference("adequacy_eu")}
    assert eu["GB"].valid_from == dt.date(2021, 6, 28)
    assert eu["US"].valid_from == dt.date(2023, 7, 10)


LEGAL_FACT_FILES = (
    "adequacy_eu",
    "adequacy_uk",
    "article_changes",
    "child_consent_ages",
    "jurisdictions",
    "lawful_bases",
    "legislation",
    "pecr",
    "transfer_mechanisms",
)
"""Files of dated legal facts: each entry says when it holds, or says why it cannot."""

DATE_MARKERS = ("in_force_before_gdpr", "valid_from_not_confirmed", "undated_tool")


@pytest.mark.parametrize("name", LEGAL_FACT_FILES)
def test_every_legal_fact_has_validity_dates_or_says_why_not(name: str) -> None:
    for entry in reference(name):
        dated = entry.valid_from is not None or entry.invalid_from is not None
        marked = [m for m in DATE_MARKERS if entry.extra(m)]
        assert dated or marked, (
            f"{name} {entry.id}: give valid_from/invalid_from, or one of {DATE_MARKERS} "
            "(and say why in the note or the file header)"
        )
        assert not (marked and entry.valid_from), f"{name} {entry.id}: dated and marked undated"


def test_article_changes_name_their_successors() -> None:
    for entry in reference("article_changes"):
        assert entry.article and str(entry.article).startswith("Art "), entry.id
        becomes = entry.extra("becomes")
        assert becomes and all(str(a).startswith("Art ") for a in becomes), entry.id
        assert entry.valid_from is not None and entry.extra("regimes") == ["UK"], entry.id
        assert str(entry.extra("commencement_source")).startswith("https://"), entry.id


def test_the_duaa_and_pecr_dates() -> None:
    """The commencement dates the UK findings hinge on (SI 2026/82, SI 2025/904)."""
    changes = reference_by_id("article_changes")
    assert {e.valid_from for e in changes.values()} == {dt.date(2026, 2, 5)}
    assert changes["uk-art44-to-44a"].extra("becomes") == ["Art 44A"]
    pecr = reference_by_id("pecr")
    assert pecr["reg6-sch-a1"].valid_from == dt.date(2026, 2, 5)
    assert pecr["reg5a-24-hours"].invalid_from == pecr["reg5a-72-hours"].valid_from
    assert pecr["reg5a-72-hours"].valid_from == dt.date(2025, 8, 20)
    rules = reference_by_id("finding_rules")
    assert rules["COMPLAINTS-PROCEDURE-MISSING"].valid_from == dt.date(2026, 6, 19)
    mechanisms = reference_by_id("transfer_mechanisms")
    legacy = mechanisms["legacy_eu_scc"]
    assert legacy.extra("no_new_contracts_from") == dt.date(2022, 9, 22)  # UK: by 21 Sep 2022
    assert legacy.extra("by_regime")["EU"]["no_new_contracts_from"] == dt.date(2021, 9, 27)
    assert legacy.extra("by_regime")["EU"]["invalid_from"] == dt.date(2022, 12, 28)
    bridge = reference_by_id("jurisdictions")["eu-uk-bridge-2021"]
    assert (bridge.valid_from, bridge.invalid_from) == (dt.date(2021, 1, 1), dt.date(2021, 6, 28))


def test_adequacy_corrections() -> None:
    eu = {e.id: e for e in reference("adequacy_eu")}
    assert eu["BR"].valid_from == dt.date(2026, 1, 26) and eu["BR"].extra("scope") == "full"
    assert eu["EPO"].extra("organisation") == "European Patent Organisation"
    assert "T-553/23" in str(eu["US"].note) and "C-703/25 P" in str(eu["US"].note)
    uk = {e.extra("country"): e for e in reference("adequacy_uk")}
    assert uk["FO"].extra("scope") == "full"


def test_child_consent_ages_cover_the_eu_as_reported() -> None:
    ages = {}
    for entry in reference("child_consent_ages"):
        if entry.in_force(dt.date(2026, 12, 1)):
            ages[entry.extra("country")] = entry.extra("age")
    assert ages["DK"] == 15  # raised from 13 on 1 January 2024
    assert ages["GB"] == 13 and ages["DE"] == 16 and ages["FR"] == 15 and ages["ES"] == 14
    eu27 = set(reference_by_id("jurisdictions")["eu-gdpr-member-states"].extra("countries"))
    assert eu27 - set(ages) == {"SI"}  # Slovenia not confirmed: see README.md
    assert all(13 <= age <= 16 for age in ages.values())
