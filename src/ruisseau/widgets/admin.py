"""The operator sees the sites people claim and who writes for them (the sites pages are this
app's); the models live with the things they attribute pages to."""

from django.contrib import admin

from ruisseau.things.site_models import Site, SiteAuthor


class SiteAuthorInline(admin.TabularInline):
    model = SiteAuthor
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("domain", "owner", "verified_at", "method", "share_bps", "signed_only", "created_at")
    list_filter = ("method", "signed_only")
    search_fields = ("domain", "owner__username")
    raw_id_fields = ("owner",)
    readonly_fields = ("token", "created_at")
    exclude = ("secret",)  # the signing secret is shown to the site's owner only, on /sites/<id>/
    inlines = [SiteAuthorInline]
