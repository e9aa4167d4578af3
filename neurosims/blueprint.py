"""A blueprint: what an experiment builds for one run of its network, and what crosses the
boundary of that run (the values set before it, the inputs, the arrays read after it).

Both simulators (simulators/) take a blueprint and run it with the same values, returning the
same arrays, in SI base units without Brian2 units. Names are "object.variable".
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np

from neurosims.errors import NeurosimsError

# Bumped when the way a build is made changes, so that builds made the old way are not reused
BUILD_FORMAT = 2


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
            "build_format": BUILD_FORMAT,
            "compiler_flags": compiler_flags or brian2.prefs["codegen.cpp.extra_compile_args_gcc"],
            "machine": platform.machine(),
        }
        text = json.dumps(spec, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def all_to_all(n_pre: int, n_post: int) -> dict[str, np.ndarray]:
    """Synapse indices in pre-major order, for ``Synapses.connect(**all_to_all(...))``: the
    synapse array of a weight matrix W[post, pre] is then ``W.T.ravel()``, and back
    ``array.reshape(n_pre, n_post).T``."""
    return {"i": np.repeat(np.arange(n_pre), n_post), "j": np.tile(np.arange(n_post), n_pre)}


def split_name(name: str) -> tuple[str, str]:
    obj, _, var = name.partition(".")
    return obj, var


def parameter_names(groups: dict) -> tuple[str, ...]:
    """"group.parameter" for every parameter of the model each group runs ({group: Model}):
    settable, so that every value can change between runs of a build."""
    return tuple(f"{group}.{p}" for group, model in groups.items() for p in model.parameters)


def parameter_values(groups: dict, params: dict, learning: float = 1.0) -> dict[str, float]:
    """The values of `parameter_names(groups)` for one run, from `params` (name -> value). The
    learning rates the models declare are scaled by `learning`: 0 turns learning off, a
    fraction anneals it (models.learning_rates)."""
    values = {}
    for group, model in groups.items():
        for p in model.parameters:
            scale = learning if p in model.learning_rates else 1.0
            values[f"{group}.{p}"] = float(np.asarray(params[p])) * scale
    return values


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


def check_complete(blueprint: Blueprint, values: dict, timed: dict):
    """Every run sets every settable variable, so no value baked into a build ever matters."""
    missing = sorted(set(blueprint.settable) - set(values)) + sorted(set(blueprint.timed_arrays) - set(timed))
    extra = sorted(set(values) - set(blueprint.settable)) + sorted(set(timed) - set(blueprint.timed_arrays))
    if missing or extra:
        raise NeurosimsError(f"run of {blueprint.name}: missing values for {missing}, unknown {extra}")
