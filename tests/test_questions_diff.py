"""``ropagraph diff OLD NEW``: processing changes, findings introduced/resolved, --fail-on, and
``git:REV:PATH`` revisions read from a real (temporary) git repository (issue 17)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from graph.cli import app
from tests.conftest import KYNEX

runner = CliRunner()
NEW_RECIPIENT = {
    "id": "sms-gateway",
    "name": "SMS Gateway Pvt",
    "kind": "processor",
    "country": "IN",
    "ref": "test",
}


def add_recipient(folder: Path) -> None:
    """Kynex plus one processor in India that direct marketing discloses contact details to."""
    recipients = folder / "recipients.yaml"
    data = yaml.safe_load(recipients.read_text(encoding="utf-8"))
    data["recipients"].append(dict(NEW_RECIPIENT))
    recipients.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    activities = folder / "activities.yaml"
    data = yaml.safe_load(activities.read_text(encoding="utf-8"))
    for activity in data["activities"]:
        if activity["id"] == "direct-marketing":
            activity.setdefault("recipients", []).append(
                {"recipient": "sms-gateway", "data_categories": ["contact-details"]}
            )
    activities.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture
def kynex_plus(tmp_path: Path) -> Path:
    copy = tmp_path / "kynex-plus"
    shutil.copytree(KYNEX, copy)
    add_recipient(copy)
    return copy


def diff_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["diff", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_a_new_recipient_in_a_new_country_is_a_new_transfer_with_new_findings(
    kynex_plus: Path,
) -> None:
    code, report = diff_json(str(KYNEX), str(kynex_plus), "--as-of", "2026-06-01")
    assert code == 0  # no --fail-on
    changes = {(c["aspect"], c["change"]): c["what"] for c in report["changes"]}
    assert "India (IN)" in changes[("transfers", "added")]
    assert "SMS Gateway Pvt" in changes[("transfers", "added")]
    assert "no transfer tool stated" in changes[("transfers", "added")]
    assert "sms-gateway" in changes[("recipients", "added")]
    assert len(report["changes"]) == 2
    introduced = report["findings_introduced"]
    assert introduced and all(f["element_id"] == "sms-gateway" for f in introduced)
    assert any(f["severity"] == "high" for f in introduced)
    assert report["findings_resolved"] == []


def test_markdown_for_a_pull_request_and_the_ci_gate(kynex_plus: Path) -> None:
    result = runner.invoke(app, ["diff", str(KYNEX), str(kynex_plus), "--fail-on", "high"])
    assert result.exit_code == 1
    md = result.stdout
    assert md.startswith("## ropagraph diff:")
    assert "### What changes in the processing" in md
    assert "**Transfers**" in md
    assert "| severity | rule | element | why |" in md
    assert "`--fail-on high`: **fails**" in md


def test_the_same_record_changes_nothing_and_passes_the_gate() -> None:
    # Kynex has high findings of its own, but the gate is about what a change introduces.
    result = runner.invoke(app, ["diff", str(KYNEX), str(KYNEX), "--fail-on", "high"])
    assert result.exit_code == 0, result.output
    assert "**0 processing change(s)**" in result.stdout
    assert "No change in activities" in result.stdout


def test_removing_the_recipient_resolves_its_findings(kynex_plus: Path) -> None:
    code, report = diff_json(str(kynex_plus), str(KYNEX), "--fail-on", "high")
    assert code == 0  # resolving is never a failure
    assert report["findings_introduced"] == []
    assert {f["element_id"] for f in report["findings_resolved"]} == {"sms-gateway"}
    assert ("transfers", "removed") in {(c["aspect"], c["change"]) for c in report["changes"]}


def test_a_basis_swap_and_a_new_special_category(make_record: Any) -> None:
    from tests.conftest import minimal_record_data

    old = make_record()
    data = minimal_record_data()
    data["activities"][0]["lawful_bases"] = ["legitimate_interests"]
    data["data_categories"][0]["special_category"] = "health"
    new = make_record(data)
    _, report = diff_json(str(old), str(new))
    whats = [c["what"] for c in report["changes"] if c["change"] == "changed"]
    assert any("consent" in w and "legitimate_interests" in w for w in whats), whats
    assert any("not special → special category: health" in w for w in whats), whats


def test_markdown_escapes_table_breaking_text(make_record: Any) -> None:
    from tests.conftest import minimal_record_data

    data = minimal_record_data()
    data["recipients"].append(
        {"id": "pipe-co", "name": "Pipe | <b>Co</b>", "kind": "processor", "country": "BR"}
    )
    data["activities"][0]["recipients"] = ["mailchimp", "pipe-co"]
    result = runner.invoke(app, ["diff", str(make_record()), str(make_record(data))])
    assert result.exit_code == 0, result.output
    assert "Pipe \\| &lt;b&gt;Co&lt;/b&gt;" in result.stdout
    assert "<b>" not in result.stdout


# ------------------------------------------------------------------------ git revisions


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin",
        },
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "privacy-repo"
    shutil.copytree(KYNEX, root / "record")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "record as published")
    git(root, "checkout", "-q", "-b", "add-sms")
    add_recipient(root / "record")
    git(root, "commit", "-q", "-am", "add an SMS gateway")
    return root


def test_git_revisions(repo: Path) -> None:
    code, report = diff_json(
        "git:main:record", "git:add-sms:record", "--repo", str(repo), "--fail-on", "high"
    )
    assert code == 1
    assert report["old"] == "git:main:record"
    assert {f["element_id"] for f in report["failing"]} == {"sms-gateway"}
    assert any(c["aspect"] == "transfers" for c in report["changes"])


def test_git_revision_against_the_working_folder(repo: Path) -> None:
    code, report = diff_json("git:HEAD~1:record", str(repo / "record"), "--repo", str(repo))
    assert code == 0
    assert any("India (IN)" in c["what"] for c in report["changes"])


def test_git_revision_of_a_single_file(repo: Path) -> None:
    single = repo / "one.yaml"
    from tests.conftest import minimal_record_data, write_record

    write_record(single, minimal_record_data())
    git(repo, "add", "one.yaml")
    git(repo, "commit", "-q", "-m", "one file")
    code, report = diff_json("git:HEAD:one.yaml", str(single), "--repo", str(repo))
    assert code == 0
    assert report["changes"] == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("git:no-such-branch:record", "'no-such-branch' is not a revision"),
        ("git:main:nowhere", "'nowhere' does not exist at revision 'main'"),
        ("git:record", "write git:REV:PATH"),
    ],
)
def test_bad_revisions_are_explained(repo: Path, spec: str, message: str) -> None:
    result = runner.invoke(app, ["diff", spec, "git:main:record", "--repo", str(repo)])
    assert result.exit_code == 1
    assert "old:" in result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_not_a_repository(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", "git:main:x", str(KYNEX), "--repo", str(tmp_path)])
    assert result.exit_code == 1
    assert "not inside a git repository" in " ".join(result.output.split())


def test_usage_errors(kynex_plus: Path) -> None:
    bad_format = runner.invoke(app, ["diff", str(KYNEX), str(kynex_plus), "--format", "html"])
    assert bad_format.exit_code == 2
    bad_gate = runner.invoke(app, ["diff", str(KYNEX), str(kynex_plus), "--fail-on", "hihg"])
    assert bad_gate.exit_code == 2
    assert "did you mean 'high'" in bad_gate.output
    missing = runner.invoke(app, ["diff", str(KYNEX), "/no/such/record"])
    assert missing.exit_code == 1
    assert "new:" in missing.output


def test_other_data_to_the_same_recipient_is_one_change(make_record: Any) -> None:
    from tests.conftest import minimal_record_data

    data = minimal_record_data()
    data["data_categories"].append({"id": "name", "name": "Name", "ref": "t"})
    data["activities"][0]["data_categories"] = ["email", "name"]
    old = make_record(data)
    data["activities"][0]["recipients"] = [{"recipient": "mailchimp", "data_categories": ["email"]}]
    new = make_record(data)
    _, report = diff_json(str(old), str(new))
    assert [(c["aspect"], c["change"]) for c in report["changes"]] == [("recipients", "changed")]
    assert (
        "Email address (email), Name (name) → Email address (email)" in report["changes"][0]["what"]
    )
