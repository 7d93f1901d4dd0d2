"""A small static blog with two authors, to show buttons on "someone else's" pages in the demo.

The pages are fixed content (no database); their buttons come from the loader like on any blog."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ruisseau.web.middleware import csp_policy

# The blog stands for someone else's site, which styles itself inline like most blogs do; only the
# style rule is looser than the site's own policy, scripts still come from this server alone.
BLOG_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")

POSTS = [
    {"slug": "rivers", "author": "chloe", "author_name": "Chloé Dubois", "language": "fr_FR", "tags": "eau,ville",
     "title": "Les rivières sous Paris", "summary": "Ce qui coule encore sous nos rues.",
     "body": ["Sous les pavés, la Bièvre coule encore.", "Une promenade le long d'une rivière disparue."]},
    {"slug": "fjords", "author": "emma", "author_name": "Emma Lindqvist", "language": "en_GB", "tags": "film,north",
     "title": "Filming fjords in winter", "summary": "Four hours of light and a tripod that froze.",
     "body": ["The light lasts four hours in December.", "Here is what I learnt filming in it."]},
]


@require_safe
@csp_policy(BLOG_POLICY)
def index(request):
    _only_in_the_demo()
    return render(request, "widgets/demo_blog/index.html", {"posts": POSTS})


@require_safe
@csp_policy(BLOG_POLICY)
def post(request, slug: str):
    _only_in_the_demo()
    found = next((p for p in POSTS if p["slug"] == slug), None)
    if found is None:
        raise Http404("No such post")
    return render(request, "widgets/demo_blog/post.html", {"post": found})


def _only_in_the_demo() -> None:
    if not settings.DEMO:
        raise Http404("The sample blog is part of the demo only")
