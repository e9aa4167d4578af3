"""How a standalone build is compiled, fast, and the edits neurosims makes to the C++ code
Brian2 generates. Used by simulators/standalone.py; every edit is a no-op where its pattern
is not found, and should the fast build fail, the project is compiled as Brian2 does.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from pathlib import Path

# The seed is read at run time from an environment variable, by a line inserted into the
# generated main(), so that one binary serves every seed.
SEED_VARIABLE = "NEUROSIMS_SEED"
SEED_CODE = f"""
{{
    // neurosims: the seed is read at run time, so that one binary serves every seed
    const char* _neurosims_seed = std::getenv("{SEED_VARIABLE}");
    unsigned long _seed = _neurosims_seed ? std::strtoul(_neurosims_seed, NULL, 10) : 0UL;
    brian::_random_generators[0].seed(_seed);
}}
"""


# For exported builds: no -march=native, so the binary runs on any x86-64 node
PORTABLE_FLAGS = ["-w", "-O3", "-ffast-math", "-fno-finite-math-only", "-std=c++11"]


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
        lines = ["// neurosims: compiled together, see cpp_build._write_units",
                 *dict.fromkeys(line for source in code_objects
                                for line in (directory / source).read_text().splitlines()
                                if line.startswith("#include"))]
        for source in code_objects:
            lines += _code_object_lines(directory, source)
        lines += [f'#include "{source}"' for source in members if source not in wrappable]
        (directory / unit).write_text("\n".join(lines) + "\n")
        size[unit] = sum(map(size.get, members))
    return sorted(plain + list(units), key=size.get, reverse=True)


def compile_project(directory: Path, log):
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


def time_the_run_once(network_cpp: Path):
    text = network_cpp.read_text()
    network_cpp.write_text(_CLOCK_EVERY_STEP.sub(
        "\\1\n    }\n    // neurosims: once, not at every step\n    current = std::clock();\n    \\2\n    \\3", text))


# After a run, Brian2 writes every array of the network to a file (71 for the predictive-coding
# network); neurosims reads only a blueprint's outputs (10 there). Writing only those (and
# last_run_info.txt) makes a 1 s chunk of that network 2.4 ms instead of 2.9 ms.
_WRITE_ARRAYS = re.compile(r"^void _write_arrays\(\)\n\{\n(.*?)\n\}\n", re.M | re.S)
_ONE_FILE = re.compile(r"(?=\n    ofstream outfile_)")


def write_only(objects_cpp: Path, files: set[str]):
    text = objects_cpp.read_text()
    found = _WRITE_ARRAYS.search(text)
    if found is None:
        return
    blocks = _ONE_FILE.split(found.group(1))  # the first holds no file
    kept = [blocks[0]] + [block for block in blocks[1:] if "last_run_info" in block or "profiling_info" in block
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
