"""The token endpoint reads form bodies (flattrclient, flattr4j, PHP) and JSON bodies (the Ruby gem).

Only the body parser changes; oauthlib still does every check."""

from __future__ import annotations

import json

from oauth2_provider.oauth2_backends import OAuthLibCore


class FormOrJsonOAuthLibCore(OAuthLibCore):
    def extract_body(self, request):
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body.decode("utf-8") or "{}")
            except (ValueError, UnicodeDecodeError):
                return []
            if not isinstance(data, dict):
                return []
            return [(str(k), "" if v is None else str(v)) for k, v in data.items()]
        return super().extract_body(request)
