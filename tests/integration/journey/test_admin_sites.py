"""The operator's back-office lists the sites people claim, with their authors."""

import pytest
from django.utils import timezone

from ruisseau.accounts.services import create_user
from ruisseau.things import sites
from ruisseau.things.site_models import Site
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_operator_sees_sites_and_their_authors(client):
    create_user("boss", password="a-long-password", is_staff=True)
    assert client.login(username="boss", password="a-long-password")
    owner, author = factories.user("blogger"), factories.user("writer")
    site = sites.add_site(owner.id, "blog.example")
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="dns")
    sites.invite_author(site.id, owner.id, author.username)
    listing = client.get("/admin/things/site/?q=blog")
    assert listing.status_code == 200 and "blog.example" in listing.content.decode()
    detail = client.get(f"/admin/things/site/{site.id}/change/")
    assert detail.status_code == 200 and "writer" in detail.content.decode()
