from django.urls import path
from django.views.generic import RedirectView

from ruisseau.pages.views import add, funds, giver, public, thing

app_name = "pages"

urlpatterns = [
    path("thing/<int:thing_id>/", thing.thing, name="thing"),
    path("thing/<int:thing_id>/flattr/", thing.flattr, name="flattr"),
    path("thing/<int:thing_id>/subscribe/", thing.subscribe, name="subscribe"),
    path("thing/<int:thing_id>/claim/", add.claim, name="claim"),
    path("things/add/", add.add_thing, name="add_thing"),
    path("explore/", public.explore, name="explore"),
    path("u/<str:username>/", public.profile, name="profile"),
    # Flattr's profile address, which the v2 API's `link` fields use.
    path("profile/<str:username>", RedirectView.as_view(pattern_name="pages:profile", permanent=True)),
    path("dashboard/", giver.dashboard, name="dashboard"),
    path("dashboard/budget/", giver.budget, name="budget"),
    path("dashboard/take-back/", giver.take_back_chosen, name="take_back_chosen"),
    path("dashboard/flattrs/<int:flattr_id>/take-back/", giver.take_back, name="take_back"),
    path("dashboard/subscriptions/<int:subscription_id>/pause/", giver.subscription, {"action": "pause"},
         name="subscription_pause"),
    path("dashboard/subscriptions/<int:subscription_id>/cancel/", giver.subscription, {"action": "cancel"},
         name="subscription_cancel"),
    path("dashboard/periods/<int:year>-<int:month>/", giver.past_period, name="period"),
    path("funds/", funds.funds, name="funds"),
    path("funds/add/", funds.add_funds, name="add_funds"),
    path("funds/move-earnings/", funds.move_earnings, name="move_earnings"),
    path("whoami/", public.whoami, name="whoami"),  # bench/pages.py's signed-in baseline
]
