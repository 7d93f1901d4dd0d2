import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ruisseau.accounts.models import User
from ruisseau.demo.data import load_demo
from ruisseau.settlement.models import SettlementRun
from ruisseau.things.models import Thing


def test_help_lists_every_command():
    out = subprocess.run([sys.executable, "-m", "ruisseau.cli", "--help"], capture_output=True, text=True, check=True)
    for name in ("demo", "serve", "migrate", "settle", "ledger", "createoperator", "subscriptions"):
        assert f"  {name} " in out.stdout


def test_a_bad_period_exits_non_zero_with_one_readable_line():
    result = subprocess.run(
        [sys.executable, "-m", "ruisseau.cli", "settle", "--period", "2026-1"], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: '2026-1' is not a period: write it as YYYY-MM, e.g. 2026-11"
    ]


@pytest.mark.django_db
def test_createoperator():
    call_command("createoperator", "boss", "--password", "a-long-password", stdout=StringIO())
    boss = User.objects.get(username="boss")
    assert boss.is_staff and boss.is_superuser and boss.check_password("a-long-password")
    with pytest.raises(CommandError, match="taken"):
        call_command("createoperator", "boss", "--password", "a-long-password")
    with pytest.raises(CommandError, match="at least 8"):
        call_command("createoperator", "other", "--password", "short")


@pytest.mark.django_db
def test_demo_data_has_a_settled_period_and_shows_it(client):
    load_demo()
    load_demo()  # a second start changes nothing
    run = SettlementRun.objects.get()
    assert run.status == "done" and run.report["total_spent_cents"] == 1_400
    assert Thing.objects.count() == 6
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "passed" in out.getvalue()
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "settled" in html and "14.00 €" in html and "Le vélo à Paris" in html
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_demo_people_and_operators_sign_in_on_the_site_with_their_email(client):
    load_demo()
    response = client.post("/accounts/login/", {"login": "alice@ruisseau.example", "password": "ruisseau-demo"})
    assert response.status_code == 302 and response["Location"] != "/accounts/confirm-email/"
    assert client.get("/dashboard/").status_code == 200
    client.logout()
    call_command("createoperator", "boss", "--email", "boss@example.org", "--password", "a-long-password",
                 stdout=StringIO())
    response = client.post("/accounts/login/", {"login": "boss@example.org", "password": "a-long-password"})
    assert response.status_code == 302 and client.get("/dashboard/").status_code == 200


@pytest.mark.django_db
def test_the_demo_blogs_site_follows_the_public_address_on_every_start(settings):
    """Loaded on one port and restarted on another, the demo blog's site moves with the server:
    otherwise its buttons name pages on no verified site and every flattr becomes a pledge."""
    from ruisseau.things.site_models import Site
    from ruisseau.widgets.params import parse
    from ruisseau.widgets.services import flattr_with_button

    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    call_command("demo", no_serve=True, stdout=StringIO())
    assert Site.objects.get(owner__username="bruno").domain == "127.0.0.1:8000"
    settings.PUBLIC_URL = "http://127.0.0.1:8002"
    out = StringIO()
    call_command("demo", port=8002, no_serve=True, stdout=out)
    assert "The demo blog's site is 127.0.0.1:8002" in out.getvalue()
    assert Site.objects.get(owner__username="bruno").domain == "127.0.0.1:8002"
    reader = User.objects.get(username="alice")
    flattr = flattr_with_button(reader.id, parse({"url": "http://127.0.0.1:8002/demo-blog/rivers/", "uid": "emma"}))
    assert {o.user.username: o.verified for o in flattr.thing.owners.all()} == {"emma": True, "bruno": True}


def test_demo_on_another_port_uses_it_as_the_public_address(tmp_path):
    """`ruisseau demo --port N` serves at http://127.0.0.1:N: that is its public address (and the
    demo blog's site) unless the operator set RUISSEAU_PUBLIC_URL. A fresh SQLite demo, end to end."""
    import os

    from ruisseau import cli

    for argv, expected in ((["demo", "--port", "8002"], 8002), (["demo", "--port=8003"], 8003), (["demo"], 8000),
                           (["serve", "--port", "8002"], None), (["demo", "--port", "x"], None)):
        assert cli.demo_port(argv) == expected
    env = {k: v for k, v in os.environ.items() if k not in ("RUISSEAU_PUBLIC_URL", "RUISSEAU_DATABASE_URL")}
    env["RUISSEAU_DATA_DIR"] = str(tmp_path)
    run = [sys.executable, "-m", "ruisseau.cli", "demo", "--no-serve", "--port"]
    first = subprocess.run([*run, "8002"], capture_output=True, text=True, env=env, check=True)
    assert "The demo blog's site is 127.0.0.1:8002 (http://127.0.0.1:8002/demo-blog/)" in first.stdout
    chosen = subprocess.run([*run, "8003"], capture_output=True, text=True, check=True,
                            env={**env, "RUISSEAU_PUBLIC_URL": "http://demo.example:9000"})
    assert "The demo blog's site is demo.example:9000" in chosen.stdout
