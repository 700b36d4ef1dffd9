"""Hashed copies of the static files, gzipped twins and their manifest (app/assets.py).

Run by docker/Dockerfile on the image's static folder:
``python scripts/compile_static.py static``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.assets import compile_static  # noqa: E402

compile_static(Path(sys.argv[1]))
