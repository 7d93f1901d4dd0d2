import pytest

from ruisseau.errors import InvalidInput
from ruisseau.widgets.badge import render_badge
from ruisseau.widgets.params import parse, strip_html


def test_strip_html_keeps_line_breaks_and_drops_tags():
    assert strip_html("a <b>bold</b><br/>  next\n\n line &amp; more", 100) == "a bold\nnext\nline & more"
    assert strip_html("x" * 50, 10) == "x" * 10


def test_parse_normalises_the_url_and_reads_the_fields():
    p = parse({"url": "HTTPS://Example.org/a?utm_source=x&id=2#frag", "uid": "alice", "button": "compact",
               "tags": "A, b ,a", "category": "Text", "language": "fr-FR", "hidden": "1", "theme": "dark"})
    assert p.url == "https://example.org/a?id=2"
    assert (p.uid, p.compact, p.tags, p.category, p.language, p.hidden, p.dark) == (
        "alice", True, ["a", "b"], "text", "fr_FR", True, True)
    assert p.query()["tags"] == "a,b"


def test_parse_accepts_escaped_ampersands_from_feeds():
    assert parse({"url": "https://e.org/?a=1&amp;b=2"}).url == "https://e.org/?a=1&b=2"


@pytest.mark.parametrize("query", [
    {}, {"url": "  "}, {"url": "mailto:a@b.c"}, {"url": "https://e.org/", "uid": "a b"},
    {"url": "https://e.org/", "category": "nope"}, {"url": "https://e.org/", "language": "zz"},
])
def test_parse_refuses_bad_parameters(query):
    with pytest.raises(InvalidInput):
        parse(query)


def test_badge_escapes_its_link():
    svg = render_badge(3, '/x?"><script>')
    assert "<script>" not in svg and "&quot;&gt;&lt;script&gt;" in svg
