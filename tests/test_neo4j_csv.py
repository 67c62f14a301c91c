"""``export neo4j-csv``: read the files back the way neo4j-admin does and compare with the graph.

The reader below follows neo4j-admin's header format independently of the writer: ``name:ID(
Space)`` stores the id as property ``name``, ``:long``/``:boolean``/``:string[]`` type values,
an empty field sets no property, ``:LABEL``/``:TYPE`` name the label and type. The array
delimiter is taken from the README's command, as a user would.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.build import Graph, build_graph
from graph.stores.neo4j_export import ExportError, choose_array_delimiter, write_neo4j_csv
from graph.stores.neo4j_sync import TAG_RECORD, TAG_UID, node_uid
from loaders import load_record
from tests.conftest import minimal_record_data

_HEADER = re.compile(r"^(?P<name>[^:]*)(?::(?P<kind>[A-Za-z_\[\]]+)(?:\((?P<space>[^)]*)\))?)?$")


def _convert(kind: str | None, text: str, delimiter: str) -> Any:
    if kind in (None, "string"):
        return text
    if kind == "long":
        return int(text)
    if kind == "boolean":
        assert text in ("true", "false"), text
        return text == "true"
    if kind == "string[]":
        return text.split(delimiter)
    raise AssertionError(f"unexpected column type {kind}")


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, strict=True)
        header = next(reader)
        return header, list(reader)


def delimiter_from_readme(folder: Path) -> str:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    match = re.search(r'--array-delimiter="(U\+[0-9A-F]{4}|.)"', readme)
    assert match, "README has no --array-delimiter"
    value = match.group(1)
    return chr(int(value[2:], 16)) if value.startswith("U+") else value


def command_files(folder: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    nodes: dict[str, list[str]] = {}
    rels: dict[str, list[str]] = {}
    for kind, name, file in re.findall(r"--(nodes|relationships)=(\w+)=(\S+)", readme):
        (nodes if kind == "nodes" else rels).setdefault(name, []).append(file)
    return nodes, rels


def read_back(folder: Path) -> tuple[Graph, dict[str, Any], dict[tuple[str, str, str], Any]]:
    """(graph, node tags by key, relationship tags by key) from an export folder."""
    delimiter = delimiter_from_readme(folder)
    node_cmd, rel_cmd = command_files(folder)
    graph: Graph = nx.MultiDiGraph()
    node_tags: dict[str, Any] = {}
    rel_tags: dict[tuple[str, str, str], Any] = {}
    for label, files in node_cmd.items():
        for file in files:
            header, rows = _rows(folder / file)
            columns = [_HEADER.match(h) for h in header]
            assert all(columns), header
            for row in rows:
                assert len(row) == len(header)
                props: dict[str, Any] = {}
                labels = {label}
                for col, text in zip(columns, row, strict=True):
                    assert col is not None
                    name, kind = col["name"], col["kind"]
                    if kind == "LABEL":
                        labels.add(text)
                    elif text != "":
                        props[name] = _convert(None if kind == "ID" else kind, text, delimiter)
                assert labels == {label}
                key = f"{label}:{props['id']}"
                node_tags[key] = (props.pop(TAG_UID), props.pop(TAG_RECORD))
                graph.add_node(key, label=label, **props)
    for rel_type, files in rel_cmd.items():
        for file in files:
            header, rows = _rows(folder / file)
            columns = [_HEADER.match(h) for h in header]
            for row in rows:
                props = {}
                start = end = None
                for col, text in zip(columns, row, strict=True):
                    assert col is not None
                    kind = col["kind"]
                    if kind == "START_ID":
                        start = f"{col['space']}:{text}"
                    elif kind == "END_ID":
                        end = f"{col['space']}:{text}"
                    elif kind == "TYPE":
                        assert text == rel_type
                    elif text != "":
                        props[col["name"]] = _convert(kind, text, delimiter)
                assert start is not None and end is not None
                assert start in graph and end in graph, (start, end)
                rel_tags[(start, end, rel_type)] = (props.pop(TAG_UID), props.pop(TAG_RECORD))
                graph.add_edge(start, end, key=rel_type, type=rel_type, **props)
    return graph, node_tags, rel_tags


def assert_same_graph(read: Graph, original: Graph) -> None:
    assert dict(read.nodes(data=True)) == dict(original.nodes(data=True))
    assert sorted(read.edges(keys=True, data=True)) == sorted(original.edges(keys=True, data=True))
    for key, data in original.nodes(data=True):  # types too: True is not 1, 13 is not '13'
        for name, value in data.items():
            assert type(read.nodes[key][name]) is type(value), (key, name)


def test_kynex_reads_back_as_the_same_graph(tmp_path: Path, kynex_graph: Graph) -> None:
    export = write_neo4j_csv(kynex_graph, tmp_path / "import")
    graph, node_tags, rel_tags = read_back(export.folder)
    assert_same_graph(graph, kynex_graph)
    assert node_tags["Activity:email-newsletter"] == (
        node_uid("kynex", "email-newsletter"),
        "kynex",
    )
    assert len(set(rel_tags.values())) == kynex_graph.number_of_edges()
    assert {record for _, record in rel_tags.values()} == {"kynex"}


def test_headers_use_id_spaces_and_types(tmp_path: Path, kynex_graph: Graph) -> None:
    folder = write_neo4j_csv(kynex_graph, tmp_path / "import").folder
    activity, _ = _rows(folder / "nodes-Activity.csv")
    assert activity[0] == "id:ID(Activity)"
    assert {"name", "purposes:string[]", "childConsentAge:long", "directMarketing:boolean"} <= set(
        activity
    )
    assert activity[-1] == ":LABEL"
    category, _ = _rows(folder / "nodes-DataCategory.csv")
    assert "special:boolean" in category and "examples:string[]" in category
    disclosure, _ = _rows(folder / "relationships-DISCLOSES_TO-Activity-Recipient.csv")
    assert disclosure[:2] == [":START_ID(Activity)", ":END_ID(Recipient)"]
    assert "dataCategories:string[]" in disclosure and disclosure[-1] == ":TYPE"


def test_readme_command_names_every_file_and_only_existing_ones(
    tmp_path: Path, kynex_graph: Graph
) -> None:
    export = write_neo4j_csv(kynex_graph, tmp_path / "import")
    readme = (export.folder / "README.md").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in readme
    assert "--multiline-fields=true" in readme
    nodes, rels = command_files(export.folder)
    named = {f for files in (*nodes.values(), *rels.values()) for f in files}
    on_disk = {p.name for p in export.folder.glob("*.csv")}
    assert named == on_disk
    assert len(nodes) == len({d["label"] for _, d in kynex_graph.nodes(data=True)})
    # one per Kynex label: 17, and ServedController (its business customers, §10) makes 18
    assert (export.folder / "constraints.cypher").read_text().count("IS UNIQUE;") == 18


def nasty_graph(make_record: Any, purposes: list[str]) -> Graph:
    data = minimal_record_data()
    data["activities"][0]["purposes"] = purposes
    data["activities"][0]["name"] = 'Say "hi", then\nleave, \\ ok'
    data["activities"][0]["note"] = '=HYPERLINK("x") stays data, not a formula'
    data["recipients"][0]["name"] = 'Mail,Chimp "US"'
    return build_graph(load_record(make_record(data)))


def test_quotes_commas_newlines_and_delimiters_survive(tmp_path: Path, make_record: Any) -> None:
    original = nasty_graph(make_record, ["first; with the default delimiter", "second"])
    export = write_neo4j_csv(original, tmp_path / "import")
    assert export.array_delimiter == "|"  # ';' occurs in a purpose, so the next candidate
    assert delimiter_from_readme(export.folder) == "|"
    graph, _, _ = read_back(export.folder)
    assert_same_graph(graph, original)


def test_non_ascii_delimiters_are_written_as_code_points(tmp_path: Path, make_record: Any) -> None:
    original = nasty_graph(make_record, ["a; b | c", "d"])
    export = write_neo4j_csv(original, tmp_path / "import")
    assert export.array_delimiter == "¦"
    assert '--array-delimiter="U+00A6"' in export.command
    graph, _, _ = read_back(export.folder)
    assert_same_graph(graph, original)


def test_when_every_delimiter_occurs_the_export_is_refused_and_nothing_changes(
    tmp_path: Path, make_record: Any, kynex_graph: Graph
) -> None:
    folder = tmp_path / "import"
    write_neo4j_csv(kynex_graph, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    impossible = nasty_graph(make_record, ["; | ¦ \u241f all of them"])
    with pytest.raises(ExportError, match="purposes"):
        choose_array_delimiter(impossible)
    with pytest.raises(ExportError):
        write_neo4j_csv(impossible, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["import", "record-0.yaml"]


def test_a_write_failing_midway_leaves_the_earlier_export_intact(
    tmp_path: Path, kynex_graph: Graph, make_record: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "import"
    write_neo4j_csv(kynex_graph, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_write_text = Path.write_text
    calls = iter(range(100))

    def disk_fills_up(self: Path, *args: Any, **kwargs: Any) -> int:
        if next(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_fills_up)
    with pytest.raises(OSError, match="No space"):
        write_neo4j_csv(build_graph(load_record(make_record(minimal_record_data()))), folder)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["import", "record-0.yaml"]


def test_an_earlier_export_is_replaced_whole(tmp_path: Path, make_record: Any) -> None:
    folder = tmp_path / "import"
    write_neo4j_csv(build_graph(load_record(make_record(minimal_record_data()))), folder)
    assert (folder / "nodes-Recipient.csv").exists()
    smaller = minimal_record_data(recipients=[])
    smaller["activities"][0]["recipients"] = []
    write_neo4j_csv(build_graph(load_record(make_record(smaller))), folder)
    assert not (folder / "nodes-Recipient.csv").exists()  # no stale file from the first run
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_folder_holding_other_files_is_never_replaced(tmp_path: Path, kynex_graph: Graph) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious")
    with pytest.raises(ExportError, match="not empty"):
        write_neo4j_csv(kynex_graph, folder)
    assert (folder / "thesis.docx").read_text() == "precious"
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        write_neo4j_csv(kynex_graph, a_file)
