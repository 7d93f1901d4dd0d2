from django.http import HttpResponse
from django.test import RequestFactory

from ruisseau.web.middleware import DEFAULT_POLICY, ContentSecurityPolicyMiddleware, csp_policy


def run(view):
    return ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))


def test_default_policy_forbids_inline_scripts_and_framing():
    response = run(lambda request: HttpResponse("ok"))
    assert response["Content-Security-Policy"] == DEFAULT_POLICY
    assert "'unsafe-inline'" not in DEFAULT_POLICY and "frame-ancestors 'none'" in DEFAULT_POLICY


def test_a_view_can_bring_its_own_policy_or_none():
    framed = csp_policy("default-src 'none'; frame-ancestors *")(lambda request: HttpResponse("button"))
    assert run(framed)["Content-Security-Policy"] == "default-src 'none'; frame-ancestors *"
    assert "Content-Security-Policy" not in run(csp_policy(None)(lambda request: HttpResponse("loader")))


def test_a_header_set_by_the_view_is_kept():
    def view(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'self' https://cdn.example"
        return response

    assert run(view)["Content-Security-Policy"] == "default-src 'self' https://cdn.example"
