import os
import socket
import sqlite3
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


def test_a_bad_period_exits_non_zero_with_one_readable_line(migrated_data_dir):
    assert one_line_error(ruisseau("settle", "--period", "2026-1", data_dir=migrated_data_dir)) == \
        "CommandError: '2026-1' is not a period: write it as YYYY-MM, e.g. 2026-11"


def ruisseau(*args, data_dir, **env):
    """The ``ruisseau`` command in a fresh interpreter, with only the RUISSEAU_* settings given."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("RUISSEAU_")}
    environment = {**inherited, "RUISSEAU_DATA_DIR": str(data_dir), **env}
    return subprocess.run([sys.executable, "-m", "ruisseau.cli", *args], env=environment, capture_output=True, text=True)


def one_line_error(result) -> str:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one readable line, never a traceback
    return lines[0]


@pytest.fixture(scope="module")
def migrated_data_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("migrated")
    assert ruisseau("migrate", "-v0", data_dir=data_dir).returncode == 0
    return data_dir


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("RUISSEAU_FEE_BPS", "abc", "ruisseau: RUISSEAU_FEE_BPS must be an integer, got 'abc'"),
    ("RUISSEAU_MIN_BUDGET_CENTS", "-5", "ruisseau: RUISSEAU_MIN_BUDGET_CENTS must be at least 1, got -5"),
    ("RUISSEAU_DATABASE_URL", "bogus",
     "ruisseau: RUISSEAU_DATABASE_URL must be a sqlite:///path or postgres://user:password@host:port/name URL"),
])
def test_a_bad_setting_is_named_in_one_line(migrated_data_dir, variable, value, message):
    assert one_line_error(ruisseau("ledger", "check", data_dir=migrated_data_dir, **{variable: value})) == message


def test_an_unreachable_database_is_one_line(migrated_data_dir):
    result = ruisseau("ledger", "check", data_dir=migrated_data_dir,
                      RUISSEAU_DATABASE_URL="postgres://nobody@127.0.0.1:1/ruisseau")
    assert one_line_error(result).startswith("ruisseau: the database cannot be used: connection failed")


def test_a_read_only_command_creates_no_data_folder_nor_database(tmp_path):
    missing = tmp_path / "no" / "such" / "dir"
    line = one_line_error(ruisseau("ledger", "check", data_dir=missing))
    assert line == f"ruisseau: the data folder {missing} (RUISSEAU_DATA_DIR) does not exist: " \
                   "point RUISSEAU_DATA_DIR at yours, or run ruisseau migrate first"
    assert not (tmp_path / "no").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_line_error(ruisseau("settle", "--period", "2026-01", data_dir=empty))
    assert line == f"ruisseau: the database {empty / 'ruisseau.sqlite3'} does not exist: run ruisseau migrate first"
    assert not (empty / "ruisseau.sqlite3").exists()
    sqlite3.connect(empty / "ruisseau.sqlite3").close()  # a database nobody migrated
    line = one_line_error(ruisseau("ledger", "check", data_dir=empty))
    assert line == "ruisseau: the database is not migrated: run ruisseau migrate first"


def test_serve_refuses_an_impossible_or_busy_address(migrated_data_dir):
    assert one_line_error(ruisseau("serve", "--port", "99999", data_dir=migrated_data_dir)) == \
        "CommandError: --port must be between 1 and 65535, got 99999"
    line = one_line_error(ruisseau("serve", "--host", "no.such.host.invalid", data_dir=migrated_data_dir))
    assert line.startswith("CommandError: --host 'no.such.host.invalid' cannot be resolved")
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as granian binds: a second granian would share it
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = ruisseau("serve", "--port", str(port), "--no-collectstatic", data_dir=migrated_data_dir)
        assert one_line_error(result) == f"CommandError: 127.0.0.1:{port} is already in use"


def test_a_period_out_of_range_says_the_range(migrated_data_dir):
    assert one_line_error(ruisseau("settle", "--period", "1999-01", data_dir=migrated_data_dir)) == \
        "CommandError: 1999-01 is not a valid period: periods run from 2000-01 to 9999-12"


def test_help_for_a_command_prints_that_commands_help(migrated_data_dir):
    result = ruisseau("help", "settle", data_dir=migrated_data_dir)
    assert result.returncode == 0 and result.stdout.startswith("usage: ruisseau settle")
    assert "--dry-run" in result.stdout


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
def test_createoperator_refuses_a_used_or_invalid_email():
    call_command("createoperator", "boss", "--email", "alice@ruisseau.example", "--password", "a-long-password",
                 stdout=StringIO())
    for email in ("alice@ruisseau.example", "Alice@Ruisseau.EXAMPLE"):
        with pytest.raises(CommandError, match=f"The email address '{email}' is already used"):
            call_command("createoperator", "op5", "--email", email, "--password", "a-long-password")
    with pytest.raises(CommandError, match="'notanemail' is not a valid email address"):
        call_command("createoperator", "op6", "--email", "notanemail", "--password", "a-long-password")
    assert not User.objects.filter(username__in=["op5", "op6"]).exists()


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
    assert "settled" in html and "14.00\u00a0€" in html and "Le vélo à Paris" in html
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
def test_the_demo_blogs_site_follows_the_public_address_on_every_start(settings, demo_instance):
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


def test_on_postgresql_a_missing_data_folder_is_no_reason_to_stop(tmp_path):
    """A stateless container names its database and secret key; the folder is SQLite's."""
    missing = tmp_path / "none"
    result = ruisseau("ledger", "check", data_dir=missing, RUISSEAU_SECRET_KEY="k" * 50,
                      RUISSEAU_DATABASE_URL="postgres://nobody@127.0.0.1:1/ruisseau")
    assert one_line_error(result).startswith("ruisseau: the database cannot be used: connection failed")
