"""Reload from per-file table fragments (loaders/table_cache.py): after any kind of change the
store equals a fresh full load of the changed record — same tables row for row, same nodes and
relationships with every property — only the changed activity files are rebuilt, and every
problem is reported exactly as the whole-record path reports it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from graph.cli import app
from graph.cli.commands import load_into
from graph.stores import EmbeddedStore
from graph.synthetic import generate_record, write_generated
from graph.tables import GraphTables, build_tables
from loaders import content_hash, load_record
from loaders.cached_record import parse_cache_for
from loaders.table_cache import tables_from_fragments
from tests.test_store import snapshot

runner = CliRunner()


def _as_python(tables: GraphTables) -> dict[str, Any]:
    out: dict[str, Any] = {label: t.to_pylist() for label, t in tables.nodes.items()}
    out.update({f"{k[0]}:{k[1][0]}->{k[1][1]}": t.to_pylist() for k, t in tables.rels.items()})
    return out


def _schemas(tables: GraphTables) -> dict[str, Any]:
    out: dict[str, Any] = {label: t.schema for label, t in tables.nodes.items()}
    out.update({str(k): t.schema for k, t in tables.rels.items()})
    return out


def _fresh(folder: Path) -> GraphTables:
    """The whole-record path, no cache: what the reloaded store must equal."""
    return build_tables(load_record(folder), content_hash(folder))


def _reload_equals_fresh(folder: Path, store_path: Path, change: Callable[[], None]) -> list[str]:
    """Load, change, reload: the reload's tables and store equal a fresh full load's.
    Returns the names of the activity files the reload rebuilt."""
    with EmbeddedStore(store_path) as store:
        assert load_into(store, folder, quiet=True)
    change()
    reloaded = tables_from_fragments(folder, parse_cache_for(store_path))
    assert reloaded is not None
    fresh = _fresh(folder)
    assert reloaded.content_hash == content_hash(folder)
    assert _as_python(reloaded.tables) == _as_python(fresh)  # row for row, in order
    assert _schemas(reloaded.tables) == _schemas(fresh)
    with EmbeddedStore(store_path) as store:
        assert load_into(store, folder, quiet=True)
        got = snapshot(store)
    with EmbeddedStore(store_path.with_name("fresh.lbug")) as other:
        other.load_tables(fresh)
        assert got == snapshot(other)
    return [p.name for p in reloaded.built]


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    folder = tmp_path / "record"
    write_generated(generate_record(240, seed=5), folder, per_file=60)
    return folder


def _edit(path: Path, old: str, new: str) -> Callable[[], None]:
    def change() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def test_an_edited_activity_file_is_the_only_one_rebuilt(generated: Path, tmp_path: Path) -> None:
    edited = generated / "activities-002.yaml"
    change = _edit(edited, "ref: ", "ref: edited ")
    assert _reload_equals_fresh(generated, tmp_path / "s.lbug", change) == [edited.name]


def test_a_changed_activity_link_and_category_list(generated: Path, tmp_path: Path) -> None:
    edited = generated / "activities-003.yaml"
    data = yaml.safe_load(edited.read_text(encoding="utf-8"))
    first = data["activities"][0]
    first["data_categories"] = first["data_categories"][:1]
    other = data["activities"][1]["recipients"][0]
    first["recipients"] = [other if isinstance(other, str) else {"recipient": other["recipient"]}]
    first["sources"] = list(dict.fromkeys([*reversed(first.get("sources", [])), "web-forms"]))

    def change() -> None:
        edited.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    assert _reload_equals_fresh(generated, tmp_path / "s.lbug", change) == [edited.name]


def test_a_shared_category_file_changed(generated: Path, tmp_path: Path) -> None:
    change = _edit(generated / "categories.yaml", "name: ", "name: Renamed ")
    assert _reload_equals_fresh(generated, tmp_path / "s.lbug", change) == []


def test_the_controller_file_changed_its_id(generated: Path, tmp_path: Path) -> None:
    change = _edit(generated / "record.yaml", "id: synthetic-group", "id: renamed-group")
    assert _reload_equals_fresh(generated, tmp_path / "s.lbug", change) == []


def test_a_deleted_activity_file(generated: Path, tmp_path: Path) -> None:
    def change() -> None:
        (generated / "activities-002.yaml").unlink()

    assert _reload_equals_fresh(generated, tmp_path / "s.lbug", change) == []


def test_an_added_file_between_others_with_shared_cookies(generated: Path, tmp_path: Path) -> None:
    """A new file sorted between two others, whose activities set a cookie another new file
    also defines (differently): the first definition, in file order, wins."""
    base = yaml.safe_load((generated / "activities-001.yaml").read_text(encoding="utf-8"))
    template = base["activities"][0]

    def cookie(name: str) -> dict[str, Any]:
        return {"id": "shared-cookie", "name": name, "purpose": "analytics", "consent": True}

    def added(prefix: str, name: str) -> dict[str, Any]:
        acts = []
        for i in range(3):
            act = {**template, "id": f"{prefix}-{i}", "cookies": [cookie(f"{name} {i}")]}
            acts.append(act)
        return {"activities": acts}

    def change() -> None:
        for file, prefix in (("activities-0015.yaml", "added-a"), ("activities-009.yaml", "z")):
            data = added(prefix, file)
            (generated / file).write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")

    built = _reload_equals_fresh(generated, tmp_path / "s.lbug", change)
    assert built == ["activities-0015.yaml", "activities-009.yaml"]
    with EmbeddedStore(tmp_path / "s.lbug") as store:
        rows = store.query("MATCH (c:Cookie {id: 'shared-cookie'}) RETURN c.name").rows
    assert rows == [["activities-0015.yaml 0"]]


def test_kynex_reloads_equal_a_fresh_load(tmp_path: Path, kynex_path: Path) -> None:
    folder = tmp_path / "kynex"
    shutil.copytree(kynex_path, folder)
    activities = folder / "activities.yaml"
    text = activities.read_text(encoding="utf-8")
    assert "cookies:" in text  # Kynex's activities set cookies: their fragment carries them
    change = _edit(activities, "name: ", "name: X ")
    assert _reload_equals_fresh(folder, tmp_path / "a.lbug", change) == ["activities.yaml"]
    change = _edit(folder / "categories.yaml", "name: ", "name: Y ")
    assert _reload_equals_fresh(folder, tmp_path / "b.lbug", change) == []


def test_a_damaged_fragment_is_a_miss(generated: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "s.lbug"
    with EmbeddedStore(store_path) as store:
        load_into(store, generated, quiet=True)
    cache = parse_cache_for(store_path)
    entries = sorted(cache.glob("*.tables"))
    assert len(entries) == 4  # one per activity file, nothing for the other files
    for entry, damage in zip(entries, (b"xyz", b"", b"\0" * 40), strict=False):
        blob = entry.read_bytes()
        entry.write_bytes(blob[: len(blob) // 2] + damage if damage else b"")
    reloaded = tables_from_fragments(generated, cache)
    assert reloaded is not None and len(reloaded.built) == 3 and len(reloaded.cached) == 1
    assert _as_python(reloaded.tables) == _as_python(_fresh(generated))


def test_a_file_mixing_activities_and_other_sections_takes_the_whole_record_path(
    make_record: Any, tmp_path: Path
) -> None:
    path = make_record()
    assert tables_from_fragments(path, tmp_path / "cache") is None
    with EmbeddedStore(tmp_path / "s.lbug") as store:
        assert load_into(store, path, quiet=True)
        assert store.record_info() is not None


def _load_output(folder: Path, db: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["load", str(folder), "--db", str(db)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("activities-002.yaml", "data_categories: [", "data_categories: [no-such-category, "),
        ("activities-003.yaml", "lawful_bases: [", "lawful_bases: [consnet, "),
        ("activities-001.yaml", "- id: act-", "- id: act-0001\n  nme: x\n- id: act-"),
        ("activities-004.yaml", "activities:", "activities:\n- {id: [unclosed"),
        ("categories.yaml", "- id: ", "- id: gone-"),
        ("record.yaml", "controller:", "controller:\n  nonsense: 1"),
    ],
)
def test_problems_are_reported_as_a_cold_load_reports_them(
    generated: Path, tmp_path: Path, file: str, old: str, new: str
) -> None:
    """A warm cache changes nothing in what a bad edit reports (file:line:column, message) and
    the previous store stays."""
    warm = tmp_path / "warm.lbug"
    assert _load_output(generated, warm)[0] == 0
    before = snapshot(EmbeddedStore(warm))
    _edit(generated / file, old, new)()
    code, warm_output = _load_output(generated, warm)
    cold_code, cold_output = _load_output(generated, tmp_path / "cold.lbug")
    assert code == cold_code == 1
    assert warm_output == cold_output.replace("cold.lbug", "warm.lbug")
    assert str(generated / file) in warm_output
    with EmbeddedStore(warm) as store:
        assert snapshot(store) == before


def test_only_the_latest_loads_fragments_are_kept(generated: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "s.lbug"
    edited = generated / "activities-001.yaml"
    with EmbeddedStore(store_path) as store:
        for i in range(3):
            _edit(edited, "ref: ", f"ref: {i} ")()
            load_into(store, generated, quiet=True)
    assert len(list(parse_cache_for(store_path).glob("*.tables"))) == 4


def test_a_fragment_from_other_code_is_not_used(generated: Path, tmp_path: Path) -> None:
    """An entry with a sound checksum but not the tables this code writes (a table missing, or
    another schema) is a miss, never a wrong store."""
    from loaders import table_cache

    store_path = tmp_path / "s.lbug"
    with EmbeddedStore(store_path) as store:
        load_into(store, generated, quiet=True)
    cache = parse_cache_for(store_path)
    first, second = sorted(cache.glob("*.tables"))[:2]
    fragment = table_cache._read_fragment(first)
    assert fragment is not None
    del fragment["Cookie"]
    table_cache._write_fragment(first, fragment)
    fragment = table_cache._read_fragment(second)
    assert fragment is not None
    fragment["Activity"] = fragment["Activity"].drop_columns(["note"])
    table_cache._write_fragment(second, fragment)
    reloaded = tables_from_fragments(generated, cache)
    assert reloaded is not None and len(reloaded.built) == 2
    assert _as_python(reloaded.tables) == _as_python(_fresh(generated))
