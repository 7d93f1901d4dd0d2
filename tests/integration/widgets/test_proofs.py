"""Ownership proof and discovery against real pages, feeds and a DNS server on loopback."""

import pytest

from ruisseau.things import proofs, sites
from ruisseau.things.models import OwnerVerification, ThingOwner
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = "http://127.0.0.1:8000"


def _html(head: str) -> str:
    return f"<!doctype html><html lang='en'><head><title>Post</title>{head}</head><body>hi</body></html>"


def test_rel_payment_link_makes_the_user_a_verified_owner(page_server, settings):
    settings.PUBLIC_URL = PUBLIC
    alice = factories.user("alice")
    url = page_server.url("/post/1")
    page_server.pages["/post/1"] = ("text/html", _html(
        f'<link rel="payment" href="{PUBLIC}/submit/auto?user_id=alice&amp;url=x">'))
    thing = factories.thing(url=url)
    proofs.prove_page(thing.id, alice.id)
    owner = ThingOwner.objects.get(thing=thing, user=alice)
    assert owner.verified and owner.verification == OwnerVerification.PAGE


def test_owner_meta_tag_is_a_proof(page_server):
    bob = factories.user("bob")
    page_server.pages["/b"] = ("text/html", _html('<meta name="ruisseau:owner" content="@bob">'))
    thing = factories.thing(url=page_server.url("/b"))
    proofs.prove_page(thing.id, bob.id)
    assert ThingOwner.objects.get(thing=thing, user=bob).verified


def test_page_naming_someone_else_is_no_proof(page_server):
    factories.user("carol")
    mallory = factories.user("mallory")
    page_server.pages["/c"] = ("text/html", _html('<meta name="ruisseau:owner" content="carol">'))
    thing = factories.thing(url=page_server.url("/c"))
    with pytest.raises(proofs.ProofFailed, match="does not name you"):
        proofs.prove_page(thing.id, mallory.id)
    assert not ThingOwner.objects.filter(thing=thing).exists()


def test_payment_link_to_another_server_is_no_proof(page_server):
    dave = factories.user("dave")
    page_server.pages["/d"] = ("text/html", _html(
        '<link rel="payment" href="https://elsewhere.example/submit/auto?user_id=dave">'))
    thing = factories.thing(url=page_server.url("/d"))
    with pytest.raises(proofs.ProofFailed):
        proofs.prove_page(thing.id, dave.id)


def test_unreachable_page_says_why(page_server):
    erin = factories.user("erin")
    thing = factories.thing(url=page_server.url("/missing"))
    with pytest.raises(proofs.ProofFailed, match="HTTP 404"):
        proofs.prove_page(thing.id, erin.id)


def test_private_addresses_are_refused_in_production(page_server, settings):
    settings.FETCH_ALLOW_PRIVATE = False
    frank = factories.user("frank")
    page_server.pages["/f"] = ("text/html", _html('<meta name="ruisseau:owner" content="frank">'))
    thing = factories.thing(url=page_server.url("/f"))
    with pytest.raises(proofs.ProofFailed, match="not on the public internet"):
        proofs.prove_page(thing.id, frank.id)


def test_discovery_reads_a_page(page_server, settings):
    settings.PUBLIC_URL = PUBLIC
    gina = factories.user("gina")
    page_server.pages["/g"] = ("text/html", _html(
        f'<link rel="payment" href="{PUBLIC}/user/gina"><link rel="payment" href="https://other.example/pay">'
        '<link rel="monetization" href="https://wallet.example/gina">'))
    found = proofs.discover(page_server.url("/g"))
    assert found["users"] == [gina]
    assert found["payment_links"] == ["https://other.example/pay"]
    assert found["monetization"] == ["https://wallet.example/gina"]


def test_discovery_reads_an_rss_feed_with_podcast_funding(page_server, settings):
    settings.PUBLIC_URL = PUBLIC
    hugo = factories.user("hugo")
    page_server.pages["/feed.xml"] = ("application/rss+xml", f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Radio</title>
<podcast:funding url="{PUBLIC}/submit/auto?user_id=hugo&amp;url=https%3A%2F%2Fradio.example%2F">Support</podcast:funding>
<item><title>Ep 1</title><atom:link rel="payment" href="{PUBLIC}/@hugo" type="text/html"/></item>
</channel></rss>""")
    found = proofs.discover(page_server.url("/feed.xml"))
    assert found["users"] == [hugo]
    assert found["podcast_funding"][0].startswith(PUBLIC + "/submit/auto?user_id=hugo")


def test_discovery_reads_an_atom_feed(page_server, settings):
    settings.PUBLIC_URL = PUBLIC
    ines = factories.user("ines")
    page_server.pages["/atom.xml"] = ("application/atom+xml", f"""<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>One</title><link rel="payment" href="{PUBLIC}/profile/ines" type="text/html"/></entry></feed>""")
    assert proofs.discover(page_server.url("/atom.xml"))["users"] == [ines]


# --- domains ----------------------------------------------------------------------------------


def test_well_known_file_verifies_a_site(page_server):
    owner = factories.user()
    site = sites.add_site(owner.id, page_server.host)
    page_server.pages["/.well-known/ruisseau.txt"] = ("text/plain", site.proof_value + "\n")
    site = sites.verify_site(site.id, owner.id, "well_known")
    assert site.verified and site.method == "well_known"
    assert site.authors.get().user == owner


def test_home_page_meta_verifies_a_site(page_server):
    owner = factories.user()
    site = sites.add_site(owner.id, page_server.host)
    page_server.pages["/"] = ("text/html", _html(f'<meta name="ruisseau:site-verification" content="{site.token}">'))
    assert sites.verify_site(site.id, owner.id, "meta").verified


def test_wrong_token_does_not_verify(page_server):
    owner = factories.user()
    site = sites.add_site(owner.id, page_server.host)
    page_server.pages["/"] = ("text/html", _html('<meta name="ruisseau:site-verification" content="nope">'))
    page_server.pages["/.well-known/ruisseau.txt"] = ("text/plain", "ruisseau-site-verification=nope")
    for method in ("meta", "well_known"):
        with pytest.raises(proofs.ProofFailed):
            sites.verify_site(site.id, owner.id, method)
    site.refresh_from_db()
    assert not site.verified


def test_dns_txt_record_verifies_a_site(dns_server):
    owner = factories.user()
    site = sites.add_site(owner.id, "blog.example")
    with pytest.raises(proofs.ProofFailed, match="No TXT record at _ruisseau.blog.example"):
        sites.verify_site(site.id, owner.id, "dns")
    dns_server.records["_ruisseau.blog.example"] = ["something else"]
    with pytest.raises(proofs.ProofFailed, match="does not hold"):
        sites.verify_site(site.id, owner.id, "dns")
    dns_server.records["_ruisseau.blog.example"] = ["something else", site.proof_value]
    assert sites.verify_site(site.id, owner.id, "dns").method == "dns"


def test_a_domain_is_verified_by_one_account_only(dns_server):
    first, second = factories.user(), factories.user()
    site = sites.add_site(first.id, "one.example")
    other = sites.add_site(second.id, "one.example")
    dns_server.records["_ruisseau.one.example"] = [site.proof_value, other.proof_value]
    sites.verify_site(site.id, first.id, "dns")
    with pytest.raises(Exception, match="already verified"):
        sites.verify_site(other.id, second.id, "dns")
    with pytest.raises(Exception, match="already verified"):
        sites.add_site(factories.user().id, "ONE.example")


def test_unknown_method_and_other_peoples_sites(dns_server):
    owner = factories.user()
    site = sites.add_site(owner.id, "two.example")
    with pytest.raises(Exception, match="Unknown proof method"):
        sites.verify_site(site.id, owner.id, "carrier-pigeon")
    with pytest.raises(Exception, match="no site"):
        sites.verify_site(site.id, factories.user().id, "dns")
