"""Simulators: a blueprint run in Brian2's runtime mode, or compiled once to C++ and run many
times. Both take the same values and return the same arrays:

    sim = open_simulator(blueprint, "standalone")   # or "runtime"
    out = sim.run(values={"neurons.V": v0, ...}, timed={"c_in": c}, seed=3)

    runtime.py     the network built in Python (numpy code generation): notebooks, exploration
    standalone.py  Brian2's cpp_standalone device: one build per key, run with run_args
    cpp_build.py   how a build is compiled fast, and the edits it makes to Brian2's code
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from neurosims.errors import NeurosimsError

DEVICES = ("runtime", "standalone")


def open_simulator(blueprint, device: str, cache_dir: Path | None = None, announce: bool = False):
    """A simulator of `blueprint` on `device` (one of DEVICES). `announce`: say on stderr when a
    build has to be compiled, and how long it took."""
    if device == "runtime":
        from neurosims.simulators.runtime import RuntimeSimulator

        return RuntimeSimulator(blueprint)
    if device == "standalone":
        from neurosims.simulators.standalone import StandaloneSimulator

        return StandaloneSimulator(blueprint, cache_dir, announce=announce)
    raise NeurosimsError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")


def open_beside(simulator, blueprint):
    """A simulator of another blueprint on the device of `simulator` (and in its build cache)."""
    if simulator.device == "runtime":
        return open_simulator(blueprint, "runtime")
    from neurosims.simulators.standalone import StandaloneSimulator

    return StandaloneSimulator(blueprint, simulator.directory.parent, portable=simulator.flags is not None)


@functools.cache
def import_brian():
    """Import Brian2 for a command or a sweep worker, once per process: its INFO messages and
    setuptools' deprecation noise are not for users, and its garbage collections should be cheap."""
    import gc
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")
    import brian2

    # Brian2 collects garbage before every run (its checks for unused objects); with Brian2,
    # SymPy and Matplotlib imported a collection costs ~90 ms. Their objects live as long as
    # the process, so they are moved out of the collector's reach, once.
    gc.freeze()
    brian2.BrianLogger.log_level_warn()
    brian2.BrianLogger.suppress_name("unused_brian_object")  # after an error we report ourselves
    brian2.prefs.logging.std_redirection = False
    # Brian2's hook answers an uncaught error with a "please report this to Brian2" banner and
    # keeps its debug log and a copy of the script in the temporary folder; neurosims reports
    # errors itself (cli.main), and Brian2 then removes those files at exit
    sys.excepthook = sys.__excepthook__
