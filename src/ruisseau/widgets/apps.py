"""Buttons, badges, the loader, auto-submit, ownership proof, sites."""
from django.apps import AppConfig


class WidgetsConfig(AppConfig):
    name = "ruisseau.widgets"
    label = "widgets"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ruisseau.flattrs.models import Flattr
        from ruisseau.things.models import Thing

        post_save.connect(_flattr_changed, sender=Flattr, dispatch_uid="widgets_flattr_saved")
        post_delete.connect(_flattr_changed, sender=Flattr, dispatch_uid="widgets_flattr_deleted")
        post_save.connect(_thing_changed, sender=Thing, dispatch_uid="widgets_thing_saved")


def _flattr_changed(sender, instance, **kwargs) -> None:
    from ruisseau.widgets.counts import forget_thing

    forget_thing(instance.thing_id)


def _thing_changed(sender, instance, **kwargs) -> None:
    from ruisseau.widgets.counts import forget_thing

    forget_thing(instance.id, instance.url)
