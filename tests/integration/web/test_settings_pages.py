import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ruisseau.accounts.models import Avatar, User
from ruisseau.flattrs.services import flattr_thing
from tests import factories

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = [
    "web:settings_profile", "web:settings_privacy", "web:settings_language",
    "web:settings_export", "web:settings_close", "web:creator",
]


def picture(kind="PNG", size=(300, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return SimpleUploadedFile(f"me.{kind.lower()}", out.getvalue(), content_type=f"image/{kind.lower()}")


@pytest.mark.parametrize("name", [*SETTINGS_PAGES, "web:settings_export_json", "web:creator_csv"])
def test_settings_need_a_signed_in_person(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_every_settings_page_renders_with_the_menu(member_client, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    if name != "web:creator":
        assert 'class="side-menu"' in html and 'aria-current="page"' in html


def test_profile_is_saved(member_client, member):
    response = member_client.post(reverse("web:settings_profile"), {
        "display_name": "  Marie Curie ", "about": "Je blogue.", "website": "https://marie.example",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.about, member.website) == ("Marie Curie", "Je blogue.", "https://marie.example")


@pytest.mark.parametrize(("data", "error"), [
    ({"display_name": "x" * 101}, "at most 100"),
    ({"website": "javascript:alert(1)"}, "valid URL"),
    ({"website": "not a url"}, "valid URL"),
])
def test_bad_profiles_are_refused_and_nothing_changes(member_client, member, data, error):
    response = member_client.post(reverse("web:settings_profile"), {"display_name": "", "about": "", "website": "", **data})
    assert response.status_code == 200 and error in response.content.decode()
    assert User.objects.get(id=member.id).display_name == ""


def test_an_uploaded_picture_is_checked_reencoded_and_served(member_client, member):
    response = member_client.post(reverse("web:settings_profile"), {"display_name": "M", "picture": picture("JPEG")})
    assert response.status_code == 302
    stored = Avatar.objects.get(user=member)
    with Image.open(io.BytesIO(bytes(stored.png))) as image:
        assert image.format == "PNG" and image.size == (256, 256)
    served = member_client.get(reverse("web:avatar", args=[member.id]))
    assert served["Content-Type"] == "image/png" and served.content == bytes(stored.png)
    # Back to the generated picture.
    member_client.post(reverse("web:settings_profile"), {"display_name": "M", "generated_picture": "on"})
    assert not Avatar.objects.filter(user=member).exists()
    assert member_client.get(reverse("web:avatar", args=[member.id]))["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize(("upload", "error"), [
    (SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png"), "not a picture"),
    (lambda: picture("BMP"), "PNG, JPEG, GIF or WebP"),
])
def test_files_that_are_not_accepted_pictures_are_refused(member_client, member, upload, error):
    upload = upload() if callable(upload) else upload
    response = member_client.post(reverse("web:settings_profile"), {"display_name": "Changed", "picture": upload})
    assert response.status_code == 200 and error in response.content.decode()
    assert not Avatar.objects.filter(user=member).exists()
    assert User.objects.get(id=member.id).display_name == ""


@override_settings(AVATAR_MAX_BYTES=2048)
def test_too_large_pictures_are_refused(member_client, member):
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 5000, content_type="image/png")
    response = member_client.post(reverse("web:settings_profile"), {"display_name": "", "picture": big})
    assert response.status_code == 200 and "too large" in response.content.decode()
    assert not Avatar.objects.filter(user=member).exists()


def test_privacy_settings_are_saved(member_client, member):
    member_client.post(reverse("web:settings_privacy"), {"hide_given": "on"})
    member.refresh_from_db()
    assert member.hide_given and not member.hide_received
    member_client.post(reverse("web:settings_privacy"), {"hide_received": "on"})
    member.refresh_from_db()
    assert not member.hide_given and member.hide_received


def test_language_setting_switches_the_site(member_client, member):
    response = member_client.post(reverse("web:settings_language"), {"language": "fr"}, follow=True)
    assert User.objects.get(id=member.id).language == "fr"
    assert 'lang="fr"' in response.content.decode()
    response = member_client.post(reverse("web:settings_language"), {"language": "xx"})
    assert response.status_code == 200 and User.objects.get(id=member.id).language == "fr"


def test_data_export_holds_my_data_and_nobody_elses(member_client, member):
    other = factories.user("other")
    mine = factories.thing(member, title="Mon blog")
    theirs = factories.thing(other, title="Leur blog")
    now = timezone.now()
    flattr_thing(member.id, theirs.id, now=now)
    flattr_thing(other.id, mine.id, now=now)
    response = member_client.get(reverse("web:settings_export_json"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["username"] == "marie" and data["profile"]["email"] == member.email
    assert [f["thing_id"] for f in data["flattrs"]] == [theirs.id]
    assert [t["thing_id"] for t in data["things_owned"]] == [mine.id]
    kinds = {a["kind"] for a in data["ledger_accounts"]}
    assert kinds == {"user_funds", "user_earnings"}
    assert data["ledger_transfers"] and all(t["amount_cents"] == 2_000 for t in data["ledger_transfers"])
    assert "other" not in response.content.decode()
