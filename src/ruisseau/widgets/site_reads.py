"""What the sites pages show: a site's authors, things and revenue for its owner, and one
author's share for that author. Read models of the web layer: they join the settlement's
revenue statements to a domain's things (things.sites only knows the domain)."""

from __future__ import annotations

from django.db.models import Count, Sum

from ruisseau.settlement.models import ThingRevenue
from ruisseau.things.site_models import Site
from ruisseau.things.sites import site_things


def site_report(site: Site) -> dict:
    """The whole site for its owner: authors, things with their owners, revenue per author; an
    unproven site, its proof instructions only."""
    if not site.verified:
        return {"site": site, "things": [], "revenue": [], "authors": [], "accepted": []}
    things = list(site_things(site).select_related("site_page__author", "site_page__created_by",
                                                   "site_page__changed_by")
                  .prefetch_related("owners__user").order_by("-created_at")[:500])
    revenue = (ThingRevenue.objects.filter(thing__in=site_things(site))
               .values("user__username").annotate(cents=Sum("revenue_cents"), flattrs=Sum("flattr_count"))
               .order_by("-cents"))
    authors = list(site.authors.select_related("user").annotate(n=Count("id")).order_by("user__username"))
    return {"site": site, "things": things, "revenue": list(revenue), "authors": authors,
            "accepted": [a for a in authors if a.accepted]}


def author_report(site: Site, user_id: int) -> dict:
    """What one author sees of a site: only their own things and revenue."""
    things = list(site_things(site).filter(site_page__author_id=user_id).order_by("-created_at")[:500])
    total = ThingRevenue.objects.filter(user_id=user_id, thing__in=site_things(site)).aggregate(
        cents=Sum("revenue_cents"))["cents"] or 0
    return {"site": site, "things": things, "revenue_cents": total}
