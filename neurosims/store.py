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

import fcntl
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


def read_checkpoint(path: Path) -> dict[str, np.ndarray]:
    """A run's checkpoint; a file that is not one (truncated, empty, arrays of Python objects)
    is refused naming it."""
    try:
        checkpoint = read_npz(path)
        chunk, history = int(checkpoint["chunk"]), json.loads(str(checkpoint["history"]))
    except Exception as err:  # zipfile, numpy and json each raise their own
        reason = " ".join(str(err).split()) or type(err).__name__
        raise NeurosimsError(f"{path}: not a readable checkpoint ({reason}); remove it to start the run again, "
                             "or the folder to start anew") from None
    if chunk < 0 or not isinstance(history, list):
        raise NeurosimsError(f"{path}: not a readable checkpoint (chunk {chunk}, history of type "
                             f"{type(history).__name__})")
    return checkpoint


def read_run_record(path: Path) -> dict:
    """A run's run.json; one that is not a JSON object is refused naming it."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError) as err:
        raise NeurosimsError(f"{path}: not a readable run record ({' '.join(str(err).split())})") from None
    if not isinstance(record, dict):
        raise NeurosimsError(f"{path}: not a run record (a JSON {type(record).__name__}, not an object)")
    return record


def _held(lock: Path) -> bool:
    """Whether another process holds the lock file (without creating it)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _existing_parent(path: Path) -> Path:
    path = Path(path).absolute()
    while not path.exists():
        path = path.parent
    return path


def _difference(key: str, there, here) -> str:
    """What differs between a run's record and this command, in words."""
    if isinstance(there, dict) and isinstance(here, dict):
        names = sorted(k for k in set(there) | set(here) if there.get(k) != here.get(k))
        shown = ", ".join(f"{k}: {there.get(k)!r} there, {here.get(k)!r} here" for k in names[:3])
        return f"its {key} differ from this command's ({shown}{', ...' if len(names) > 3 else ''})"
    return f"its {key} differs from this command's ({there!r} there, {here!r} here)"


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


# What defines a run: resuming with any of these different is refused
DEFINING = ("experiment", "learner", "config", "params", "models", "model_hashes", "seed", "device")


class RunStore:
    """One run's output folder, with one writer at a time."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._lock = None  # the open lock file while this process writes the folder

    @property
    def figures(self) -> Path:
        return self.directory / "figures"

    def start(self, description: dict, resume: bool) -> dict | None:
        """Begin a run. Returns the last checkpoint when resuming, else None.

        The folder is locked for this process until it ends: a second run into the same
        folder is refused. A fresh run refuses a folder that already holds a run; resuming
        refuses a folder whose run was defined otherwise (DEFINING), naming what differs. A
        damaged run.json or checkpoint is refused, naming the file. Temporary files a killed
        writer left are removed.
        """
        run_file = self.directory / "run.json"
        self.check(description, resume)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise NeurosimsError(f"cannot create output folder {self.directory}: {err.strerror}") from None
        self._take_lock()
        for leftover in self.directory.glob("**/.*.tmp"):  # a killed writer's half file
            leftover.unlink(missing_ok=True)
        if not resume:
            if run_file.exists():  # written by a run that took the lock before this one checked
                raise NeurosimsError(f"{self.directory} already holds a run; choose another --out")
            write_json(run_file, dict(description, versions=versions()))
            return None
        self.check(description, resume)  # again, now that no other run can change the folder
        checkpoint = self.directory / "checkpoint.npz"
        return read_checkpoint(checkpoint) if checkpoint.exists() else None

    def check(self, description: dict, resume: bool) -> None:
        """Refuse, before any work, a folder this run cannot have: a file, a name the file
        system cannot hold, a folder that already holds a run (or none, to resume), a run
        defined otherwise than `description` (to resume)."""
        run_file = self.directory / "run.json"
        try:
            if self.directory.exists() and not self.directory.is_dir():
                raise NeurosimsError(f"output path {self.directory} exists and is not a folder")
            ran = run_file.exists()
        except OSError as err:  # a name too long, a component that is a file, ...
            raise NeurosimsError(f"cannot use output folder {self.directory}: {err.strerror}") from None
        if resume and not ran:
            raise NeurosimsError(f"nothing to resume in {self.directory}: no run.json there")
        if not resume and ran:
            raise NeurosimsError(f"{self.directory} already holds a run; pass --resume to continue it or choose "
                                 "another --out")
        if self._lock is None and _held(self.directory / ".lock"):
            raise NeurosimsError(f"{self.directory} is being written by another neurosims run; wait for it to end "
                                 "or choose another --out")
        if resume:
            previous = read_run_record(run_file)
            mine = json.loads(json.dumps(description, default=_jsonable))
            for key in DEFINING:
                if previous.get(key) != mine.get(key):
                    raise NeurosimsError(f"cannot resume {self.directory}: "
                                         f"{_difference(key, previous.get(key), mine.get(key))}")
            if (self.directory / "checkpoint.npz").exists():
                read_checkpoint(self.directory / "checkpoint.npz")
        parent = _existing_parent(self.directory)
        if not parent.is_dir():
            raise NeurosimsError(f"cannot use output folder {self.directory}: {parent} is a file")
        if not os.access(parent, os.W_OK):
            raise NeurosimsError(f"cannot use output folder {self.directory}: {parent} is not writable")
        longest = os.pathconf(parent, "PC_NAME_MAX")
        for part in self.directory.parts:
            if len(os.fsencode(part)) > longest:
                raise NeurosimsError(f"cannot use output folder {self.directory}: the name {part[:40]!r}... is "
                                     f"longer than the file system's {longest} bytes")

    def _take_lock(self):
        if self._lock is not None:  # this store holds it already
            return
        lock = open(self.directory / ".lock", "a+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise NeurosimsError(f"{self.directory} is being written by another neurosims run; wait for it to end "
                                 "or choose another --out") from None
        self._lock = lock  # held until close(), or until this process ends

    def close(self):
        """Let another run write the folder (the lock is also released when the process ends)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def checkpoint(self, state: dict[str, np.ndarray]) -> None:
        write_npz(self.directory / "checkpoint.npz", state)

    def write_metrics(self, metrics: dict) -> None:
        write_json(self.directory / "metrics.json", metrics)

    def write_arrays(self, arrays: dict) -> None:
        write_npz(self.directory / "arrays.npz", arrays)
