"""The page a blog's button opens tells the truth about where the flattr goes: to the site's
author when the page is on a verified site they write for, else into a pledge."""

from urllib.parse import urlencode

import pytest
from django.utils import timezone

from ruisseau.things import sites
from ruisseau.things.models import ThingOwner
from ruisseau.things.site_models import Site
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog():
    owner, author = factories.user("blogowner"), factories.user("blogauthor")
    site = sites.add_site(owner.id, "blog.example")
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="dns")
    sites.accept_invitation(sites.invite_author(site.id, owner.id, author.username).id, author.id)
    return author


def submit_url(uid: str) -> str:
    return "/submit/auto?" + urlencode({"url": "https://blog.example/post", "uid": uid, "title": "A post"})


def test_a_page_on_a_verified_site_says_its_author_is_paid(client, blog):
    client.force_login(factories.user("reader"))
    page = client.get(submit_url("blogauthor")).content.decode()
    assert "a verified site blogauthor writes for: your flattr goes to them." in page
    assert "as a pledge" not in page
    french = client.get(submit_url("blogauthor"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "un site vérifié pour lequel blogauthor écrit" in french
    client.post(submit_url("blogauthor"))
    assert ThingOwner.objects.filter(user=blog, verified=True).exists()  # and so it does


def test_a_page_naming_no_author_of_the_site_still_says_pledge(client, blog):
    client.force_login(factories.user("reader"))
    page = client.get(submit_url("stranger")).content.decode()
    assert "as a pledge" in page and 'id="attribution"' not in page
