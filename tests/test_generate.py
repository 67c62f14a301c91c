"""The synthetic record generator: valid, seeded (byte-identical), realistic in shape, atomic."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from graph.build import build_graph, counts_by_type
from graph.cli import app
from graph.model import Record, check_references
from graph.reference import reference_by_id
from graph.synthetic import generate_record, record_files, single_file, write_generated
from loaders import load_record

runner = CliRunner()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def record_400() -> Record:
    return Record.model_validate(generate_record(400, seed=11))


# --------------------------------------------------------------------------- through the CLI


def test_generated_folder_passes_validate(tmp_path: Path) -> None:
    out = tmp_path / "big"
    result = runner.invoke(
        app,
        ["generate", "--activities", "120", "--seed", "5", "--out", str(out), "--per-file", "50"],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    # Three activity files of at most 50, plus the shared elements.
    assert [n for n in names if n.startswith("activities-")] == [
        "activities-001.yaml",
        "activities-002.yaml",
        "activities-003.yaml",
    ]
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "valid record" in checked.output
    assert len(load_record(out).activities) == 120


def test_generated_single_file_passes_validate(tmp_path: Path) -> None:
    out = tmp_path / "record.yaml"
    result = runner.invoke(app, ["generate", "-n", "40", "--seed", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    args = ["generate", "-n", "150", "--seed", "42", "--per-file", "60"]
    first = runner.invoke(app, [*args, "-o", str(tmp_path / "a")])
    second = runner.invoke(app, [*args, "-o", str(tmp_path / "b")])
    assert first.exit_code == 0 and second.exit_code == 0
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


def test_another_seed_gives_another_record(tmp_path: Path) -> None:
    a = single_file(generate_record(60, seed=1))
    b = single_file(generate_record(60, seed=2))
    assert a != b


def test_existing_output_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "rec"
    assert runner.invoke(app, ["generate", "-n", "10", "-o", str(out)]).exit_code == 0
    before = _digests(out)
    refused = runner.invoke(app, ["generate", "-n", "20", "--seed", "9", "-o", str(out)])
    assert refused.exit_code == 1
    assert "already exists" in refused.output and "--force" in refused.output
    assert _digests(out) == before  # untouched
    forced = runner.invoke(app, ["generate", "-n", "20", "--seed", "9", "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(load_record(out).activities) == 20
    # The folder was replaced as a whole: no temp folders left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec"]


def test_file_path_over_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rec.yaml"
    folder.mkdir()
    result = runner.invoke(app, ["generate", "-n", "5", "-o", str(folder), "--force"])
    assert result.exit_code == 1
    assert "is a folder" in result.output


@pytest.mark.parametrize("count", ["0", "-3", "many"])
def test_bad_activity_count_is_a_usage_error(tmp_path: Path, count: str) -> None:
    result = runner.invoke(app, ["generate", "-n", count, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_oversized_single_file_is_refused_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "huge.yaml"
    result = runner.invoke(app, ["generate", "-n", "900000", "-o", str(out)])
    assert result.exit_code == 1
    assert "folder" in result.output
    assert not out.exists()


# --------------------------------------------------------------------------- the library


def test_write_generated_matches_record_files(tmp_path: Path) -> None:
    data = generate_record(30, seed=4)
    written = write_generated(data, tmp_path / "r", per_file=10)
    texts = record_files(data, per_file=10)
    assert {p.name for p in written} == set(texts)
    for path in written:
        assert path.read_text(encoding="utf-8") == texts[path.name]


def test_generate_rejects_an_empty_record() -> None:
    with pytest.raises(ValueError, match="at least one activity"):
        generate_record(0)


def test_cross_references_resolve(record_400: Record) -> None:
    assert check_references(record_400) == []


def test_shape_is_realistic(record_400: Record) -> None:
    rec = record_400
    assert len(rec.data_categories) == 200
    assert 15 <= len(rec.data_subjects) <= 25
    assert len(rec.recipients) == 20  # about one per 20 activities
    for act in rec.activities:
        assert 3 <= len(act.data_categories) <= 8
        assert 1 <= len(act.recipients) <= 4
        assert 1 <= len(act.lawful_bases) <= 2
        assert act.retention, act.id
    specials = {c.id for c in rec.data_categories if c.is_special}
    assert 5 <= len(specials) <= 30


def test_special_category_processing_sometimes_lacks_a_condition(record_400: Record) -> None:
    specials = {c.id for c in record_400.data_categories if c.is_special}
    using = [a for a in record_400.activities if specials & set(a.data_categories)]
    with_condition = [a for a in using if a.special_category_conditions]
    assert using, "no activity uses special-category data"
    # Most have an Art 9 condition, some do not: findings have something to find.
    assert 0 < len(with_condition) < len(using)


def test_transfers_span_countries_and_include_invalid_mechanisms() -> None:
    rec = Record.model_validate(generate_record(2000, seed=3))
    countries = Counter(r.country for r in rec.recipients if r.country)
    assert len(countries) >= 20
    controller = rec.controller.country
    abroad = [r for r in rec.recipients if r.country and r.country != controller]
    assert 0.3 < len(abroad) / len(rec.recipients) < 0.8
    assert all(r.transfers for r in abroad)
    # Which mechanisms are no longer valid is reference data, not the generator's opinion.
    mechanisms = reference_by_id("transfer_mechanisms")
    stated = {t.mechanism.value for r in rec.recipients for t in r.transfers}
    invalid = {m for m in stated if mechanisms[m].invalid_from is not None}
    assert invalid, f"no invalidated mechanism among {sorted(stated)}"
    assert "not_stated" in stated


def test_graph_grows_about_linearly() -> None:
    small = build_graph(Record.model_validate(generate_record(200, seed=1)))
    large = build_graph(Record.model_validate(generate_record(800, seed=1)))
    ratio = large.number_of_edges() / small.number_of_edges()
    assert 3.3 < ratio < 4.7
    types = counts_by_type(large)
    assert types["PROCESSES"] > types["DISCLOSES_TO"] > 0
    assert types.get("MEETS_CONDITION", 0) > 0


def test_yaml_is_plain_and_commented() -> None:
    text = single_file(generate_record(25, seed=0))
    assert text.startswith("# Synthetic record: ropagraph generate --activities 25 --seed 0\n")
    # No anchors or aliases: the loader would take its slow, alias-counting path.
    events = list(yaml.parse(text))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent)]
    assert all(getattr(e, "anchor", None) is None for e in events)
    data = yaml.safe_load(text)
    assert list(data)[:2] == ["record", "controller"]
