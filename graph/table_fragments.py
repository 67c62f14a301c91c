"""The tables of a record put together from per-file pieces: what makes a reload cheap.

At 100,000 activities the activities' relationships are 1.6 M rows; after one file of a
ten-file record changed, rebuilding them all costs seconds. An activity's rows depend only on the
activity itself (its node, its cookies, the links it names), so the rows of one file's
activities — a *fragment* (:func:`activity_fragment`) — can be kept and reused while that file is
unchanged. :func:`assemble` puts the tables of everything else in the record (built as usual,
with no activities) together with the fragments, in file order, exactly as
:func:`graph.tables.build_tables` would have built them from the whole record:

* Activity nodes in record order; Cookie nodes as the first activity that defines each id;
* each activity relationship type grouped by source node in node order: the activities' own
  links are already (activities come file after file); SUPPLIES (Source to Activity) is sorted
  by Source node order with a stable sort, as networkx iterates it;
* PERFORMS from the controller, made here (the controller's id lives in another file).

Links to nodes the other files define are checked on ids (every end must exist) and any doubt —
a repeated activity id, an unknown end — gives None, so the caller builds the whole record the
usual way (and reports its exact, located problems). ``tests/test_table_cache.py`` compares
the assembled tables with :func:`graph.tables.build_tables` row by row.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from graph.build_activity import ACTIVITY_LINKS
from graph.gcpause import gc_paused
from graph.model import Activity
from graph.sink import node_key
from graph.tables import GraphTables, RelTableKey, _TableSink

Fragment = dict[str, pa.Table]
"""One file's activities as tables: "Activity", "Cookie" and one per relationship type (named
by :func:`fragment_name`)."""

PERFORMS: RelTableKey = ("PERFORMS", ("Controller", "Activity"))
LINK_KEYS: tuple[RelTableKey, ...] = tuple(
    (spec.rel, (spec.label, "Activity") if spec.inbound else ("Activity", spec.label))
    for spec in ACTIVITY_LINKS
)
"""The relationship tables an activity adds besides PERFORMS, in builder order."""


def fragment_name(key: RelTableKey) -> str:
    return f"{key[0]}:{key[1][0]}:{key[1][1]}"


def activity_fragment(activities: list[Activity]) -> Fragment:
    """The rows ``activities`` (one file's, already validated) add to the graph."""
    with gc_paused():
        sink = _TableSink(check_ends=False)
        sink.activities(activities, node_key("Controller", ""))
        tables = sink.tables()
        del sink
    fragment = {"Activity": tables.nodes["Activity"], "Cookie": tables.nodes["Cookie"]}
    for key in LINK_KEYS:
        fragment[fragment_name(key)] = tables.rels[key]
    return fragment


def fragment_is_complete(fragment: Fragment) -> bool:
    """Whether ``fragment`` has every table this code writes, each with its schema (a cache
    entry written by other code, or damaged, is not used)."""
    expected = _empty_fragment()
    return fragment.keys() == expected.keys() and all(
        table.schema.equals(expected[name].schema) for name, table in fragment.items()
    )


@cache
def _empty_fragment() -> Fragment:
    return activity_fragment([])


def assemble(rest: GraphTables, fragments: list[Fragment]) -> GraphTables | None:
    """``rest`` (the tables of the record without its activities) with the fragments of its
    activity files, in file order; None when they do not fit together (see the module)."""
    if not fragments:
        return None
    activities = _concat([f["Activity"] for f in fragments], rest.nodes["Activity"])
    ids = activities.column("id")
    if activities.num_rows == 0 or pc.count_distinct(ids).as_py() != activities.num_rows:
        return None  # no activity, or one id twice: a problem the whole-record path reports
    cookies = _first_of_each(_concat([f["Cookie"] for f in fragments], rest.nodes["Cookie"]))
    nodes = dict(rest.nodes)
    nodes["Activity"], nodes["Cookie"] = activities, cookies
    rels = dict(rest.rels)
    for key in LINK_KEYS:
        table = _concat([f[fragment_name(key)] for f in fragments], rest.rels[key])
        inbound = key[1][1] == "Activity"
        label, end = (key[1][0], "from") if inbound else (key[1][1], "to")
        known = nodes[label].column("id")
        if table.num_rows and not pc.all(pc.is_in(table.column(end), value_set=known)).as_py():
            return None  # a link to a node no file defines (now)
        if inbound and table.num_rows:
            position = pc.index_in(table.column("from"), value_set=known)
            if not _ascending(position):
                table = table.take(pc.sort_indices(position))  # stable
        rels[key] = table
    controllers = nodes["Controller"].column("id")
    if len(controllers) != 1:
        return None
    performs = rest.rels[PERFORMS]
    columns = {
        "from": pa.array([controllers[0].as_py()] * activities.num_rows, type=pa.string()),
        "to": ids,
    }
    for name in performs.schema.names[2:]:
        columns[name] = pa.nulls(activities.num_rows, type=performs.schema.field(name).type)
    rels[PERFORMS] = pa.table(columns, schema=performs.schema)
    return GraphTables(nodes, rels)


def _concat(tables: list[pa.Table], empty: pa.Table) -> pa.Table:
    return pa.concat_tables([empty, *tables]).combine_chunks()


def _first_of_each(cookies: pa.Table) -> pa.Table:
    """Each cookie id once, as first defined (the builder's "first definition wins")."""
    seen: set[str] = set()
    keep = []
    for i, cookie_id in enumerate(cookies.column("id").to_pylist()):
        if cookie_id not in seen:
            seen.add(cookie_id)
            keep.append(i)
    return cookies if len(keep) == cookies.num_rows else cookies.take(pa.array(keep, pa.int64()))


def _ascending(position: pa.Array | pa.ChunkedArray) -> bool:
    if len(position) < 2:
        return True
    values = position.combine_chunks() if isinstance(position, pa.ChunkedArray) else position
    return bool(pc.all(pc.less_equal(values[:-1], values[1:])).as_py())
