"""Brian2's cpp_standalone device: build once, run many.

A build goes into a folder keyed by a hash of everything that forces a recompile
(`Blueprint.build_key`: the sizes, dt and duration, the equations, the Brian2 version and
compiler flags). The first use builds it under a file lock (never two builds in one folder)
and writes `manifest.json` last; every later use, in any process, only runs the binary with
the values on its command line (Brian2's run_args mechanism) and reads the results: no Python
code generation, no compiler. The seed is read at run time (cpp_build.SEED_CODE).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

import numpy as np

from neurosims.blueprint import Blueprint, check_complete, model_errors, split_name
from neurosims.errors import NeurosimsError
from neurosims.simulators.cpp_build import (PORTABLE_FLAGS, SEED_CODE, SEED_VARIABLE, compile_project,
                                            time_the_run_once, write_only)
from neurosims.store import write_json


def default_cache_dir() -> Path:
    """$NEUROSIMS_CACHE/builds (made absolute), or ~/.cache/neurosims/builds where it is unset or
    empty."""
    from neurosims.cache import cache_root

    return cache_root() / "builds"


class StandaloneSimulator:
    """A compiled build of a blueprint; `run` invokes its binary with run_args."""

    device = "standalone"

    def __init__(self, blueprint: Blueprint, cache_dir: Path | None = None, portable: bool = False,
                 directory: Path | None = None, announce: bool = False, profile: bool = False):
        """Open the build of `blueprint` in the cache (building it if needed), or the finished
        build in `directory` (an exported one). `profile`: a build of its own that times each
        code object (Brian2's profiling; `profile()` reads the last run's times)."""
        self.blueprint = blueprint
        self.profiled = profile
        self.flags = PORTABLE_FLAGS if portable else None
        self.compiled = False  # True when this object had to compile the build
        self._work = None  # this simulator's folder for run files, made at its first run
        self.announce = announce
        if directory is not None:
            self.directory = Path(directory)
            if not (self.directory / "manifest.json").exists():
                raise NeurosimsError(f"{self.directory} holds no finished build (no manifest.json)")
            self.manifest = json.loads((self.directory / "manifest.json").read_text())
            return
        root = Path(cache_dir) if cache_dir else default_cache_dir()
        self.directory = root / f"{blueprint.name}-{blueprint.build_key(self.flags)}{'-profiled' if profile else ''}"
        self.manifest = self._load_or_build()

    # -- building -------------------------------------------------------------------------------

    def _load_or_build(self) -> dict:
        manifest_path = self.directory / "manifest.json"
        if manifest_path.exists():
            return json.loads(manifest_path.read_text())
        try:
            self.directory.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.directory.parent, os.W_OK):
                raise PermissionError(13, "Permission denied")
        except OSError as err:
            raise NeurosimsError(f"cannot use the build cache {self.directory.parent} (NEUROSIMS_CACHE): "
                                 f"{err.strerror or err}") from None
        lock_path = self.directory.with_name(self.directory.name + ".lock")
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building the same key
            if manifest_path.exists():
                return json.loads(manifest_path.read_text())
            if self.directory.exists():  # an interrupted build: start again
                shutil.rmtree(self.directory)
            started = time.time()
            if self.announce:
                print(f"neurosims: compiling {self.blueprint.name} into {self.directory} (once per build) ...",
                      file=sys.stderr, flush=True)
            manifest = self._build()
            manifest["build_seconds"] = round(time.time() - started, 2)
            if self.announce:
                print(f"neurosims: compiled in {manifest['build_seconds']:.1f} s", file=sys.stderr, flush=True)
            write_json(manifest_path, manifest)
            self.compiled = True
            return manifest

    def _build(self) -> dict:
        import brian2
        from brian2 import device

        bp = self.blueprint
        brian2.set_device("cpp_standalone", build_on_run=False)
        default_flags = brian2.prefs["codegen.cpp.extra_compile_args_gcc"]
        try:
            if self.flags:
                brian2.prefs["codegen.cpp.extra_compile_args_gcc"] = list(self.flags)
            brian2.prefs.devices.cpp_standalone.openmp_threads = 0
            brian2.defaultclock.dt = bp.dt * brian2.second
            device.insert_code("main", SEED_CODE)
            with model_errors(bp):
                objects = bp.build()
                timed = {o.name: o for o in objects if isinstance(o, brian2.TimedArray)}
                by_name = {o.name: o for o in objects if not isinstance(o, brian2.TimedArray)}
                network = brian2.Network(list(by_name.values()))
                network.run(bp.duration * brian2.second, namespace={}, profile=self.profiled)
            manifest = {"settable": {}, "timed_arrays": {}, "outputs": {}}
            for name in bp.settable:
                obj, var = split_name(name)
                v = by_name[obj].variables[var]
                manifest["settable"][name] = {"dtype": np.dtype(v.dtype).str, "scalar": bool(v.scalar)}
            for name in bp.timed_arrays:
                values = timed[name].values
                manifest["timed_arrays"][name] = {"shape": list(values.shape),
                                                  "dtype": values.dtype.str}
            for name in bp.outputs:
                obj, var = split_name(name)
                v = by_name[obj].variables[var]
                size = v.size if isinstance(v.size, tuple) else (v.size,)
                manifest["outputs"][name] = {
                    "file": device.get_array_filename(v),
                    "dtype": np.dtype(v.dtype).str,
                    "columns": int(size[1]) if len(size) == 2 else None,
                    "rows": _recorded_steps(by_name[obj], bp.duration),
                }
            device.build(directory=str(self.directory), compile=False, run=False, with_output=False)
            time_the_run_once(self.directory / "network.cpp")
            write_only(self.directory / "objects.cpp", {spec["file"] for spec in manifest["outputs"].values()})
            log = self.directory.with_name(self.directory.name + ".build.log")
            try:
                with open(log, "w") as log_file:  # the compiler's output is not for stdout
                    compile_project(self.directory, log_file)
            except RuntimeError as err:
                raise NeurosimsError(f"compiling {self.directory} failed ({err}); compiler output "
                                     f"in {log}") from None
            log.replace(self.directory / "build.log")  # kept with the build it describes
            return manifest
        finally:
            brian2.prefs["codegen.cpp.extra_compile_args_gcc"] = default_flags
            device.reinit()
            brian2.set_device("runtime")

    # -- running --------------------------------------------------------------------------------

    def _work_dir(self) -> Path:
        """One folder for all runs of this simulator (a folder per run cost 0.7 ms in creating
        and deleting its files, measured when a run wrote every array of the network, about a
        hundred); removed with the simulator, or by a later simulator when its process was
        killed."""
        if self._work is None:
            parent = scratch_dir()
            for orphan in parent.glob("neurosims-run-*-*"):
                pid = orphan.name.split("-")[2]
                if pid.isdigit() and not _process_alive(int(pid)):
                    shutil.rmtree(orphan, ignore_errors=True)
            self._work = Path(tempfile.mkdtemp(prefix=f"neurosims-run-{os.getpid()}-", dir=parent))
            (self._work / "results").mkdir()
            weakref.finalize(self, shutil.rmtree, self._work, True)
        return self._work

    def run(self, values: dict, timed: dict, seed: int) -> dict[str, np.ndarray]:
        check_complete(self.blueprint, values, timed)
        work = self._work_dir()
        results = work / "results"
        for spec in self.manifest["outputs"].values():  # never read a previous run's output
            (results / spec["file"]).unlink(missing_ok=True)
        args = []
        for name, value in values.items():
            spec = self.manifest["settable"][name]
            array = np.asarray(value, dtype=spec["dtype"])
            if spec["scalar"]:
                args.append(f"{name}={array.item()!r}")
            else:
                path = work / f"{name}.dat"
                array.ravel().tofile(path)
                args.append(f"{name}={path}")
        for name, value in timed.items():
            spec = self.manifest["timed_arrays"][name]
            array = np.asarray(value, dtype=spec["dtype"])
            if list(array.shape) != spec["shape"]:
                raise NeurosimsError(f"input {name} has shape {array.shape}, the build expects "
                                     f"{tuple(spec['shape'])}")
            path = work / f"{name}.dat"
            array.tofile(path)
            args.append(f"{name}.values={path}")
        env = dict(os.environ, **{SEED_VARIABLE: str(int(seed))})
        proc = subprocess.run(
            [str(self.directory / "main"), "--results_dir", f"{results}/", *args],
            cwd=self.directory, env=env, capture_output=True, text=True,
        )
        # the binary exits 0 on some failures (a wrong array size): read stderr too
        if proc.returncode != 0 or proc.stderr.strip():
            message = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            raise NeurosimsError(
                f"compiled simulation in {self.directory} failed (exit {proc.returncode}): "
                f"{message[-1] if message else 'no message'}"
            )
        return read_outputs(results, self.manifest)

    def last_run_seconds(self) -> float:
        """Seconds the last run spent in its compiled loop (Brian2's last_run_info.txt)."""
        path = self._work_dir() / "results" / "last_run_info.txt"
        if not path.exists():
            raise NeurosimsError("no run yet")
        return float(path.read_text().split()[0])

    def profile(self) -> dict[str, float]:
        """Seconds spent in each code object during the last run (a `profile=True` build)."""
        path = self._work_dir() / "results" / "profiling_info.txt"
        if not self.profiled or not path.exists():
            raise NeurosimsError("no profile: open the simulator with profile=True and run it first")
        times = {}
        for line in path.read_text().splitlines():
            name, _, seconds = line.partition("\t")
            if seconds.strip():
                times[name.strip()] = float(seconds)
        return dict(sorted(times.items(), key=lambda item: -item[1]))


def _recorded_steps(obj, duration: float) -> int | None:
    """The rows a StateMonitor records in a run of `duration` (one per step of its clock); None
    for anything else (a spike monitor's rows are its spikes)."""
    from brian2 import StateMonitor

    if not isinstance(obj, StateMonitor):
        return None
    return int(np.ceil(round(duration / float(obj.clock.dt), 6)))


def read_outputs(folder: Path, manifest: dict) -> dict[str, np.ndarray]:
    """The arrays a run of a build wrote into `folder`, by the build's manifest. Every output
    is written by every run (an empty monitor as an empty file), so a missing file means the
    run did not finish or the folder is not a run's: an error naming the file."""
    out = {}
    for name, spec in manifest["outputs"].items():
        path = Path(folder) / spec["file"]
        if not path.is_file():
            raise NeurosimsError(f"{path}: the compiled run wrote no such file (output {name}); "
                                 "the run did not finish, or the folder holds no run's results")
        data = np.fromfile(path, dtype=spec["dtype"])
        out[name] = data.reshape(-1, spec["columns"]) if spec["columns"] else data
    return out


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def scratch_dir() -> Path:
    """Where a run's input and result files go: /dev/shm (memory) where it exists with room to
    spare, else the system's temporary folder. A run writes its inputs and outputs as files: on
    a disk that cost 7 ms of an 11 ms run of a small network, measured when a run wrote every
    array of the network (about a hundred files; now only the outputs, see _write_only)."""
    memory = Path("/dev/shm")
    try:
        roomy = shutil.disk_usage(memory).free > 2**30 and os.access(memory, os.W_OK)
    except OSError:
        roomy = False
    return memory if roomy else Path(tempfile.gettempdir())
