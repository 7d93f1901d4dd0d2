from django.contrib import admin

from ruisseau.things.models import Tag, Thing, ThingOwner


class ThingOwnerInline(admin.TabularInline):
    model = ThingOwner
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Thing)
class ThingAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "url", "category", "language", "hidden", "disabled", "created_at")
    list_filter = ("category", "language", "hidden", "disabled")
    search_fields = ("title", "url", "description")
    inlines = [ThingOwnerInline]
    raw_id_fields = ("created_by",)


@admin.register(ThingOwner)
class ThingOwnerAdmin(admin.ModelAdmin):
    list_display = ("thing", "user", "weight_bps", "verified", "verification", "verified_at")
    list_filter = ("verified", "verification")
    raw_id_fields = ("thing", "user")


admin.site.register(Tag)
