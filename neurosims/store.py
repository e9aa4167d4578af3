"""Run folders: every file written atomically, checkpoints after every chunk, resume.

A run folder holds:
    run.json          what was run: experiment, preset, resolved config, seed, device, versions
    checkpoint.npz    the state after the last finished chunk (weights, voltages, traces, ...)
    metrics.json      metrics measured so far, and the final summary
    arrays.npz        arrays for analysis (weights before/after, rasters, trajectories)
    figures/*.png
Files are written to a temporary name in the same folder and renamed over the old one, so a
killed run leaves either the previous complete file or the new complete file, never half.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from neurosims.errors import NeurosimsError


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path next to `path`; on success it replaces `path` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes files private; results are meant to be shared
    try:
        yield Path(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_json(path: Path, data) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=_jsonable) + "\n")


def write_npz(path: Path, arrays: dict) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)


def read_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)  # Brian2 quantities are written with their units


def versions() -> dict[str, str]:
    import brian2
    import matplotlib
    import scipy

    from neurosims import __version__

    return {
        "neurosims": __version__,
        "brian2": brian2.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


class RunStore:
    """One run's output folder."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    @property
    def figures(self) -> Path:
        return self.directory / "figures"

    def start(self, description: dict, resume: bool) -> dict | None:
        """Begin a run. Returns the last checkpoint when resuming, else None.

        A fresh run refuses a folder that already holds a run; resuming refuses a folder
        whose run was made with another configuration.
        """
        run_file = self.directory / "run.json"
        if self.directory.exists() and not self.directory.is_dir():
            raise NeurosimsError(f"output path {self.directory} exists and is not a folder")
        if resume:
            if not run_file.exists():
                raise NeurosimsError(f"nothing to resume in {self.directory}: no run.json there")
            previous = json.loads(run_file.read_text())
            mine = json.loads(json.dumps(description, default=_jsonable))
            for key in ("experiment", "config", "seed", "device"):
                if previous.get(key) != mine.get(key):
                    raise NeurosimsError(
                        f"cannot resume {self.directory}: its {key} differs from this command's "
                        f"({previous.get(key)!r} there)"
                    )
            checkpoint = self.directory / "checkpoint.npz"
            return read_npz(checkpoint) if checkpoint.exists() else None
        if run_file.exists():
            raise NeurosimsError(
                f"{self.directory} already holds a run; pass --resume to continue it or choose "
                "another --out"
            )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise NeurosimsError(f"cannot create output folder {self.directory}: {err.strerror}") from None
        write_json(run_file, dict(description, versions=versions()))
        return None

    def checkpoint(self, state: dict[str, np.ndarray]) -> None:
        write_npz(self.directory / "checkpoint.npz", state)

    def write_metrics(self, metrics: dict) -> None:
        write_json(self.directory / "metrics.json", metrics)

    def write_arrays(self, arrays: dict) -> None:
        write_npz(self.directory / "arrays.npz", arrays)
