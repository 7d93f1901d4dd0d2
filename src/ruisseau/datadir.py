"""Where RUISSEAU_DATA_DIR points, read without Django and without creating anything.

settings.py creates the folder when it loads; the ``ruisseau`` command asks here first, so that a
command which only reads (``ledger check``, ``settle``) never makes an empty data folder, secret key
and database in a mistyped place.
"""

from __future__ import annotations

import os
from pathlib import Path


def configured_data_dir() -> Path:
    return Path(os.environ.get("RUISSEAU_DATA_DIR", str(Path.cwd() / "data"))).resolve()
