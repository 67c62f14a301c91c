"""The ``ropagraph`` command line: a small CLI over the library in graph/ and loaders/.

``commands`` holds the typer application and the core commands (validate, load, query, cypher, …);
each other module adds one command group (dashboard, findings, generate, neo4j, ropa).
"""

from graph.cli.commands import app, main

__all__ = ["app", "main"]
