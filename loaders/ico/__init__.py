"""Import a ROPA spreadsheet in the ICO's layout (or one close to it) into a YAML record.

``workbook`` reads the sheets and finds the heading row, ``parse`` turns cell text into the
record's vocabulary (lawful bases, Art 9 conditions, mechanisms, countries), ``importer`` maps
rows to record elements and writes the record.
"""

from loaders.ico.importer import import_ico_xlsx, read_ico_xlsx, record_yaml
from loaders.output import OutputExists

__all__ = ["OutputExists", "import_ico_xlsx", "read_ico_xlsx", "record_yaml"]
