"""Text as search sees it: one folding for the stored document and the words people type."""

import unicodedata

# Letters that carry no combining mark to strip, spelt as people type them without accents.
_FOLDED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "\u0131": "i"}
)


def fold(text: str) -> str:
    """Lower case without accents: "Ångström" and "angstrom" are the same word to search."""
    if text.isascii():  # nothing to decompose or translate (an import folds a document a row)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLDED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
