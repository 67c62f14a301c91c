"""``python -m graph.cli``: the same as the ``ropagraph`` command."""

from graph.cli.commands import main

main()
