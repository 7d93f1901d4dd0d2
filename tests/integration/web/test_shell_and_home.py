import pytest
from django.urls import reverse

from ruisseau.accounts.models import User
from ruisseau.flattrs.services import flattr_thing
from ruisseau.settlement import run as settlement  # also registers SQLite's helper functions (ruisseau.db)
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


def test_home_explains_the_money_and_invites_to_sign_up(client):
    html = client.get("/").content.decode()
    assert "How the money flows" in html
    # Budget 5\u00a0€, 5 % fee, three flattrs: 25 cents of fee, 1.58\u00a0€ each, the first gets 1.59\u00a0€.
    assert "0.25\u00a0€" in html and "1.58\u00a0€" in html and "1.59\u00a0€" in html
    assert reverse("account_signup") in html
    assert 'lang="en"' in html


def test_home_in_french_formats_amounts_the_french_way(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr"' in html
    assert "Comment circule l’argent" in html
    assert "1,58\u00a0€" in html and "1.58\u00a0€" not in html


def test_home_lists_this_months_trending_things(client):
    from django.utils import timezone

    owner, giver = factories.user(), factories.user()
    thing = factories.thing(owner, title="Un billet très lu")
    flattr_thing(giver.id, thing.id, now=timezone.now())
    html = client.get("/").content.decode()
    assert "Un billet très lu" in html and "1 flattr" in html



def test_home_figures_are_kept_for_a_short_while(client):
    """Aggregates over the whole month are not recomputed on every view (web/overview.py)."""
    from django.core.cache import cache
    from django.utils import timezone

    owner, first, second = factories.user(), factories.user(), factories.user()
    thing = factories.thing(owner, title="Un billet très lu")
    flattr_thing(first.id, thing.id, now=timezone.now())
    assert "1 flattr<" in client.get("/").content.decode()
    flattr_thing(second.id, thing.id, now=timezone.now())
    assert "1 flattr<" in client.get("/").content.decode()  # kept
    cache.clear()  # as when HOME_FIGURES_SECONDS have passed
    assert "2 flattrs<" in client.get("/").content.decode()
    thing.hidden = True
    thing.save()
    assert "Un billet très lu" not in client.get("/").content.decode()  # left out at once, kept or not


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" in client.get("/no-such-page/")


def test_unknown_pages_get_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_the_language_switch_is_remembered_on_the_account(member_client, member):
    response = member_client.post(reverse("web:set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(id=member.id).language == "fr"
    assert 'lang="fr"' in member_client.get("/").content.decode()


def test_the_saved_language_wins_over_the_browser_once_signed_in(client, member):
    User.objects.filter(id=member.id).update(language="fr")
    client.force_login(member)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fr"' in response.content.decode()
    assert response.cookies["django_language"].value == "fr"


def test_the_language_switch_refuses_other_languages_and_get(member_client, member):
    member_client.post(reverse("web:set_language"), {"language": "de", "next": "/"})
    assert User.objects.get(id=member.id).language == ""
    assert member_client.get(reverse("web:set_language")).status_code == 405


def test_signed_in_navigation_links_the_creator_and_settings_pages(member_client):
    html = member_client.get("/").content.decode()
    assert reverse("web:creator") in html and reverse("web:settings") in html
    assert reverse("account_logout") in html


def test_generated_avatar_is_an_svg_and_unknown_users_are_404(client, member):
    response = client.get(reverse("web:avatar", args=[member.id]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert client.get(reverse("web:avatar", args=[999_999])).status_code == 404


def test_privacy_page_and_health(client):
    assert "Cookies" in client.get(reverse("web:privacy")).content.decode()
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(("name", "french"), [
    ("account_login", "Connexion"), ("account_signup", "Inscription"), ("account_reset_password", "mot de passe"),
])
def test_account_pages_speak_french(client, name, french):
    html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert french in html and "Se connecter" in html  # allauth's page inside the French site shell


def test_settings_and_creator_pages_speak_french(member_client, member):
    User.objects.filter(id=member.id).update(language="fr")
    assert "Nom affiché" in member_client.get(reverse("web:settings_profile")).content.decode()
    assert "Ce que devient votre argent" in member_client.get(reverse("web:settings_close")).content.decode()
    assert "Tableau de bord créateur" in member_client.get(reverse("web:creator")).content.decode()
    assert "Cette page n’existe pas" in member_client.get("/nulle-part/").content.decode()


def test_the_500_page_renders_without_a_request_or_database():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and "site.css" in html


def test_server_errors_show_the_friendly_page(client, monkeypatch):
    from ruisseau.web import views

    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.overview, "home", broken)
    client.raise_request_exception = False
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_home_respects_hidden_revenue(client):
    shy, giver = factories.user("shy"), factories.user("giver")
    User.objects.filter(id=shy.id).update(hide_received=True, display_name="Timide")
    flattr_thing(giver.id, factories.thing(shy, title="Discret").id, now=at(day=3))
    flattr_thing(shy.id, factories.thing(factories.user()).id, now=at(day=3))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    html = client.get("/").content.decode()
    table = html[html.index("Where the money went"):]
    assert "Discret" in table and "Timide" not in html
    assert "4.75\u00a0€" not in table and "hidden" in table  # only the site-wide total shows it
