"""Exchange with other privacy tools: Fides (fideslang) export and W3C DPV export.

A feature on the core like graph/ropa: it reads a validated :class:`graph.model.Record` and
writes another format, listing what that format cannot carry. It never touches a store, the CLI
or the dashboard (``.importlinter``). The Fides importer lives in loaders/fides and shares this
package's vocabulary mapping (``fides_vocab``) so both directions agree.
"""
