"""Flattr REST v2-compatible API and the OAuth2 provider."""
