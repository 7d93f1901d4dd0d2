import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from ruisseau.errors import InvalidInput
from ruisseau.web import avatars, charts
from ruisseau.money import format_money


@pytest.mark.parametrize(("cents", "language", "text"), [
    (158, "en", "1.58\u00a0€"), (158, "fr", "1,58\u00a0€"), (0, "en", "0.00\u00a0€"), (5, "fr", "0,05\u00a0€"),
    (123_456_78, "en", "123,456.78\u00a0€"), (123_456_78, "fr", "123\u202f456,78\u00a0€"),
    (-250, "en", "-2.50\u00a0€"), (-250, "fr", "-2,50\u00a0€"), (158, None, "1.58\u00a0€"), (158, "fr-ca", "1,58\u00a0€"),
])
def test_amounts_follow_the_language(cents, language, text):
    assert format_money(cents, "EUR", language) == text


def test_other_currencies_keep_their_code_or_symbol():
    assert format_money(158, "USD", "en") == "1.58\u00a0$"
    assert format_money(158, "CHF", "en") == "1.58\u00a0CHF"
    assert format_money(158, "CHF", "fr") == "1,58\u00a0CHF"


def test_the_cents_filter_uses_the_active_language():
    from django.utils import translation

    from ruisseau.web.templatetags.money import cents

    with translation.override("fr"):
        assert cents(158) == "1,58\u00a0€"
    with translation.override("en"):
        assert cents("158") == "1.58\u00a0€" and cents(None) == "" and cents("") == ""


@pytest.fixture(autouse=True)
def _english():
    # Error messages are translated: these tests read the English ones.
    with translation.override("en"):
        yield


def upload(kind="PNG", size=(40, 30), mode="RGB") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, format=kind)
    return SimpleUploadedFile(f"x.{kind.lower()}", out.getvalue())


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_accepted_pictures_become_square_pngs(kind):
    with Image.open(io.BytesIO(avatars.process_upload(upload(kind)))) as image:
        assert (image.format, image.size) == ("PNG", (avatars.SIZE, avatars.SIZE))


@pytest.mark.parametrize("data", [b"", b"GIF89a-not-really", b"%PDF-1.4 hello", b"<svg xmlns='http://www.w3.org/2000/svg'/>"])
def test_non_pictures_are_refused(data):
    with pytest.raises(InvalidInput, match="not a picture"):
        avatars.process_upload(SimpleUploadedFile("x.png", data))


def test_other_picture_types_are_refused():
    with pytest.raises(InvalidInput, match="PNG, JPEG, GIF or WebP"):
        avatars.process_upload(upload("TIFF"))


@override_settings(AVATAR_MAX_BYTES=1024)
def test_large_files_are_refused_before_decoding():
    with pytest.raises(InvalidInput, match="too large"):
        avatars.process_upload(SimpleUploadedFile("x.png", b"0" * 1025))


def test_huge_dimensions_are_refused(monkeypatch):
    monkeypatch.setattr(avatars, "MAX_PIXELS", 100)
    with pytest.raises(InvalidInput, match="dimensions"):
        avatars.process_upload(upload(size=(20, 20)))


def test_generated_pictures_are_stable_and_differ_by_seed():
    first = avatars.generated_svg("a:1")
    assert first == avatars.generated_svg("a:1") and first != avatars.generated_svg("a:2")
    assert first.startswith("<svg") and "<script" not in first


def test_chart_bars_scale_to_the_tallest():
    bars = charts.bars([("2026-01", 0, "€0"), ("2026-02", 50, "0.50\u00a0€"), ("2026-03", 100, "€1")])
    usable = charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert [b.height for b in bars] == [0, usable / 2, usable]
    assert bars[2].y == charts.TOP and bars[0].x < bars[1].x < bars[2].x
    assert charts.bars([]) == []
    assert charts.bars([("a", 0, ""), ("b", 0, "")])[0].height == 0
    tiny = charts.bars([("a", 1, ""), ("b", 100_000, "")])
    assert tiny[0].height == 2  # still visible


def test_an_amount_and_its_symbol_never_part_at_a_line_end_and_read_back_alike():
    from ruisseau.money import format_cents, parse_amount

    assert format_money(200, "EUR", "en") == "2.00\u00a0€" and format_money(200, "EUR", "fr") == "2,00\u00a0€"
    assert parse_amount(format_money(550, "EUR", "fr")) == 550 and parse_amount(format_money(550, "EUR", "en")) == 550
    assert format_cents(200) == "2.00 €"  # terminals, logs and API clients get a plain space
