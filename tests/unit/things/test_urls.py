import pytest
from hypothesis import given, strategies as st

from ruisseau.errors import InvalidInput
from ruisseau.things.urls import normalise_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3&UTM_medium=y&fbclid=z", "https://example.com/a?id=3"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("  https://example.com/path  ", "https://example.com/path"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("https://[::1]:8443/x", "https://[::1]:8443/x"),
        ("https://example.com/?b=2&a=1", "https://example.com/?b=2&a=1"),
    ],
)
def test_normalises(raw, expected):
    assert normalise_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "ftp://example.com/", "javascript:alert(1)", "https://", "https://exa mple.com/",
     "https://-bad-.example/", "https://example.com:99999/", "example.com/no-scheme", "https://a\nb.example/",
     "https://example.com/" + "a" * 2001, None, 42],
)
def test_refuses_with_a_clear_error(raw):
    with pytest.raises(InvalidInput) as error:
        normalise_url(raw)
    assert error.value.code == "validation"
    assert str(error.value)


hosts = st.from_regex(r"[a-z][a-z0-9]{0,10}\.(example|test|org)", fullmatch=True)
paths = st.from_regex(r"(/[a-zA-Z0-9._~-]{0,8}){0,3}", fullmatch=True)


@given(host=hosts, path=paths, upper=st.booleans(), fragment=st.text(alphabet="abc", max_size=5))
def test_idempotent_and_case_insensitive_host(host, path, upper, fragment):
    raw = f"https://{host.upper() if upper else host}{path}#{fragment}"
    once = normalise_url(raw)
    assert normalise_url(once) == once
    assert once == normalise_url(f"https://{host}{path}")
