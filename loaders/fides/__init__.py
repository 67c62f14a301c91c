"""Import Fides resources (fideslang ``system`` and ``organization`` YAML) into a record.

``read`` validates each resource with fideslang's own models, ``mapping`` turns systems and
privacy declarations into record elements (and notes what does not fit), ``importer`` assembles
and writes the record.
"""

from loaders.fides.importer import import_fides, read_fides

__all__ = ["import_fides", "read_fides"]
