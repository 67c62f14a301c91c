"""The dashboard's helper modules, without Streamlit: uploads, downloads, tables, map, HTML."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import stat
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dashboard import console, downloads, explorer_state, geo, tables, uploads
from dashboard.graph_html import render_html
from dashboard.settings import SettingsError, settings_from_env
from graph.build import Graph, build_graph, node_key
from graph.model import Record
from graph.queries import CATALOG
from graph.reference import reference_by_id
from graph.stores import EmbeddedStore
from graph.visual import ViewFilter, to_visual, view
from tests.conftest import minimal_record_data


def frame(store: EmbeddedStore, name: str) -> pd.DataFrame:
    result = store.query(CATALOG[name].cypher)
    return pd.DataFrame(result.rows, columns=result.columns)


def zip_of(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def minimal_yaml(**overrides: object) -> bytes:
    return yaml.safe_dump(minimal_record_data(**overrides), sort_keys=False).encode()


# --------------------------------------------------------------------------- downloads


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert downloads.cell(text) == "'" + text


def test_csv_keeps_numbers_and_plain_text_and_joins_lists() -> None:
    raw = downloads.csv_bytes(
        ["name", "=evil", "n"],
        [["Kynex", ["a", "=b"], -3], [None, {"k": 1}, 2.5], [True, "", 0]],
    )
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["name", "'=evil", "n"]
    assert rows[1] == ["Kynex", "a; =b", "-3"]  # the cell starts with 'a': harmless
    assert rows[2] == ["", '{"k": 1}', "2.5"]
    assert rows[3] == ["true", "", "0"]
    joined = downloads.cell(["=x", "y"])
    assert joined == "'=x; y"


# --------------------------------------------------------------------------- uploads


def test_yaml_files_are_staged_by_name(tmp_path: Path) -> None:
    staged = uploads.stage([("record.yaml", minimal_yaml())], tmp_path)
    assert staged.files == ["record.yaml"]
    assert (staged.record / "record.yaml").read_bytes() == minimal_yaml()


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.yaml", "outside"),
        ("a/../../evil.yaml", "outside"),
        ("/etc/cron.d/evil.yaml", "absolute"),
        ("C:/evil.yaml", "absolute"),
        ("..\\evil.yaml", "outside"),
    ],
)
def test_zip_members_that_could_escape_are_refused(tmp_path: Path, name: str, why: str) -> None:
    data = zip_of({"ok.yaml": minimal_yaml(), name: b"x: 1"})
    with pytest.raises(uploads.UploadRefused, match=why):
        uploads.stage([("record.zip", data)], tmp_path / "up")
    assert not (tmp_path / "evil.yaml").exists()


def test_symlinks_in_a_zip_are_left_out_with_a_warning(tmp_path: Path) -> None:
    # As 'ropagraph load' does for a link in a record folder (issue 11): never followed, said.
    data = zip_of({"ok.yaml": minimal_yaml()}, symlink="link.yaml")
    staged = uploads.stage([("record.zip", data)], tmp_path)
    assert staged.files == ["ok.yaml"]
    assert any("link.yaml" in w and "symbolic link" in w for w in staged.warnings)
    assert not (staged.record / "link.yaml").exists()


def test_a_zip_expanding_beyond_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_EXTRACTED_BYTES", 50_000)
    bomb = zip_of({"a.yaml": b"#" * 40_000, "b.yaml": b"#" * 40_000})
    assert len(bomb) < 2_000  # compresses away to almost nothing
    with pytest.raises(uploads.UploadRefused, match="zip bomb"):
        uploads.stage([("bomb.zip", bomb)], tmp_path)


def test_oversized_uploads_and_wrong_types_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(uploads.UploadRefused, match="limit"):
        uploads.stage([("big.yaml", b"#" * 200)], tmp_path)
    monkeypatch.undo()
    with pytest.raises(uploads.UploadRefused, match=r"not a \.yaml"):
        uploads.stage([("notes.txt", b"hello")], tmp_path)
    with pytest.raises(uploads.UploadRefused, match="not both"):
        uploads.stage([("a.zip", zip_of({})), ("b.yaml", b"")], tmp_path)
    with pytest.raises(uploads.UploadRefused, match="damaged"):
        uploads.stage([("a.zip", b"not a zip")], tmp_path)
    with pytest.raises(uploads.UploadRefused, match=r"no \.yaml"):
        uploads.stage([("a.zip", zip_of({"readme.txt": b"hi"}))], tmp_path)


def test_a_zipped_record_folder_is_staged_without_other_files(tmp_path: Path) -> None:
    data = zip_of(
        {
            "kynex/record.yaml": minimal_yaml(),
            "kynex/README.txt": b"notes",
            "__MACOSX/kynex/._record.yaml": b"junk",
        }
    )
    staged = uploads.stage([("kynex.zip", data)], tmp_path)
    assert staged.files == ["kynex/record.yaml"]
    assert "kynex/README.txt" in staged.skipped
    assert (staged.record / "kynex" / "record.yaml").exists()


def test_an_invalid_upload_reports_file_line_field_and_is_removed(tmp_path: Path) -> None:
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["consnet"]
    body = yaml.safe_dump(data, sort_keys=False).encode()
    root = tmp_path / "ropagraph-upload-test"
    root.mkdir()
    outcome = uploads.ingest([("bad.yaml", body)], root)
    assert not outcome.ok and outcome.refused is None
    problem = next(p for p in outcome.problems if "consnet" in str(p["message"]))
    assert problem["file"] == "bad.yaml"
    expected_line = body.decode().splitlines().index("  - consnet") + 1
    assert problem["line"] == expected_line
    assert "lawful_bases" in str(problem["field"])
    assert not root.exists()


def test_a_valid_upload_gets_its_own_store(tmp_path: Path) -> None:
    root = tmp_path / "ropagraph-upload-ok"
    root.mkdir()
    outcome = uploads.ingest([("record.yaml", minimal_yaml())], root)
    assert outcome.ok and outcome.store is not None
    assert outcome.store.parent == root
    with EmbeddedStore(outcome.store) as store:
        info = store.record_info()
    assert info is not None and info["name"] == "Test record"


# --------------------------------------------------------------------------- tables


def frame_of(store: EmbeddedStore, cypher: str) -> pd.DataFrame:
    result = store.query(cypher)
    return pd.DataFrame(result.rows, columns=result.columns)


def test_basis_matrix_marks_each_claim_and_missing_bases(kynex_store: EmbeddedStore) -> None:
    activities = pd.DataFrame(
        kynex_store.query(
            "MATCH (a:Activity) RETURN a.id AS activityId, a.name AS activity, a.role AS role"
        ).rows,
        columns=["activityId", "activity", "role"],
    )
    by_basis = frame(kynex_store, "activities-by-basis")
    bases = frame(kynex_store, "basis-summary")
    matrix = tables.basis_matrix(activities, by_basis, bases)
    assert len(matrix) == len(activities)
    assert "No basis stated" not in matrix.columns  # the bucket is a column of its own
    ticks = (matrix.iloc[:, 1:-1] == tables.CHECK).sum().sum()
    vague = (matrix.iloc[:, 1:-1] == tables.VAGUE).sum().sum()
    assert ticks == (~by_basis["vague"]).sum() and vague == by_basis["vague"].sum()
    # §8's general "for other purposes, this will be with your consent": vague, not a tick
    assert vague == 4
    row = matrix[matrix["activity"] == "Recording calls for quality and training"].iloc[0]
    assert row["Consent (Art 6(1)(a))"] == tables.VAGUE and row["no basis stated"] == ""
    no_basis = set(matrix[matrix["no basis stated"] == "⚠"]["activity"])
    claimed = set(by_basis["activity"])
    processor = set(activities[activities["role"] == "processor"]["activity"])
    assert no_basis == set(activities["activity"]) - claimed - processor
    assert no_basis == {
        "Website analytics (Google Analytics)",
        "Website contact form and email links",
    }
    # §10's call recordings held for business customers: their basis, not Kynex's to state
    assert set(matrix[matrix["no basis stated"] == tables.AS_PROCESSOR]["activity"]) == processor
    assert processor == {"Holding call recordings for business customers (as processor)"}


def test_basis_chart_counts_a_vague_claim_once_and_apart(kynex_store: EmbeddedStore) -> None:
    activities = frame_of(
        kynex_store, "MATCH (a:Activity) RETURN a.id AS activityId, a.role AS role"
    )
    claims = frame_of(
        kynex_store,
        "MATCH (a:Activity)-[r:RELIES_ON]->(:LawfulBasis) "
        "RETURN a.id AS activityId, r.vague AS vague",
    )
    chart = tables.basis_chart(
        frame(kynex_store, "basis-summary"),
        activities,
        frame(kynex_store, "activities-by-basis"),
        tables.vaguely_based(claims),
    )
    bars = {r.basis: r.activities for r in chart.itertuples()}
    # consent is stated by the newsletter and direct marketing; §8's general "for other
    # purposes, this will be with your consent" covers four more, shown apart as vague
    assert bars["Consent (Art 6(1)(a))"] == 2
    assert bars[tables.VAGUE_BASIS] == 4
    assert bars[tables.NO_BASIS] == 2  # website analytics and the contact form
    assert "No basis stated" not in bars  # basis-summary's own bucket is not drawn twice


def test_categories_by_basis_marks_categories_only_vaguely_covered(
    kynex_store: EmbeddedStore,
) -> None:
    bases = frame(kynex_store, "basis-summary")
    table = tables.categories_by_basis(frame(kynex_store, "categories-by-basis"), bases)
    consent = table[table["lawful basis"] == "Consent (Art 6(1)(a))"].iloc[0]
    # call recordings are processed on consent only under §8's general claim
    assert "Call recordings (vague)" in consent["data categories"]
    assert "Newsletter email address (vague)" not in consent["data categories"]


def test_mechanism_status_comes_from_reference_data() -> None:
    shield = reference_by_id("transfer_mechanisms")["privacy_shield"]
    assert shield.invalid_from is not None
    after = tables.mechanism_status("privacy_shield", shield.invalid_from)
    assert after.in_force is False
    assert after.status == f"not in force since {shield.invalid_from.isoformat()}"
    assert after.source == shield.source
    before = tables.mechanism_status("privacy_shield", shield.invalid_from - dt.timedelta(days=1))
    assert before.in_force is True
    assert tables.mechanism_status(None, dt.date.today()).in_force is None


def test_transfers_table_names_data_and_mechanism(kynex_store: EmbeddedStore) -> None:
    transfers = frame(kynex_store, "third-country-transfers")
    names = tables.id_names(frame(kynex_store, "data-categories"), "categoryId", "category")
    table = tables.transfers_table(transfers, names, dt.date(2026, 1, 1))
    assert {r.lower() for r in table["recipient"]} == {"google", "mailchimp"}
    assert set(table["country"]) == {"United States"}
    assert "Newsletter email address" in set(table["data categories"])
    n, countries = tables.count_transfers(transfers)
    assert (n, countries) == (2, ["US"])
    flows = tables.transfer_flows(transfers, dt.date(2026, 1, 1))
    assert [(f.destination, f.in_force) for f in flows] == [("US", False)]
    assert flows[0].recipients == ("Google", "MailChimp")


# --------------------------------------------------------------------------- console


def test_parameter_names_ignore_strings_and_comments() -> None:
    cypher = """
    // $commented
    MATCH (r:Recipient) WHERE r.id = $recipient AND r.name <> '$notparam'
    /* $alsocommented */ RETURN r, $recipient AS again, $limit
    """
    assert console.parameter_names(cypher) == ["recipient", "limit"]


# --------------------------------------------------------------------------- map


def test_zone_tab_points_are_medians_per_country() -> None:
    text = (
        "# comment\nGB\t+513030-0000731\tEurope/London\n"
        "XX\t+1000+02000\tA/B\nXX\t+3000+04000\tA/C\n"
    )
    points = geo.parse_zone_tab(text)
    assert points["GB"] == (51.51, -0.13)
    assert points["XX"] == (20.0, 30.0)


def test_shipped_points_cover_the_kynex_countries() -> None:
    points = geo.country_points()
    assert len(points) > 240
    lat, lon = points["US"]
    assert 25 < lat < 50 and -125 < lon < -65
    lat, lon = points["GB"]
    assert 49 < lat < 59 and -8 < lon < 2


def test_flow_map_needs_no_base_map_download() -> None:
    flows = [geo.Flow("US", "United States", "EU-US Privacy Shield", False, ("Google",))]
    figure, missing = geo.flow_map("GB", "United Kingdom", flows)
    assert missing == []
    layout = figure.layout.geo
    assert not any(
        getattr(layout, f"show{layer}")
        for layer in ("land", "countries", "coastlines", "ocean", "lakes", "rivers")
    )
    assert all(getattr(t, "locationmode", None) is None for t in figure.data)
    lines = [t for t in figure.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["EU-US Privacy Shield"]
    assert lines[0].line.dash == "dot"
    figure, missing = geo.flow_map("GB", "United Kingdom", flows, outlines=True, points={})
    assert figure.layout.geo.showland is True
    assert missing == ["GB", "US"]


# --------------------------------------------------------------------------- settings, state


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {"ROPAGRAPH_DB": str(tmp_path / "s.lbug"), "ROPAGRAPH_RECORD": "data/kynex"}
    settings = settings_from_env(env)
    assert (settings.store_kind, settings.db, settings.record) == (
        "embedded",
        tmp_path / "s.lbug",
        Path("data/kynex"),
    )
    assert settings_from_env({**env, "ROPAGRAPH_STORE": "NEO4J"}).store_kind == "neo4j"
    with pytest.raises(SettingsError, match="not a store"):
        settings_from_env({**env, "ROPAGRAPH_STORE": "mysql"})


def test_a_focus_request_clears_the_filters() -> None:
    state: dict[str, object] = {explorer_state.BASES: ["consent"], explorer_state.FOCUS: None}
    explorer_state.request_focus(state, "Recipient:google")
    assert explorer_state.apply_focus_request(state) == "Recipient:google"
    assert state[explorer_state.BASES] == [] and explorer_state.REQUEST not in state
    assert explorer_state.apply_focus_request(state) == "Recipient:google"  # stays
    assert explorer_state.apply_focus_request(state, "Activity:x") == "Activity:x"


# --------------------------------------------------------------------------- the drawing


def test_graph_page_is_self_contained_and_escapes_record_text() -> None:
    data = minimal_record_data()
    data["activities"][0]["name"] = "</script><script>alert(1)</script>"
    graph = build_graph(Record.model_validate(data))
    page = render_html(to_visual(graph), title="T")
    assert re.search(r"<script[^>]*\bsrc=", page) is None
    assert re.search(r"<link[^>]*\bhref=", page) is None
    assert "<script>alert(1)</script>" not in page
    assert page.count("</script>") == 2  # the vis library's and ours: record text closes none
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page
    assert "new vis.Network(" in page
    assert "#ef6c00" in page  # the recipient colour, from graph.visual.STYLE


def test_graph_page_for_kynex_draws_every_node(kynex_graph: Graph) -> None:
    result = view(kynex_graph, ViewFilter(focus=node_key("Recipient", "mailchimp")))
    page = render_html(result.visual, focus=result.focus)
    for node in result.visual["nodes"]:
        assert f'"id": "{node["id"]}"' in page
    assert "selectNodes" in page
