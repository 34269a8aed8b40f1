"""Compile the translation catalogues (locale/*/LC_MESSAGES/django.po → .mo) in pure Python.

The .po files are the source, committed; the .mo files are build output (git ignores them).
``make run`` and ``make test`` build them through this module, so a clean machine needs no
GNU gettext (``msgfmt``): polib, pinned in requirements.txt, writes the same binary format.
Only ``make messages`` (re-extracting the strings) needs gettext's ``xgettext``.

    python -m infoview.messages            # compile every catalogue that changed
    python -m infoview.messages --check    # exit 1 if any entry is untranslated or fuzzy
"""

import os
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_stale(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write the .mo of each .po newer than it; the ones written."""
    written = []
    for po_path in catalogues(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        # Fuzzy entries are guesses; gettext leaves them out of the .mo, and so do we.
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        catalogue.save_as_mofile(str(tmp))
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


def problems(po_path: Path) -> list[str]:
    """Entries a reader would see in English: untranslated or fuzzy."""
    catalogue = polib.pofile(str(po_path))
    found = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    return found


def main(argv: list[str]) -> int:
    if "--check" in argv:
        failed = False
        for po_path in catalogues():
            for line in problems(po_path):
                print(f"{po_path}: {line}")
                failed = True
        return 1 if failed else 0
    for mo_path in compile_stale():
        print(f"compiled {mo_path.relative_to(LOCALE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
