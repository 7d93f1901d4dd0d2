import pytest

from ruisseau.errors import InvalidInput
from ruisseau.things.proofs import user_from_reference
from ruisseau.things.sites import normalise_domain
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize("reference", [
    "zoe", "@zoe", "http://127.0.0.1:8000/submit/auto?user_id=zoe&url=x",
    "http://127.0.0.1:8000/submit/auto?url=x&amp;user_id=zoe", "http://127.0.0.1:8000/user/zoe",
    "http://127.0.0.1:8000/profile/zoe/", "http://127.0.0.1:8000/@zoe",
])
def test_references_that_name_a_user(reference, settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    zoe = factories.user("zoe")
    assert user_from_reference(reference) == zoe


@pytest.mark.django_db
@pytest.mark.parametrize("reference", [
    "", "nobody", "https://other.example/user/zoe", "http://127.0.0.1:8000/thing/1/",
    "http://127.0.0.1:8000/submit/auto?url=x", "javascript:alert(1)",
])
def test_references_that_do_not(reference, settings):
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    factories.user("zoe")
    assert user_from_reference(reference) is None


@pytest.mark.parametrize("raw, domain", [
    ("Blog.Example", "blog.example"), ("https://blog.example/a/b", "blog.example"),
    ("http://blog.example:8080/", "blog.example:8080"), ("https://blog.example:443", "blog.example"),
])
def test_normalise_domain(raw, domain):
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize("raw", ["", "ftp://x.example", "bad host"])
def test_normalise_domain_refuses(raw):
    with pytest.raises(InvalidInput):
        normalise_domain(raw)
