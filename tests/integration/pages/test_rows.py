"""The lists rendered in Python (pages/rows.py): the same markup the template tags would write, and
the dashboard's table of flattrs showing every change it depends on at the very next view."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

from ruisseau.accounts.services import set_budget, set_language
from ruisseau.flattrs import services as flattrs
from ruisseau.flattrs.models import Flattr
from ruisseau.pages.rows import recent_flattrers_html
from ruisseau.pages.thing_reads import RecentFlattr
from ruisseau.things.models import OwnerVerification, ThingOwner
from ruisseau.things.services import update_thing, verify_owner
from tests import factories

pytestmark = pytest.mark.django_db

RECENT_AS_TEMPLATE = (
    "{% for f in recent %}<li><a href=\"{% url 'pages:profile' f.username %}\">{{ f.name }}</a> "
    "<time class=\"muted\" datetime=\"{{ f.created_at|date:'c' }}\">{{ f.created_at|date:\"SHORT_DATE_FORMAT\" }}"
    "</time></li>{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris"])
def test_recent_flattrers_are_the_markup_the_template_writes(language, zone):
    recent = [
        RecentFlattr("al&ice'x", "Alice <b>", datetime(2026, 3, 31, 23, 30, tzinfo=UTC)),  # another day in Paris
        RecentFlattr("bob@x.y+z", "bob@x.y+z", datetime(2026, 1, 5, 1, 2, 3, 456, tzinfo=UTC)),
    ]
    template = engines["django"].from_string(RECENT_AS_TEMPLATE)
    with translation.override(language), timezone.override(zone):
        assert recent_flattrers_html(recent) == template.render({"recent": recent})


def values(page: str) -> list[str]:
    return [cell.split("<", 1)[0] for cell in page.split("data-flattr-value>")[1:]]


def test_the_table_follows_every_change_it_shows(signed_in, things, giver, creator):
    for thing in things:
        flattrs.flattr_thing(giver.id, thing.id)
    page = signed_in.get("/dashboard/").content.decode()
    assert values(page) == ["1.58\u00a0€", "1.58\u00a0€", "1.59\u00a0€"] and "Article 2" in page  # the earliest: the odd cent
    update_thing(things[1].id, creator.id, title="Article two")
    page = signed_in.get("/dashboard/").content.decode()
    assert "Article two" in page and "Article 2<" not in page
    set_budget(giver.id, 800)  # 760 after the fee, over three
    assert values(signed_in.get("/dashboard/").content.decode()) == ["2.53\u00a0€", "2.53\u00a0€", "2.54\u00a0€"]
    flattrs.take_back(giver.id, Flattr.objects.get(user=giver, thing=things[0]).id)
    assert values(signed_in.get("/dashboard/").content.decode()) == ["3.80\u00a0€"] * 2
    set_language(giver.id, "fr")
    page = signed_in.get("/dashboard/").content.decode()
    assert values(page) == ["3,80\u00a0€"] * 2 and ">Retirer</button>" in page


def test_the_table_shows_an_owner_verified_since(signed_in, giver, creator):
    unproven = factories.thing(creator, verified=False)
    flattrs.flattr_thing(giver.id, unproven.id)
    page = signed_in.get("/dashboard/").content.decode()
    assert "will wait as a pledge" in page and values(page) == ["—"]  # a pledge takes no share
    verify_owner(unproven.id, creator.id, method=OwnerVerification.OPERATOR)
    assert ThingOwner.objects.filter(thing=unproven, verified=True).exists()
    page = signed_in.get("/dashboard/").content.decode()
    assert "will wait as a pledge" not in page and values(page) == ["4.75\u00a0€"]


def test_the_table_shows_a_change_made_behind_the_orms_back(signed_in, things, giver):
    """A bulk update sends no signal; the table is compared with what the database holds now."""
    flattrs.flattr_thing(giver.id, things[0].id)
    assert "Article 1" in signed_in.get("/dashboard/").content.decode()
    type(things[0]).objects.filter(id=things[0].id).update(title="Renamed in bulk")
    assert "Renamed in bulk" in signed_in.get("/dashboard/").content.decode()
