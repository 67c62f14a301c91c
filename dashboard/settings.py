"""Which store and record the dashboard shows, read from environment variables.

Streamlit runs the app in its own process, so ``ropagraph dashboard`` hands over its choices as
environment variables (they survive Streamlit's reruns and work unchanged under ``AppTest`` and
``streamlit run``). Script arguments after ``--`` are not used: one mechanism, documented in
docs/dashboard.md. Neo4j credentials are never passed here; the Neo4j store reads its own
``NEO4J_*`` variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from graph.stores import default_store_path

ENV_DB = "ROPAGRAPH_DB"
"""Embedded store file (the same variable the CLI's --db defaults to)."""
ENV_STORE = "ROPAGRAPH_STORE"
"""'embedded' (default) or 'neo4j'."""
ENV_RECORD = "ROPAGRAPH_RECORD"
"""The record (YAML file or folder) the store was loaded from; the ROPA page exports it."""

STORE_KINDS = ("embedded", "neo4j")


class SettingsError(ValueError):
    """An environment variable holds a value the dashboard cannot use."""


@dataclass(frozen=True)
class Settings:
    store_kind: str
    db: Path
    record: Path | None


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    kind = env.get(ENV_STORE, "embedded").strip().lower() or "embedded"
    if kind not in STORE_KINDS:
        raise SettingsError(f"{ENV_STORE}='{kind}' is not a store: use 'embedded' or 'neo4j'")
    db_text = env.get(ENV_DB, "").strip()
    db = Path(db_text).expanduser() if db_text else default_store_path()
    record_text = env.get(ENV_RECORD, "").strip()
    record = Path(record_text).expanduser() if record_text else None
    return Settings(kind, db, record)
