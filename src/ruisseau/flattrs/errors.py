"""Errors of the click rules, with the Flattr v2 API codes (DESIGN.md §3.2)."""

from ruisseau.errors import Forbidden, RuisseauError


class FlattrOnce(Forbidden):
    code = "flattr_once"


class FlattrOwner(Forbidden):
    code = "flattr_owner"


class NoMeans(RuisseauError):
    code = "no_means"


class UserInactive(Forbidden):
    code = "user_inactive"


class FlattrClosed(Forbidden):
    code = "flattr_closed"


class ThingOwnerSubscribe(Forbidden):
    code = "thing_owner"


class AlreadySubscribed(Forbidden):
    code = "subscribed"


class NotFlattred(Forbidden):
    code = "not_flattred"
