"""Runtime mode (numpy code generation): the network built once in Python, for notebooks and
interactive work; no compiler."""

from __future__ import annotations

import numpy as np

from neurosims.blueprint import Blueprint, check_complete, model_errors, split_name


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

        check_complete(self.blueprint, values, timed)
        self.network.restore("start")
        for name, value in values.items():
            obj, var = split_name(name)
            self.objects[obj].variables[var].set_value(np.asarray(value))
        for name, value in timed.items():
            self.timed[name].values[:] = np.asarray(value).reshape(self.timed[name].values.shape)
        brian2.seed(seed)  # runtime mode draws from NumPy's global generator
        with model_errors(self.blueprint):
            self.network.run(self.blueprint.duration * brian2.second, namespace={})
        out = {}
        for name in self.blueprint.outputs:
            obj, var = split_name(name)
            out[name] = np.array(self.objects[obj].variables[var].get_value())
        return out
