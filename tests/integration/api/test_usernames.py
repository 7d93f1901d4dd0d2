"""A username may not end in one of the API's format suffixes: /users/alice.json is alice in JSON,
so a person named alice.json would be shown as somebody else (reference §2.7)."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from ruisseau.accounts.models import User
from ruisseau.accounts.services import FORMAT_SUFFIXES, create_user, username_from_email
from ruisseau.errors import InvalidInput
from tests import factories

pytestmark = pytest.mark.django_db


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_sign_up_with_a_suffix_like_email_makes_a_name_the_api_finds(client, api):
    factories.user("alice")
    password = "a-good-long-pass-42"
    answer = client.post(reverse("account_signup"),
                         {"email": "alice.json@mail.example", "password1": password, "password2": password})
    assert answer.status_code == 302 and len(mail.outbox) == 1
    person = User.objects.get(email="alice.json@mail.example")
    assert person.username == "alice-json"
    assert api().get("/users/alice-json").json()["username"] == "alice-json"
    assert api().get("/users/alice.json").json()["username"] == "alice"  # the suffix is a format


def test_every_format_suffix_is_refused_and_the_generator_avoids_it():
    for suffix in FORMAT_SUFFIXES:
        with pytest.raises(InvalidInput) as refused:
            create_user(f"bob.{suffix.upper()}")
        assert f"may not end in .{suffix}" in refused.value.message
        assert username_from_email(f"bob.{suffix}@mail.example") == f"bob-{suffix}"
    assert create_user("bob.jsonp").username == "bob.jsonp"  # not a suffix the API reads
    assert username_from_email("carol.json.@mail.example") == "carol-json"


def test_the_operator_cannot_give_such_a_name(client):
    create_user("boss", password="a-long-password", is_staff=True)
    assert client.login(username="boss", password="a-long-password")
    person = factories.user("person")
    form = {"username": "person.xml", "email": "person@example.test", "budget_cents": 500, "language": "",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "display_name": "", "about": "", "website": ""}
    answer = client.post(f"/admin/accounts/user/{person.id}/change/", form)
    assert answer.status_code == 200 and "may not end in .xml" in answer.content.decode()
    added = client.post("/admin/accounts/user/add/", {"username": "new.txt", "usable_password": "false"})
    assert added.status_code == 200 and "may not end in .txt" in added.content.decode()
    assert not User.objects.filter(username__in=["person.xml", "new.txt"]).exists()


def test_the_migration_renames_existing_names():
    long = "a" * 32 + ".json"  # its new name, cut to 37 characters, would end in .json again
    for name in ("dora.json", "dora-json", "eve.Atom", "fred.js", long + ".as"):
        User.objects.create(username=name)
    migration = importlib.import_module("ruisseau.accounts.migrations.0003_usernames_without_format_suffix")
    migration.rename(apps, None)
    names = set(User.objects.values_list("username", flat=True))
    assert names == {"dora-json-2", "dora-json", "eve-Atom", "fred.js", "a" * 32 + "-json"}
