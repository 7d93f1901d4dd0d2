"""What a visitor of the demo meets first: signing in as the sample people it announces."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from ruisseau.demo.data import DEMO_PASSWORD, OPERATOR, load_demo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("email, password", [("alice@ruisseau.example", DEMO_PASSWORD),
                                             ("operator@ruisseau.example", OPERATOR[1])])
def test_the_sample_people_sign_in_without_an_email_confirmation(client, email, password):
    load_demo()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    assert response.url == "/dashboard/", "sign-in sent the visitor to confirm an email nobody can read"


def test_the_demo_on_another_port_says_which_public_url_to_set(settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    out = StringIO()
    with mock.patch("ruisseau.demo.management.commands.demo.call_command") as called:
        call_command("demo", port=8123, stdout=out)
    assert "RUISSEAU_PUBLIC_URL=http://127.0.0.1:8123" in out.getvalue()
    assert called.call_args_list[-1].kwargs == {"host": "127.0.0.1", "port": 8123, "workers": 1}
