"""The "Breach impact" and "Where is it?" pages through Streamlit's AppTest, on Kynex."""

from __future__ import annotations

from pathlib import Path

from graph.stores import EmbeddedStore
from tests import test_dashboard_app as dashboard_tests
from tests.conftest import minimal_record_data, write_record
from tests.test_dashboard_app import assert_clean, frame_with, open_page

# The dashboard tests' fixtures: a temporary Kynex store in the environment, clean caches.
clean_caches = dashboard_tests.clean_caches
kynex_env = dashboard_tests.kynex_env


def plain(texts: list[str]) -> str:
    """Page text without the markdown escapes record text gets (widgets.md)."""
    return " ".join(t.replace("\\", "") for t in texts)


def test_breach_page_mailchimp(kynex_env: EmbeddedStore) -> None:
    at = open_page("breach")
    assert_clean(at)
    assert at.title[0].value == "Breach impact"
    at.radio(key="breach_kind").set_value("A recipient or processor").run()
    at.selectbox(key="breach_element_recipient").set_value("mailchimp").run()
    assert_clean(at)
    where = frame_with(at, "transfer tool")
    row = where[where["recipient"] == "MailChimp"].iloc[0]
    assert row["country"] == "United States (US)"
    assert row["tool status"].startswith("not valid since 16 July 2020")
    duties = plain([w.value for w in at.warning])
    assert "Notify the Information Commissioner" in duties
    assert "within 72 hours" in duties
    subjects = frame_with(at, "data subjects")
    assert list(subjects["data subjects"]) == ["Email newsletter subscribers"]
    [drawing] = at.get("iframe")  # the blast radius
    for key in ("Recipient:mailchimp", "DataSubject:newsletter-subscribers", "Country:US"):
        assert key in drawing.proto.srcdoc, key


def test_breach_page_deadline_from_awareness(kynex_env: EmbeddedStore) -> None:
    at = open_page("breach")
    at.radio(key="breach_kind").set_value("A recipient or processor").run()
    at.selectbox(key="breach_element_recipient").set_value("mailchimp").run()
    at.checkbox(key="breach_known").check().run()
    at.date_input(key="breach_aware_day").set_value("2026-12-01").run()
    assert_clean(at)
    assert "due 2026-12-04T09:00" in plain([w.value for w in at.warning])


def test_breach_page_special_category(tmp_path: Path, monkeypatch) -> None:
    from tests.test_questions_impact import special_record

    record = write_record(tmp_path / "special.yaml", special_record())
    store = EmbeddedStore(tmp_path / "special.lbug")
    from graph.build import build_graph
    from loaders import content_hash, load_record

    store.load(build_graph(load_record(record), content_hash(record)))
    store.close()
    monkeypatch.setenv("ROPAGRAPH_DB", str(tmp_path / "special.lbug"))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = open_page("breach")
    at.selectbox(key="breach_element_system").set_value("hr-system").run()
    assert_clean(at)
    texts = plain([w.value for w in at.warning])
    assert "LIKELY" in texts and "Tell the individuals affected" in texts
    assert "special category: health" in texts


def test_where_page_kynex_customers(kynex_env: EmbeddedStore, kynex_record) -> None:
    at = open_page("where")
    assert_clean(at)
    assert at.title[0].value == "Where is it?"
    at.selectbox(key="where_subject").set_value("customers").run()
    assert_clean(at)
    recipients = frame_with(at, "recipient")
    expected = {
        r.name
        for r in kynex_record.recipients
        if any(
            d.recipient == r.id
            for a in kynex_record.activities
            if "customers" in a.data_subjects
            for d in a.recipients
        )
    }
    assert set(recipients["recipient"]) == expected
    activities = frame_with(at, "lawful basis")
    marketing = activities[activities["activity"] == "Direct marketing communications"].iloc[0]
    assert "Right to object to direct marketing" in marketing["rights"]
    assert at.get("download_button")


def test_where_page_subject_without_activities(tmp_path: Path, monkeypatch) -> None:
    data = minimal_record_data()
    data["data_subjects"].append({"id": "nobody", "name": "Nobody", "ref": "t"})
    record = write_record(tmp_path / "r.yaml", data)
    from graph.build import build_graph
    from loaders import content_hash, load_record

    store = EmbeddedStore(tmp_path / "r.lbug")
    store.load(build_graph(load_record(record), content_hash(record)))
    store.close()
    monkeypatch.setenv("ROPAGRAPH_DB", str(tmp_path / "r.lbug"))
    monkeypatch.setenv("ROPAGRAPH_RECORD", str(record))
    monkeypatch.setenv("ROPAGRAPH_STORE", "embedded")
    monkeypatch.setenv("ROPAGRAPH_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = open_page("where")
    at.selectbox(key="where_subject").set_value("nobody").run()
    assert not at.exception
    assert any("no activity concerns them" in w.value for w in at.warning)
