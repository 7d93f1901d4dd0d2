"""Finding things by the words people type: the one text search behind /explore/ and the API's
``GET /things/search``.

Each word must appear somewhere (in any of the given columns, as a tag, or in the name of one of
the thing's owners); case and accents are ignored on SQLite and PostgreSQL alike ("velo" finds
"Le vélo à Paris", "chloe" finds Chloé's things). The columns are folded in the query, so the
search reads every visible row: fine at the catalogue's size, and what ``icontains`` did too.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import Contains, Exact

from ruisseau.db import Folded, fold
from ruisseau.things.models import Tag, ThingOwner

TEXT_COLUMNS = ("title", "description")


def contains_word(column: str, word: str) -> Contains:
    """``column`` contains ``word``, ignoring case and accents."""
    return Contains(Folded(column), fold(word))


def words_match(words: list[str], *, columns: tuple[str, ...] = TEXT_COLUMNS, owner_names: bool = True) -> Q:
    """Things in which every one of ``words`` appears: in one of ``columns``, as a whole tag, or
    (with ``owner_names``) in the user name or display name of a current owner whose account is
    open."""
    condition = Q()
    for word in words:
        found = Q(Exists(Tag.objects.filter(things=OuterRef("pk")).filter(Exact(Folded("name"), fold(word)))))
        for column in columns:
            found |= Q(contains_word(column, word))
        if owner_names:
            owners = ThingOwner.objects.filter(thing=OuterRef("pk"), weight_bps__gt=0, user__closed_at__isnull=True)
            found |= Q(Exists(owners.filter(contains_word("user__username", word)
                                            | Q(contains_word("user__display_name", word)))))
        condition &= found
    return condition
