"""Auto-submit URLs written with `&amp;` between their parameters (copied out of HTML or a feed)
keep every parameter (flattr-widgets.md §4.3), wherever they are read."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from ruisseau.things import sites
from ruisseau.things.models import Thing, ThingOwner
from ruisseau.things.site_models import Site
from tests import factories

pytestmark = pytest.mark.django_db

AUTO = "http://testserver/submit/auto?url=https%3A%2F%2Fblog3.example%2Fp&amp;user_id=emma&amp;title=Amp"


@pytest.fixture
def emma():
    owner, author = factories.user("blog3owner"), factories.user("emma")
    site = sites.add_site(owner.id, "blog3.example")
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="dns")
    sites.accept_invitation(sites.invite_author(site.id, owner.id, author.username).id, author.id)
    return author


def test_api_flattr_by_an_amp_auto_submit_url_keeps_title_and_author(api, token, emma):
    answer = api(token(factories.user())).post("/flattr", {"url": AUTO})
    assert answer.status_code == 200
    thing = Thing.objects.get(url="https://blog3.example/p")
    assert thing.title == "Amp"
    assert ThingOwner.objects.filter(thing=thing, user=emma, verified=True).exists()
    found = api().get("/things/lookup", {"url": AUTO.replace("emma", "blog3owner")})
    assert (found.status_code, found.json()["error"]) == (400, "validation")  # user_id read: not the owner
    assert api().get("/things/lookup", {"url": AUTO}).status_code == 302


def test_submit_auto_reads_its_own_amp_query(emma):
    web = Client()
    web.force_login(factories.user())
    path = AUTO.removeprefix("http://testserver")
    page = web.get(path).content.decode()
    assert "Amp" in page and "emma writes for" in page
    assert web.post(path).status_code == 302
    thing = Thing.objects.get(url="https://blog3.example/p")
    assert thing.title == "Amp" and ThingOwner.objects.filter(thing=thing, user=emma).exists()
    button = Client().get("/button/view/?url=" + quote("https://blog3.example/p") + "&amp;button=compact")
    assert button.status_code == 200 and 'class="b cmp"' in button.content.decode()
