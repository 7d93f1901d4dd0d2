"""The static SVG badge: "Flattr | 12", no script, no font download, no cookie."""

from __future__ import annotations

import hashlib
from html import escape


def _text_width(text: str) -> int:
    # Verdana-ish 11 px: about 7 px per character; good enough for digits and a short label.
    return 7 * len(text) + 10


def render_badge(count: int, link: str, label: str = "Flattr") -> str:
    """An SVG badge; ``link`` is a plain path or URL to the thing page (used when the SVG is
    opened or embedded with <object>; in an <img>, wrap it in an <a> as the snippets do)."""
    number = str(count)
    left, right = _text_width(label), _text_width(number)
    width = left + right
    label_e, number_e, link_e = escape(label), escape(number), escape(link, quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{label_e}: {number_e}">'
        f"<title>{label_e}: {number_e}</title>"
        f'<a href="{link_e}" target="_top">'
        f'<rect width="{left}" height="20" rx="3" fill="#3a7d44"/>'
        f'<rect x="{left - 3}" width="{right + 3}" height="20" rx="3" fill="#2b2b2b"/>'
        f'<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:g}" y="14">{label_e}</text>'
        f'<text x="{left + right / 2:g}" y="14">{number_e}</text></g></a></svg>'
    )


def etag_for(*parts: object) -> str:
    digest = hashlib.blake2s("|".join(map(str, parts)).encode(), digest_size=8).hexdigest()
    return f'"{digest}"'
