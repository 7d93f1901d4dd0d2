from ruisseau.things.fetch import parse

PAGE = """<!doctype html><html lang="fr"><head>
<meta charset="utf-8"><title>  Mon   billet </title>
<meta name="description" content="Un billet sur les ruisseaux">
<link rel="payment" href="/submit/auto?user_id=alice&amp;url=x" type="text/html">
<link rel="Payment Alternate" href="https://pay.example/bob">
<link rel="monetization" href="https://wallet.example/alice">
<meta name="monetization" content="$wallet.example/old">
<meta name="ruisseau:owner" content="https://ruisseau.example/u/alice">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
</head><body><h1>Hello</h1></body></html>"""

FEED = """<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Le podcast</title><description>Des épisodes</description><language>fr</language>
<atom:link rel="payment" href="https://ruisseau.example/submit/auto?user_id=carol" type="text/html"/>
<podcast:funding url="https://ruisseau.example/u/carol">Soutenez-nous</podcast:funding>
</channel></rss>"""


def test_reads_title_description_language_and_every_kind_of_payment_link():
    page = parse("https://blog.example/post/1", "text/html", PAGE)
    assert page.title == "Mon billet"
    assert page.description == "Un billet sur les ruisseaux"
    assert page.language == "fr"
    assert page.payment_links == [
        "https://blog.example/submit/auto?user_id=alice&url=x",
        "https://pay.example/bob",
    ]
    assert page.owner_metas == ["https://ruisseau.example/u/alice"]
    assert page.monetization == ["https://wallet.example/alice", "$wallet.example/old"]
    assert page.feed_links == ["https://blog.example/feed.xml"]


def test_open_graph_title_wins_over_the_title_tag():
    html = '<title>Site | post</title><meta property="og:title" content="The post">'
    assert parse("https://x.example/", "text/html", html).title == "The post"


def test_reads_a_podcast_feed():
    page = parse("https://pod.example/feed.xml", "application/rss+xml", FEED)
    assert page.title == "Le podcast"
    assert page.language == "fr"
    assert page.payment_links == ["https://ruisseau.example/submit/auto?user_id=carol"]
    assert page.podcast_funding == ["https://ruisseau.example/u/carol"]


def test_broken_html_does_not_raise():
    page = parse("https://x.example/", "text/html", "<html><head><title>Half<link rel=payment href=")
    assert page.payment_links == []
