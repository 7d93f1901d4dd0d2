"""The API's own description: the OpenAPI document, the documentation page, and the answer
for /rest/v2 paths that do not exist."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from ruisseau.api.errors import ApiError
from ruisseau.api.http import CORS_HEADERS, error_response


@csrf_exempt
def unknown(request):
    return error_response(request, ApiError("not_found", "The resource was not found"))


def openapi_json(request):
    from ruisseau.api.openapi import document

    response = JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
    for key, value in CORS_HEADERS.items():
        response[key] = value
    return response


def page(request):
    from ruisseau.api.openapi import document
    from ruisseau.api.scopes import SCOPES

    spec = document()
    operations = []
    for route, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            security = operation.get("security")
            scope = (security[0]["oauth2"] or ["token"]) if security else []
            operations.append({"method": method.upper(), "path": route, "summary": gettext(operation["summary"]),
                               "scope": ", ".join(scope), "tag": operation["tags"][0]})
    context = {"base_url": spec["servers"][0]["url"], "operations": operations, "scopes": SCOPES,
               "oauth": spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]}
    return render(request, "api/docs.html", context)
