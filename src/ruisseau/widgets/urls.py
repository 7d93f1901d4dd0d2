from django.urls import path, re_path

from ruisseau.widgets.views import badges, button, demo_blog, loader, proofs, sites, submit

app_name = "widgets"

urlpatterns = [
    path("badge/<int:thing_id>.svg", badges.badge_by_id, name="badge"),
    path("badge/url.svg", badges.badge_by_url, name="badge_url"),
    path("button/view/", button.view, name="button"),
    # The hover popout of Flattr's loader (an iframe of 401×230 px): the same count and control.
    path("button/popout/", button.view, name="button_popout"),
    re_path(r"^button/flattr-badge-(?P<size>large|small)\.png$", badges.legacy_badge, name="legacy_badge"),
    path("button/flattr/", button.popup, name="button_flattr"),
    path("button/state/", button.state, name="button_state"),
    path("submit/auto", submit.auto_submit, name="submit_auto"),
    path("js/load.js", loader.load_js, name="loader"),
    path("js/0.6/load.js", loader.load_js, name="loader_06"),
    path("js/0.5/load.js", loader.load_js, name="loader_05"),
    path("thing/<int:thing_id>/verify/", proofs.verify_thing, name="verify_thing"),
    path("thing/<int:thing_id>/snippets/", proofs.snippets, name="snippets"),
    path("sites/", sites.site_list, name="sites"),
    path("sites/<int:site_id>/", sites.site_detail, name="site"),
    path("demo-blog/", demo_blog.index, name="demo_blog"),
    path("demo-blog/<slug:slug>/", demo_blog.post, name="demo_blog_post"),
    path("sites/invitations/<int:author_id>/accept/", sites.accept_invitation, name="accept_invitation"),
]
