"""CSV cells that a spreadsheet opens safely: the one guard against formula injection.

Every CSV Infoview writes (contact exports, report tables, privacy exports) passes its cells
through ``escape_formula``; the contact importer undoes it with ``unescape_formula``, so an
exported file imports back unchanged.
"""

# Spreadsheets run a cell that begins with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """Quote a cell a spreadsheet would run as a formula with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unescape_formula(value: str) -> str:
    """Undo ``escape_formula`` ('=SUM → =SUM); any other value is returned as it is."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
