"""Devices: one experiment, run in Brian2's runtime mode or compiled once to C++ and run many times.

An experiment describes its network as a `Blueprint`: a function that creates the named Brian2
objects, the duration of one run, the variables set before every run (state carried between
chunks of training, and parameters), the TimedArrays that carry a run's input, and the
variables read back after it. Both simulators take the same values and return the same
arrays, in SI base units without Brian2 units:

    sim = open_simulator(blueprint, "standalone")   # or "runtime"
    out = sim.run(values={"neurons.V": v0, ...}, timed={"c_in": c}, seed=3)

Standalone builds go into a folder keyed by a hash of everything that forces a recompile
(`Blueprint.key`, the sizes, dt and duration, the Brian2 version and compiler flags). The first
use builds it under a file lock (never two builds in one folder) and writes `manifest.json`
last; every later use, in any process, only runs the binary with the values on its command
line (Brian2's run_args mechanism) and reads the results: no Python code generation, no
compiler. The seed is read at run time from the environment variable NEUROSIMS_SEED by a line
inserted into the generated main().
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from neurosims.errors import NeurosimsError
from neurosims.store import write_json

DEVICES = ("runtime", "standalone")
SEED_VARIABLE = "NEUROSIMS_SEED"
SEED_CODE = f"""
{{
    // neurosims: the seed is read at run time, so that one binary serves every seed
    const char* _neurosims_seed = std::getenv("{SEED_VARIABLE}");
    unsigned long _seed = _neurosims_seed ? std::strtoul(_neurosims_seed, NULL, 10) : 0UL;
    brian::_random_generators[0].seed(_seed);
}}
"""


@dataclass(frozen=True)
class Blueprint:
    """What an experiment builds and what crosses the boundary of one run."""

    name: str
    build: Callable[[], list]  # creates the named Brian2 objects (TimedArrays included)
    duration: float  # seconds simulated by one run
    dt: float  # seconds
    settable: tuple[str, ...]  # "object.variable" set before every run
    timed_arrays: tuple[str, ...]  # TimedArray names whose values are set before every run
    outputs: tuple[str, ...]  # "object.variable" read after every run
    key: dict  # everything else that forces a recompile (equations, sizes), JSON-able
    sources: dict | None = None  # object name -> model file, to say where an error comes from

    def build_key(self, compiler_flags: list[str] | None = None) -> str:
        import brian2

        from neurosims import __version__

        spec = {
            "name": self.name,
            "duration": self.duration,
            "dt": self.dt,
            "settable": self.settable,
            "timed_arrays": self.timed_arrays,
            "outputs": self.outputs,
            "key": self.key,
            "brian2": brian2.__version__,
            "neurosims": __version__,
            "compiler_flags": compiler_flags or brian2.prefs["codegen.cpp.extra_compile_args_gcc"],
            "machine": platform.machine(),
        }
        text = json.dumps(spec, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# For exported builds: no -march=native, so the binary runs on any x86-64 node
PORTABLE_FLAGS = ["-w", "-O3", "-ffast-math", "-fno-finite-math-only", "-std=c++11"]


def open_simulator(blueprint: Blueprint, device: str, cache_dir: Path | None = None):
    if device == "runtime":
        return RuntimeSimulator(blueprint)
    if device == "standalone":
        return StandaloneSimulator(blueprint, cache_dir)
    if device == "standalone-portable":
        return StandaloneSimulator(blueprint, cache_dir, portable=True)
    raise NeurosimsError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")


def all_to_all(n_pre: int, n_post: int) -> dict[str, np.ndarray]:
    """Synapse indices in pre-major order, for ``Synapses.connect(**all_to_all(...))``: the
    synapse array of a weight matrix W[post, pre] is then ``W.T.ravel()``, and back
    ``array.reshape(n_pre, n_post).T``."""
    return {"i": np.repeat(np.arange(n_pre), n_post), "j": np.tile(np.arange(n_post), n_pre)}


def _split(name: str) -> tuple[str, str]:
    obj, _, var = name.partition(".")
    return obj, var


# ---------------------------------------------------------------------------------------------
# Runtime mode (numpy code generation): for notebooks and interactive work


class RuntimeSimulator:
    """The network built once in Python; each run restores it to t = 0 and sets the values."""

    device = "runtime"

    def __init__(self, blueprint: Blueprint):
        import brian2

        brian2.set_device("runtime")
        brian2.prefs.codegen.target = "numpy"  # no compiler start-up cost in notebooks
        brian2.defaultclock.dt = blueprint.dt * brian2.second
        self.blueprint = blueprint
        with model_errors(blueprint):
            objects = blueprint.build()
        self.timed = {o.name: o for o in objects if isinstance(o, brian2.TimedArray)}
        self.objects = {o.name: o for o in objects if not isinstance(o, brian2.TimedArray)}
        self.network = brian2.Network(list(self.objects.values()))
        self.network.store("start")
        self.compiled = False

    def run(self, values: dict, timed: dict, seed: int) -> dict[str, np.ndarray]:
        import brian2

        _check_complete(self.blueprint, values, timed)
        self.network.restore("start")
        for name, value in values.items():
            obj, var = _split(name)
            self.objects[obj].variables[var].set_value(np.asarray(value))
        for name, value in timed.items():
            self.timed[name].values[:] = np.asarray(value).reshape(self.timed[name].values.shape)
        brian2.seed(seed)  # runtime mode draws from NumPy's global generator
        with model_errors(self.blueprint):
            self.network.run(self.blueprint.duration * brian2.second, namespace={})
        out = {}
        for name in self.blueprint.outputs:
            obj, var = _split(name)
            out[name] = np.array(self.objects[obj].variables[var].get_value())
        return out


# ---------------------------------------------------------------------------------------------
# cpp_standalone: build once, run many


# Code that runs once per run, not at every step, is compiled at -O1, in a quarter of -O3's
# time: Brian2's before_run and after_run blocks, synapse creation and variable setting, and
# main.cpp and run.cpp; objects.cpp (array allocation, reading and writing) is the largest file.
_ONCE_PER_RUN = re.compile(r"^code_objects/(before_run_|after_run_)|_synapses_create_|_group_variable_set")
_ONCE_PER_RUN_PLAIN = ("main.cpp", "run.cpp")
ONCE_UNIT = "neurosims_once.cpp"
BUILD_MK = f"""\
# read after Brian2's generated makefile
objects.o {ONCE_UNIT[:-4]}.o: CXXFLAGS += -O1
"""

# A code object file that only defines `void name()` functions (all Brian2's templates) can
# share a translation unit with others; see _write_units.
_DECLARATION = re.compile(r"^void (\w+)\(\);$", re.M)
_GUARD_OR_BLANK = re.compile(r"^(#ifndef \w+|#define \w+|#endif|)$")


def _code_object_lines(directory: Path, source: str) -> list[str]:
    """The code object `source` inside a namespace of its own, so that the support code every
    one of them defines (`_brian_mod`, ...) does not collide, then the global functions its
    header declares, each calling the namespaced one. Its macros are undefined after it."""
    namespace = "_neurosims_" + Path(source).stem
    macros = dict.fromkeys(re.findall(r"^\s*#define (\w+)", (directory / source).read_text(), re.M))
    functions = _DECLARATION.findall((directory / source).with_suffix(".h").read_text())
    return [f"namespace {namespace} {{", f'#include "{source}"', "}",
            *(f"#undef {name}" for name in macros),
            *(f"void {f}() {{ {namespace}::{f}(); }}" for f in functions)]


def _write_units(directory: Path, sources: list[str], count: int) -> list[str]:
    """Write the code objects among `sources` into translation units ("unity builds"): `count`
    units of about equal size for those that run at every step, and ONCE_UNIT for the rest,
    with main.cpp and run.cpp. Return the sources to compile, largest first (make starts them
    in this order, and the last ones started should be short).

    The includes of the code objects are hoisted to the top of their unit: inside a namespace
    they are then no-ops, by their include guards."""
    wrappable, plain = [], []
    for source in sources:
        header = (directory / source).with_suffix(".h")
        if (source.startswith("code_objects/") and source.endswith(".cpp") and header.exists()
                and all(_DECLARATION.match(line) or _GUARD_OR_BLANK.match(line)
                        for line in header.read_text().splitlines())):
            wrappable.append(source)
        else:
            plain.append(source)
    size = {source: (directory / source).stat().st_size for source in sources}
    units = {f"neurosims_unit_{k}.cpp": [] for k in range(count)}
    once = [source for source in wrappable if _ONCE_PER_RUN.search(source)]
    for source in sorted(set(wrappable) - set(once), key=size.get, reverse=True):
        smallest = min(units, key=lambda unit: sum(map(size.get, units[unit])))
        units[smallest].append(source)  # largest first, into the smallest unit
    units[ONCE_UNIT] = once + [source for source in plain if source in _ONCE_PER_RUN_PLAIN]
    plain = [source for source in plain if source not in _ONCE_PER_RUN_PLAIN]
    for unit, members in units.items():
        code_objects = [source for source in members if source in wrappable]
        lines = ["// neurosims: compiled together, see simulation._write_units",
                 *dict.fromkeys(line for source in code_objects
                                for line in (directory / source).read_text().splitlines()
                                if line.startswith("#include"))]
        for source in code_objects:
            lines += _code_object_lines(directory, source)
        lines += [f'#include "{source}"' for source in members if source not in wrappable]
        (directory / unit).write_text("\n".join(lines) + "\n")
        size[unit] = sum(map(size.get, members))
    return sorted(plain + list(units), key=size.get, reverse=True)


def _compile(directory: Path, log):
    """Compile a generated project with Brian2's makefile, faster (the e-prop network: 14-15 s
    of make as Brian2 runs it, 1.8 s like this, on 2 cores):
    - code objects together in a few translation units (_write_units) instead of one each:
      a unit parses the standard headers (0.26 s of a small code object's 0.30 s compile);
    - -O1 for code that runs once per run (_ONCE_PER_RUN): 2.0 s at -O3, 0.5 s at -O1;
    - one job per core: `make -j` without a limit ran 15% slower on 2 cores;
    - no dependency list (make.deps, one serial pass over every source): it only serves
      incremental rebuilds, and a keyed build is never rebuilt;
    - a static binary where the static C and C++ libraries exist: it starts 0.8 ms sooner
      (a 1 s chunk of the predictive-coding network: 3.3 ms instead of 4.1 ms), and an
      exported one runs on nodes with another libstdc++.
    Should that fail (a model's own C++ code that cannot share a unit, a library without a
    static archive), the project is compiled as Brian2 does. Output goes to `log`."""
    cores = len(os.sched_getaffinity(0))
    sources = re.search(r"^SRCS = (.*)$", (directory / "makefile").read_text(), re.M).group(1).split()
    units = _write_units(directory, sources, cores)
    (directory / "make.deps").touch()  # newer than every source: make does not regenerate it
    (directory / "neurosims.mk").write_text(BUILD_MK + ("LFLAGS += -static\n" if _static_libraries() else ""))
    make = ["make", f"-j{cores}"]
    if _run_logged([*make, "-f", "makefile", "-f", "neurosims.mk", "SRCS=" + " ".join(units)],
                   directory, log) == 0:
        return
    log.write("neurosims: that failed; compiling as Brian2 does\n")
    if _run_logged(make, directory, log) != 0:
        raise RuntimeError("make failed")


# Two edits of the code Brian2 2.9 generates, each a no-op where its pattern is not found.
#
# Brian2 2.9's network loop reads the CPU clock (a system call, 0.4 us here) after every step
# only to report the run's time at its end: 0.4 ms of a 1.6 ms run of 1000 steps of the
# predictive-coding network. Brian2 2.10 no longer does (brian-team/brian2#1718); for 2.9, the
# generated loop reads it once, after the loop. Without a maximum run time only.
_CLOCK_EVERY_STEP = re.compile(r"(clock = next_clocks\(\);)\s*current = std::clock\(\);\s*"
                               r"(elapsed_realtime = [^;]*;)\s*\}\s*(Network::_globally_running = false;)")


def _time_the_run_once(network_cpp: Path):
    text = network_cpp.read_text()
    network_cpp.write_text(_CLOCK_EVERY_STEP.sub(
        "\\1\n    }\n    // neurosims: once, not at every step\n    current = std::clock();\n    \\2\n    \\3", text))


# After a run, Brian2 writes every array of the network to a file (71 for the predictive-coding
# network); neurosims reads only a blueprint's outputs (10 there). Writing only those (and
# last_run_info.txt) makes a 1 s chunk of that network 2.4 ms instead of 2.9 ms.
_WRITE_ARRAYS = re.compile(r"^void _write_arrays\(\)\n\{\n(.*?)\n\}\n", re.M | re.S)
_ONE_FILE = re.compile(r"(?=\n    ofstream outfile_)")


def _write_only(objects_cpp: Path, files: set[str]):
    text = objects_cpp.read_text()
    found = _WRITE_ARRAYS.search(text)
    if found is None:
        return
    blocks = _ONE_FILE.split(found.group(1))  # the first holds no file
    kept = [blocks[0]] + [block for block in blocks[1:] if "last_run_info" in block
                          or any(f'"{name}"' in block for name in files)]
    objects_cpp.write_text(text[:found.start(1)] + "".join(kept) + text[found.end(1):])


def _run_logged(command: list[str], directory: Path, log) -> int:
    log.flush()
    return subprocess.run(command, cwd=directory, stdout=log, stderr=subprocess.STDOUT).returncode


@functools.cache
def _static_libraries() -> bool:
    """Whether make's C++ compiler finds the static C and C++ libraries (some systems ship them
    as separate packages); it prints a bare name for a library it does not find."""
    compiler = os.environ.get("CXX", "g++")
    for library in ("libc.a", "libstdc++.a"):
        found = subprocess.run([compiler, f"-print-file-name={library}"], capture_output=True, text=True)
        if found.returncode != 0 or not os.path.isabs(found.stdout.strip()):
            return False
    return True


def default_cache_dir() -> Path:
    return Path(os.environ.get("NEUROSIMS_CACHE", Path.home() / ".cache" / "neurosims")) / "builds"


class StandaloneSimulator:
    """A compiled build of a blueprint; `run` invokes its binary with run_args."""

    device = "standalone"

    def __init__(self, blueprint: Blueprint, cache_dir: Path | None = None, portable: bool = False,
                 directory: Path | None = None):
        """Open the build of `blueprint` in the cache (building it if needed), or the finished
        build in `directory` (an exported one)."""
        self.blueprint = blueprint
        self.flags = PORTABLE_FLAGS if portable else None
        self.compiled = False  # True when this object had to compile the build
        self._work = None  # this simulator's folder for run files, made at its first run
        if directory is not None:
            self.directory = Path(directory)
            if not (self.directory / "manifest.json").exists():
                raise NeurosimsError(f"{self.directory} holds no finished build (no manifest.json)")
            self.manifest = json.loads((self.directory / "manifest.json").read_text())
            return
        root = Path(cache_dir) if cache_dir else default_cache_dir()
        self.directory = root / f"{blueprint.name}-{blueprint.build_key(self.flags)}"
        self.manifest = self._load_or_build()

    # -- building -------------------------------------------------------------------------------

    def _load_or_build(self) -> dict:
        manifest_path = self.directory / "manifest.json"
        if manifest_path.exists():
            return json.loads(manifest_path.read_text())
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.directory.with_name(self.directory.name + ".lock")
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building the same key
            if manifest_path.exists():
                return json.loads(manifest_path.read_text())
            if self.directory.exists():  # an interrupted build: start again
                shutil.rmtree(self.directory)
            started = time.time()
            manifest = self._build()
            manifest["build_seconds"] = round(time.time() - started, 2)
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
                network.run(bp.duration * brian2.second, namespace={})
            manifest = {"settable": {}, "timed_arrays": {}, "outputs": {}}
            for name in bp.settable:
                obj, var = _split(name)
                v = by_name[obj].variables[var]
                manifest["settable"][name] = {"dtype": np.dtype(v.dtype).str, "scalar": bool(v.scalar)}
            for name in bp.timed_arrays:
                values = timed[name].values
                manifest["timed_arrays"][name] = {"shape": list(values.shape),
                                                  "dtype": values.dtype.str}
            for name in bp.outputs:
                obj, var = _split(name)
                v = by_name[obj].variables[var]
                size = v.size if isinstance(v.size, tuple) else (v.size,)
                manifest["outputs"][name] = {
                    "file": device.get_array_filename(v),
                    "dtype": np.dtype(v.dtype).str,
                    "columns": int(size[1]) if len(size) == 2 else None,
                }
            device.build(directory=str(self.directory), compile=False, run=False, with_output=False)
            _time_the_run_once(self.directory / "network.cpp")
            _write_only(self.directory / "objects.cpp", {spec["file"] for spec in manifest["outputs"].values()})
            log = self.directory.with_name(self.directory.name + ".build.log")
            try:
                with open(log, "w") as log_file:  # the compiler's output is not for stdout
                    _compile(self.directory, log_file)
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
        _check_complete(self.blueprint, values, timed)
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
        return {name: self._read(results, spec) for name, spec in self.manifest["outputs"].items()}

    @staticmethod
    def _read(results: Path, spec: dict) -> np.ndarray:
        path = results / spec["file"]
        data = np.fromfile(path, dtype=spec["dtype"]) if path.exists() else np.zeros(0, spec["dtype"])
        if spec["columns"]:
            data = data.reshape(-1, spec["columns"])
        return data


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


@contextmanager
def model_errors(blueprint: Blueprint):
    """Brian2's errors about equations, names and units, as one line naming the model file."""
    try:
        yield
    except NeurosimsError:
        raise
    except Exception as err:
        from brian2.core.base import BrianObjectException

        from neurosims.models import brian_error_message

        where, chain = blueprint.name, err
        while chain is not None:
            if isinstance(chain, BrianObjectException):
                name = re.search(r"object named '([^']+)'", str(chain))
                if name:
                    group = name.group(1).split("_")[0]
                    source = (blueprint.sources or {}).get(group)
                    where = f"{source} (group {group})" if source else f"group {group}"
                break
            chain = chain.__cause__ or chain.__context__
        raise NeurosimsError(f"{where}: {brian_error_message(err)}") from None


def _check_complete(blueprint: Blueprint, values: dict, timed: dict):
    """Every run sets every settable variable, so no value baked into a build ever matters."""
    missing = sorted(set(blueprint.settable) - set(values)) + sorted(set(blueprint.timed_arrays) - set(timed))
    extra = sorted(set(values) - set(blueprint.settable)) + sorted(set(timed) - set(blueprint.timed_arrays))
    if missing or extra:
        raise NeurosimsError(f"run of {blueprint.name}: missing values for {missing}, unknown {extra}")
