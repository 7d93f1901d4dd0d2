import pytest
from django.http import QueryDict

from ruisseau.things.targets import parse_target
from ruisseau.api.errors import ApiError, from_domain
from ruisseau.api.oauth_views import normalise_scope
from ruisseau.api.parsing import full_flag, paging, parse_bool
from ruisseau.errors import InvalidInput
from ruisseau.flattrs.errors import NoMeans, UserInactive


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (1, True), (0, False), ("1", True), ("0", False), ("true", True),
    ("False", False), ("True", True), ("", False), ("on", True), ("off", False), (None, False),
])
def test_booleans_in_every_spelling(value, expected):
    assert parse_bool(value, name="hidden") is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, [], {}])
def test_other_booleans_are_refused(value):
    with pytest.raises(ApiError) as error:
        parse_bool(value, name="hidden")
    assert error.value.code == "invalid_parameters" and error.value.status == 400


@pytest.mark.parametrize("query, expected", [
    ("full", True), ("full=", True), ("full=1", True), ("full=full", True), ("full=yes", True),
    ("full=False", False), ("full=0", False), ("full=no", False), ("full=OFF", False), ("", False),
])
def test_full_flag(query, expected):
    assert full_flag(QueryDict(query)) is expected


def test_paging_defaults_cap_and_errors(settings):
    settings.API_PAGE_MAX = 100
    assert paging(QueryDict("")) == (30, 1)
    assert paging(QueryDict("count=100&page=3")) == (100, 3)
    for bad in ("count=0", "count=101", "page=-1", "count=abc", "page=1.5"):
        with pytest.raises(ApiError):
            paging(QueryDict(bad))


@pytest.mark.parametrize("raw, expected", [
    ("flattr,thing,email,extendedread", "flattr thing email extendedread"),
    ("thing+flattr", "thing flattr"),
    ("flattr thing", "flattr thing"),
    (" flattr , thing ", "flattr thing"),
    ("", ""),
])
def test_scope_separators(raw, expected):
    assert normalise_scope(raw) == expected


def test_auto_submit_urls():
    plain = parse_target("https://example.org/a?b=1")
    assert plain.url == "https://example.org/a?b=1" and plain.owner == ""
    auto = parse_target("https://flattr.com/submit/auto?url=https%3A%2F%2Fblog.example%2Fp&user_id=alice"
                        "&title=T&tags=a,b&category=text&hidden=1")
    assert auto.url == "https://blog.example/p" and auto.owner == "alice"
    assert auto.fields == {"title": "T", "tags": "a,b", "category": "text", "hidden": True}
    encoded = parse_target("http%3A%2F%2Fflattr.com%2Fsubmit%2Fauto%3Furl%3Dhttp%253A%252F%252Fx.example%252F")
    assert encoded.url == "http://x.example/"
    assert parse_target("https://ruisseau.example/submit/auto/?url=https%3A%2F%2Fy.example%2F").url == "https://y.example/"
    assert parse_target("https://flattr.com/submit/auto?user_id=bob").url == ""


def test_domain_errors_map_to_documented_codes():
    assert (from_domain(NoMeans("x")).code, from_domain(NoMeans("x")).status) == ("no_means", 401)
    assert from_domain(UserInactive("x")).code == "forbidden"
    assert from_domain(InvalidInput("x", code="validation")).status == 400
    assert from_domain(InvalidInput("x", code="something_new")).code == "invalid_request"
    body = ApiError("not_found", "gone").body()
    assert set(body) == {"error", "error_description", "error_uri"}


def test_auto_submit_urls_written_with_amp():
    auto = parse_target("https://flattr.com/submit/auto?url=https%3A%2F%2Fb.example%2Fp&amp;user_id=emma"
                        "&AMP;title=Amp&amp;amp;tags=a")
    assert (auto.url, auto.owner, auto.fields) == ("https://b.example/p", "emma", {"title": "Amp", "tags": "a"})
