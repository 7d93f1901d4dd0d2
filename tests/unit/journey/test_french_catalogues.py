"""The compiled French catalogues say each thing once: a translation that is its own text
written twice (as a bad merge of two catalogues left forty of them) shows doubled on the page."""

import gettext
import re
from pathlib import Path

import pytest

import ruisseau

CATALOGUES = sorted(Path(ruisseau.__file__).parent.glob("*/locale/fr/LC_MESSAGES/django.mo"))


def written_twice(text: str) -> bool:
    for between in ("", " ", "\n"):
        half, rest = divmod(len(text) - len(between), 2)
        first, middle, second = text[:half], text[half:half + len(between)], text[half + len(between):]
        if half > 0 and not rest and first == second and middle == between:
            return True
    return False


def test_the_check_sees_a_doubled_text_and_nothing_else():
    assert written_twice("Ajoutez des fonds.Ajoutez des fonds.") and written_twice("Oui Oui")
    assert not written_twice("Ajoutez des fonds.") and not written_twice("")


@pytest.mark.parametrize("mo", CATALOGUES, ids=[p.parts[-5] for p in CATALOGUES])
def test_no_translation_is_written_twice(mo):
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    doubled = [key for key, text in catalogue.items() if key and written_twice(text)]
    assert doubled == []


def test_there_are_catalogues_to_check():
    assert {p.parts[-5] for p in CATALOGUES} >= {"pages", "web", "api", "widgets", "payments"}


def test_one_english_word_agrees_with_each_french_noun():
    """"verified" is a claim on a thing (la propriété, feminine) or a website (le site): two
    contexts, so neither catalogue's word overrides the other's."""
    from django.utils import translation

    with translation.override("fr"):
        assert translation.pgettext("ownership of a thing", "verified") == "vérifiée"
        assert translation.pgettext("ownership of a thing", "not verified") == "non vérifiée"
        assert translation.pgettext("a website", "verified") == "vérifié"



def po_entries(po: Path) -> list[tuple[bool, str, str]]:
    """(fuzzy, msgid, msgstr) of each entry of a .po file, the header and obsolete entries left
    out; a plural is read as its first form, which is enough to see that it is translated."""
    entries, fuzzy, parts, current = [], False, {}, None

    def flush():
        if parts.get("msgid"):
            entries.append((fuzzy, parts["msgid"], parts.get("msgstr", "")))

    for line in po.read_text(encoding="utf-8").splitlines():
        keyword, _, rest = line.partition(" ")
        if line.startswith("#,") and "fuzzy" in line:
            flush()
            fuzzy, parts, current = True, {}, None
        elif keyword in ("msgctxt", "msgid") and (current == "msgstr" or "msgid" in parts):
            flush()  # a new entry starts
            fuzzy, parts, current = False, {}, None
        if keyword in ("msgid", "msgstr", "msgstr[0]"):
            current = keyword.replace("[0]", "")
            parts[current] = rest[1:-1]
        elif line.startswith('"') and current:
            parts[current] += line[1:-1]
        elif keyword in ("msgctxt", "msgid_plural") or keyword.startswith("msgstr[") or line.startswith("#"):
            current = None
    flush()
    return entries


@pytest.mark.parametrize("mo", CATALOGUES, ids=[p.parts[-5] for p in CATALOGUES])
def test_every_entry_is_translated_and_compiled(mo):
    """A fuzzy or empty entry is left out of the .mo: the page would show English in French."""
    entries = po_entries(mo.with_suffix(".po"))
    assert entries
    assert [msgid for fuzzy, msgid, _ in entries if fuzzy] == []
    assert [msgid for _, msgid, msgstr in entries if not msgstr] == []
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in catalogue}  # plurals: (msgid, n)
    compiled_ids = {key.split("\x04", 1)[-1] for key in compiled_ids}  # a context comes first
    written = {unescape(msgid) for _, msgid, _ in entries}
    assert written - compiled_ids == set(), "run msgfmt: the .mo is older than the .po"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def test_the_po_reader_sees_fuzzy_empty_and_obsolete_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n#: a.py:1\nmsgid "One"\nmsgstr "Un"\n\n'
                  '#: a.py:2\n#, fuzzy\n#| msgid "Tw"\nmsgid "Two"\nmsgstr "Deu"\n#: a.py:3\nmsgid ""\n'
                  '"Three "\n"lines"\nmsgstr ""\n\n#~ msgid "Old"\n#~ msgstr "Vieux"\n', encoding="utf-8")
    assert po_entries(po) == [(False, "One", "Un"), (True, "Two", "Deu"), (False, "Three lines", "")]
