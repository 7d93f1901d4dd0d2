from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "ruisseau.pages"
    label = "pages"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from ruisseau.flattrs.models import Flattr
        from ruisseau.things.models import Thing, ThingOwner

        # The thing page's cached public part (thing_reads.py) is forgotten when what it shows changes.
        for model in (Flattr, ThingOwner):
            post_save.connect(_by_thing_id, sender=model, dispatch_uid=f"pages_{model.__name__}_saved")
            post_delete.connect(_by_thing_id, sender=model, dispatch_uid=f"pages_{model.__name__}_deleted")
        post_save.connect(_thing, sender=Thing, dispatch_uid="pages_thing_saved")
        post_delete.connect(_thing, sender=Thing, dispatch_uid="pages_thing_deleted")
        m2m_changed.connect(_tags, sender=Thing.tags.through, dispatch_uid="pages_thing_tags")
        post_save.connect(_user, sender=get_user_model(), dispatch_uid="pages_user_saved")


def _by_thing_id(sender, instance, **kwargs) -> None:
    from ruisseau.pages.thing_reads import forget_thing

    forget_thing(instance.thing_id)


def _thing(sender, instance, **kwargs) -> None:
    from ruisseau.pages.thing_reads import forget_thing

    forget_thing(instance.id)


def _tags(sender, instance, action, reverse, **kwargs) -> None:
    from ruisseau.pages.thing_reads import forget_all_things, forget_thing

    if not action.startswith("post_"):
        return
    if reverse:  # changed from the tag's side: which things is not worth working out
        forget_all_things()
    else:
        forget_thing(instance.id)


def _user(sender, instance, **kwargs) -> None:
    from ruisseau.pages.thing_reads import forget_all_things

    forget_all_things()
