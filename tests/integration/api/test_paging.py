"""`count` above 100 is refused on every list, not cut: a client given fewer items than it asked
for takes that page for the last one (reference §2.6)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_every_list_refuses_a_count_above_100(api, token):
    owner = factories.user("lister")
    thing = factories.thing(owner)
    client = api(token(owner))
    lists = ["/things/search", "/users/lister/things", "/user/things", "/users/lister/flattrs", "/user/flattrs",
             f"/things/{thing.id}/flattrs", "/users/lister/activities", "/user/activities"]
    for path in lists:
        refused = client.get(path, {"count": "101"})
        assert refused.status_code == 400, path
        assert refused.json() == {"error": "invalid_parameters",
                                  "error_description": "count must be between 1 and 100, got 101",
                                  "error_uri": "https://developers.flattr.net/api"}, path
        assert client.get(path, {"count": "100"}).status_code == 200, path
