"""Profile pictures: uploads checked and re-encoded with Pillow, or a picture generated from a hash.

Uploads are decoded and written again as a fresh PNG, so what is served is always a plain image
whatever was sent (no metadata, no polyglot files), at most ``SIZE`` pixels square.
"""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ruisseau.errors import InvalidInput

SIZE = 256
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them


def process_upload(upload) -> bytes:
    """Check an uploaded file is a real picture of an accepted type and size; return PNG bytes."""
    if upload.size > settings.AVATAR_MAX_BYTES:
        raise InvalidInput(
            _("The picture is too large: at most %(size)d KB.") % {"size": settings.AVATAR_MAX_BYTES // 1024}
        )
    data = upload.read(settings.AVATAR_MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in ACCEPTED_FORMATS:
                raise InvalidInput(_("Use a PNG, JPEG, GIF or WebP picture."))
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise InvalidInput(_("The picture's dimensions are too large."))
            probe.seek(0)
            image = ImageOps.exif_transpose(probe)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(_("This file is not a picture we can read.")) from None
    image = ImageOps.fit(image.convert("RGBA"), (SIZE, SIZE), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def generated_svg(seed: str) -> str:
    """A symmetric 5×5 pattern in one colour, derived from ``seed``: the same seed, the same picture."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if digest[2 + row * 3 + col] % 2:
                for x in {col, 4 - col}:
                    cells.append(f'<rect x="{x * 10 + 5}" y="{row * 10 + 5}" width="10" height="10"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60" width="60" height="60">'
        f'<rect width="60" height="60" fill="hsl({hue},45%,92%)"/>'
        f'<g fill="hsl({hue},55%,38%)">{"".join(cells)}</g></svg>'
    )
