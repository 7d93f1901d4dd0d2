"""Routes of the v2 API (/rest/v2/...), the OAuth2 endpoints and the developer pages.

Every API route takes an optional format suffix and one optional trailing slash (reference §2.1,
§2.7): `.json`, `.as`, `.atom`, `.txt` where the resource has that form, 406 for any other suffix.
Routes ending in a username or an encoded URL read only the known suffixes (END), since a dot there
may belong to the name; usernames may not end in one of them."""

from django.urls import path, re_path

from ruisseau.accounts.services import FORMAT_SUFFIXES
from ruisseau.api import docs, oauth_views, pages
from ruisseau.api.views import activities, flattrs, meta, subscriptions, things, users

app_name = "api"

# Usernames may not end in one of these (accounts.services.username_problem), so /users/a.json is a.
END = rf"(?:\.(?P<fmt>{'|'.join(FORMAT_SUFFIXES)}))?/?$"
# Anywhere else any suffix is a format: an unknown one is 406 not_acceptable, not 404.
ANY_END = r"(?:\.(?P<fmt>[A-Za-z0-9]{1,16}))?/?$"
ID = r"(?P<thing_id>\d{1,18})"
USER = r"(?P<username>[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}?)"


def api(pattern: str, view, name: str, *, end: str = ANY_END):
    return re_path(rf"^rest/v2/{pattern}{end}", view, name=name)


urlpatterns = [
    api(r"things/lookup/q/(?P<quoted>.+?)", things.lookup, "lookup_legacy", end=END),
    api(r"things/lookup", things.lookup, "lookup"),
    api(r"things/search", things.search, "search"),
    api(r"things", things.things, "things"),
    api(rf"things/{ID}/flattr", flattrs.flattr_thing, "flattr_thing"),
    api(rf"things/{ID}/flattrs", flattrs.thing_flattrs, "thing_flattrs"),
    api(rf"things/{ID}/subscriptions", subscriptions.thing_subscription, "thing_subscription"),
    api(r"things/(?P<ids>\d{1,18}(?:,\d{1,18})*,?)", things.thing, "thing"),
    api(r"flattr/bulk", flattrs.bulk, "bulk"),
    api(r"flattr", flattrs.flattr_url, "flattr_url"),
    api(r"user/things", things.my_things, "my_things"),
    api(r"user/flattrs", flattrs.my_flattrs, "my_flattrs"),
    api(r"user/subscriptions", subscriptions.my_subscriptions, "my_subscriptions"),
    api(r"user/activities", activities.my_activities, "my_activities"),
    api(r"user", users.me, "me"),
    api(rf"users/{USER}/things", things.user_things, "user_things"),
    api(rf"users/{USER}/flattrs", flattrs.user_flattrs, "user_flattrs"),
    api(rf"users/{USER}/activities", activities.user_activities, "user_activities"),
    api(rf"users/{USER}", users.user, "user", end=END),
    api(r"categories", meta.categories, "categories"),
    api(r"languages", meta.languages, "languages"),
    api(r"rate_limit", meta.rate_limit, "rate_limit"),
    re_path(r"^rest/v2/openapi\.json$", docs.openapi_json, name="openapi"),
    re_path(r"^rest/v2(?:/.*)?$", docs.unknown, name="unknown"),
    re_path(r"^oauth/authorize/?$", oauth_views.Authorize.as_view(), name="authorize"),
    re_path(r"^oauth/token/?$", oauth_views.Token.as_view(), name="token"),
    path("developers/api", docs.page, name="docs"),
    path("apps", pages.app_list, name="apps"),
    path("apps/new", pages.app_new, name="app_new"),
    path("apps/<int:app_id>", pages.app_detail, name="app_detail"),
    path("apps/<int:app_id>/delete", pages.app_delete, name="app_delete"),
    path("apps/authorized", pages.authorized, name="authorized"),
    path("apps/authorized/<int:app_id>/revoke", pages.revoke_app, name="revoke_app"),
    path("apps/tokens", pages.token_list, name="tokens"),
    path("apps/tokens/<int:token_id>/revoke", pages.revoke_token, name="revoke_token"),
]
