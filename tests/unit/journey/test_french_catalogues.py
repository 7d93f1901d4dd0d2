"""The compiled French catalogues say each thing once: a translation that is its own text
written twice (as a bad merge of two catalogues left forty of them) shows doubled on the page."""

import gettext
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

