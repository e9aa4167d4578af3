"""Where neurosims keeps what it makes once and reuses: compiled builds and generated
datasets, under $NEUROSIMS_CACHE (made absolute) or ~/.cache/neurosims where it is unset or
empty."""

import os
from pathlib import Path


def cache_root() -> Path:
    root = os.environ.get("NEUROSIMS_CACHE", "").strip() or Path.home() / ".cache" / "neurosims"
    return Path(root).expanduser().absolute()
