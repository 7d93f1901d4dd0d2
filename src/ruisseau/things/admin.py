from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from ruisseau.ledger.admin import MoneyActionsAdmin
from ruisseau.things.models import FULL_WEIGHT_BPS, OwnerVerification, Tag, Thing, ThingOwner
from ruisseau.things.services import verify_owner


class OwnerWeightsFormSet(forms.BaseInlineFormSet):
    """A thing's owners share it whole: their weights add up to 100 % (or it has no owner yet),
    as ``things.services.set_owners`` requires everywhere else."""

    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data.get("weight_bps") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if weights and sum(weights) != FULL_WEIGHT_BPS:
            raise forms.ValidationError(
                _("The owners' weights must add up to %(full)d basis points (100 %%), not %(got)d.")
                % {"full": FULL_WEIGHT_BPS, "got": sum(weights)}
            )


class ThingOwnerInline(admin.TabularInline):
    model = ThingOwner
    formset = OwnerWeightsFormSet
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "weight_bps", "verified", "verification", "verified_at")
    readonly_fields = ("verified", "verification", "verified_at")  # see ThingOwnerAdmin.verify


@admin.register(Thing)
class ThingAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "url", "category", "language", "hidden", "disabled", "created_at")
    list_filter = ("category", "language", "hidden", "disabled")
    search_fields = ("title", "url", "description")
    inlines = [ThingOwnerInline]
    raw_id_fields = ("created_by",)


@admin.register(ThingOwner)
class ThingOwnerAdmin(MoneyActionsAdmin):
    """Owners and weights change on the thing's page, where the weights are checked together;
    here an operator verifies claims, through the same service as the automatic proofs."""

    list_display = ("thing", "user", "weight_bps", "verified", "verification", "verified_at")
    list_filter = ("verified", "verification")
    actions = ["verify"]

    @admin.action(description=gettext_lazy("Verify the selected owners (checked by an operator)"),
                  permissions=["move_money"])
    def verify(self, request, queryset):
        self.apply_each(request, queryset.filter(verified=False),
                        lambda o: verify_owner(o.thing_id, o.user_id, method=OwnerVerification.OPERATOR),
                        lambda n: ngettext("%(n)d owner verified.", "%(n)d owners verified.", n) % {"n": n})


admin.site.register(Tag)
