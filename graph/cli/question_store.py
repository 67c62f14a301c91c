"""Where ``impact``, ``locate`` and ``diff`` read the record from.

Given a RECORD they build it into a throwaway embedded store (the user's own store is never
touched, and the answer is always about that exact version); without one they ask a store that
already holds a record (the embedded one, or Neo4j).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from graph.build import build_graph
from graph.stores import EmbeddedStore, GraphStore, StoreError
from loaders import content_hash

RecordOpt = Annotated[
    Path | None,
    typer.Argument(
        help="The record (YAML file or folder). Omit it to ask what a store already holds.",
        show_default=False,
    ),
]
StoreKindOpt = Annotated[
    str,
    typer.Option(
        "--store",
        help="Without RECORD: 'embedded' (--db or the default store) or 'neo4j' (NEO4J_*).",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="Without RECORD: the embedded store file.", show_default=False),
]


@contextmanager
def throwaway_store(cli: ModuleType, record: Path, prefix: str) -> Iterator[GraphStore]:
    """``record`` validated (a table of problems and exit 1 if not) and loaded into a temp store."""
    checked = cli.read_record(record)
    with tempfile.TemporaryDirectory(prefix=f"ropagraph-{prefix}-") as tmp:
        store = EmbeddedStore(Path(tmp) / f"{prefix}.lbug")
        try:
            store.load(build_graph(checked, content_hash(record)))
            yield store
        except StoreError as exc:
            raise cli.fail(str(exc)) from None
        finally:
            store.close()


@contextmanager
def question_store(
    cli: ModuleType, record: Path | None, store_kind: str, db: Path | None, prefix: str
) -> Iterator[GraphStore]:
    """The store to ask: RECORD in a throwaway store, else the one named by --store/--db."""
    if record is not None and db is not None:
        raise cli.fail("give RECORD or --db STORE, not both", 2)
    if record is not None:
        with throwaway_store(cli, record, prefix) as store:
            yield store
        return
    opened: GraphStore = cli.open_store(store_kind, db)
    try:
        yield opened
    except StoreError as exc:
        raise cli.fail(str(exc)) from None
    finally:
        opened.close()
