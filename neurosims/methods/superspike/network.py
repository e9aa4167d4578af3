"""SuperSpike networks in generated code (Zenke & Ganguli 2018): frozen input patterns, an
optional hidden layer, an output layer of LIF neurons and the target spike trains that make
the error; trials one after another without pause, the pattern of each trial given.

Groups and connections (models in equations/):
    inputs      input neurons replaying the trial's pattern (inputs/superspike_input)
    hidden      hidden layer, if any (neurons/superspike_lif)
    output      output layer (neurons/superspike_lif)
    target      the target spike trains and the error err_i = alpha * (target - output)
                (inputs/superspike_target)
    ff0, ff1    inputs -> hidden -> output (or inputs -> output), all to all, plastic
                (synapses/superspike_forward + plasticity/superspike + optimizers/rmsprop_max;
                with symmetric feedback ff1 is synapses/superspike_forward_symmetric, which
                carries the output's learning signal back through its weights)
    spikeerror  output i -> target i: an output spike lowers the error (synapses/output_spike_error)
    errorout    target i -> output i: the output's learning signal L_i = err_i
                (synapses/learning_signal_feedback, B = 1)
    feedback    target -> hidden, all to all: L_j = sum_i B_ji err_i with B fixed random or
                uniform (synapses/learning_signal_feedback); absent with symmetric feedback
In a step the learning signals are summed after the step's spikes (errorout before the
hidden layer's), then every plastic synapse updates its eligibility trace and gradient.
Weights are matrices W[post, pre] in volts; synapse arrays are pre-major (all_to_all).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all, parameter_names
from neurosims.errors import NeurosimsError
from neurosims.models import Model, combine, structure
from neurosims.models.schedule import make_group, make_synapses, schedule_summed

ROLES = {"input": "superspike_input", "neuron": "superspike_lif", "target": "superspike_target",
         "synapse": "superspike_forward", "symmetric_synapse": "superspike_forward_symmetric",
         "rule": "superspike", "optimizer": "rmsprop_max", "spike_error": "output_spike_error",
         "feedback": "learning_signal_feedback"}
FEEDBACK = ("symmetric", "random", "uniform")


@dataclass(frozen=True)
class Shape:
    n_in: int
    hidden: int  # neurons in the hidden layer (0: none)
    n_out: int
    trial_steps: int
    trials: int  # trials per run, one after another
    n_patterns: int  # frozen patterns the trials choose from
    dt: float
    feedback: str = "symmetric"
    record: bool = False  # spike monitors on every group
    record_state: bool = False  # U of every layer, the learning signals, err, every step

    def __post_init__(self):
        if self.feedback not in FEEDBACK:
            raise NeurosimsError(f"feedback is {self.feedback!r}; choose one of {', '.join(FEEDBACK)}")
        for name in ("n_in", "n_out", "trial_steps", "trials", "n_patterns"):
            if getattr(self, name) < 1:
                raise NeurosimsError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.hidden < 0:
            raise NeurosimsError(f"hidden must be 0 (no hidden layer) or more, not {self.hidden}")

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.n_in, self.hidden, self.n_out) if self.hidden else (self.n_in, self.n_out)

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def steps(self) -> int:
        return self.trial_steps * self.trials

    @property
    def symmetric(self) -> bool:
        return self.hidden > 0 and self.feedback == "symmetric"


def compose(loaded: dict[str, Model]) -> dict[str, Model]:
    learning = lambda synapse: combine(combine(synapse, loaded["rule"]), loaded["optimizer"])  # noqa: E731
    return dict(loaded, plastic=learning(loaded["synapse"]), symmetric_plastic=learning(loaded["symmetric_synapse"]))


def groups_of(models: dict[str, Model], shape: Shape) -> dict[str, Model]:
    """The model each group of the network runs."""
    groups = {"inputs": models["input"], "output": models["neuron"], "target": models["target"],
              "spikeerror": models["spike_error"], "errorout": models["feedback"], "ff0": models["plastic"]}
    if shape.hidden:
        groups |= {"hidden": models["neuron"], "ff1": models["symmetric_plastic" if shape.symmetric else "plastic"]}
        if not shape.symmetric:
            groups["feedback"] = models["feedback"]
    return groups


def blueprint(name: str, shape: Shape, models: dict[str, Model], update_period: float) -> Blueprint:
    from brian2 import SpikeMonitor, StateMonitor, TimedArray, second

    groups = groups_of(models, shape)
    dt = shape.dt * second

    def build():
        ns = {"input_rasters": TimedArray(np.zeros((shape.n_patterns * shape.trial_steps, shape.n_in)), dt=dt,
                                          name="input_rasters"),
              "target_rasters": TimedArray(np.zeros((shape.n_patterns * shape.trial_steps, shape.n_out)), dt=dt,
                                           name="target_rasters"),
              "trial_pattern": TimedArray(np.zeros(shape.trials), dt=dt, name="trial_pattern")}
        inputs = make_group(models["input"], shape.n_in, "inputs", ns)
        layers = [make_group(models["neuron"], n, name_, ns)
                  for n, name_ in zip(shape.sizes[1:], ("hidden", "output") if shape.hidden else ("output",))]
        output = layers[-1]
        target = make_group(models["target"], shape.n_out, "target", ns)
        objects = [*ns.values(), inputs, *layers, target]
        forward, source = [], inputs
        for l, layer in enumerate(layers):
            ff = make_synapses(groups[f"ff{l}"], source, layer, f"ff{l}", ns, update_every=update_period * second)
            ff.connect(**all_to_all(len(source), len(layer)))
            forward.append(ff)
            source = layer
        objects += forward
        one_to_one = {"i": np.arange(shape.n_out), "j": np.arange(shape.n_out)}
        spike_error = make_synapses(models["spike_error"], output, target, "spikeerror", ns)
        spike_error.connect(**one_to_one)
        error_out = make_synapses(models["feedback"], target, output, "errorout", ns)
        error_out.connect(**one_to_one)
        schedule_summed(error_out, "end", 4)  # after the groups' END_OF_STEP, before the hidden layer's signal
        objects += [spike_error, error_out]
        if shape.symmetric:
            schedule_summed(forward[1], "end", 5)  # L of the hidden layer, from the output's
        elif shape.hidden:
            feedback = make_synapses(models["feedback"], target, layers[0], "feedback", ns)
            feedback.connect(**all_to_all(shape.n_out, shape.hidden))
            schedule_summed(feedback, "end", 5)
            objects.append(feedback)
        trial = shape.trial_steps * dt
        objects.append(StateMonitor(target, "sq_err", record=True, dt=trial, when="start", name="trial_error"))
        if shape.record:
            named = {"inputs": inputs, "output": output, "target": target} | ({"hidden": layers[0]} if shape.hidden else {})
            objects += [SpikeMonitor(group, name=f"{g}_spikes") for g, group in named.items()]
        if shape.record_state:
            for layer in layers:
                objects.append(StateMonitor(layer, ["U", "L", "sigma", "psp"], record=True, when="end", order=20,
                                            name=f"{layer.name}_state"))
            objects.append(StateMonitor(target, ["err"], record=True, when="end", order=20, name="target_state"))
        return objects

    layers = range(shape.n_layers)
    plastic = ("w", "g", "v_rms", "lam_d", "lam_r")
    layer_names = ("hidden", "output") if shape.hidden else ("output",)
    settable = [f"ff{l}.{v}" for l in layers for v in plastic] + ["errorout.B"] + [f"{g}.U" for g in layer_names]
    if "feedback" in groups:
        settable.append("feedback.B")
    settable += parameter_names(groups)
    outputs = [f"ff{l}.{v}" for l in layers for v in plastic]
    outputs += ["target.sq_err", "target.count", "output.count", "inputs.count", "trial_error.sq_err"]
    if shape.hidden:
        outputs.append("hidden.count")
    if shape.record:
        outputs += [f"{g}_spikes.{v}" for g in ("inputs", *layer_names, "target") for v in ("i", "t")]
    if shape.record_state:
        outputs += [f"{g}_state.{v}" for g in layer_names for v in ("U", "L", "sigma", "psp")] + ["target_state.err"]
    return Blueprint(
        name=name, build=build, duration=shape.steps * shape.dt, dt=shape.dt, settable=tuple(settable),
        timed_arrays=("input_rasters", "target_rasters", "trial_pattern"), outputs=tuple(outputs),
        sources={group: str(model.path) for group, model in groups.items()},
        key={"shape": shape.__dict__, "update_period": update_period,
             "models": {role: structure(m) for role, m in models.items()}},
    )


def weights_to_synapses(w: np.ndarray) -> np.ndarray:
    """W[post, pre] as the synapse array of all_to_all(n_pre, n_post)."""
    return np.ascontiguousarray(np.asarray(w, dtype=np.float64).T).ravel()


def synapses_to_weights(array: np.ndarray, n_pre: int, n_post: int) -> np.ndarray:
    return np.asarray(array).reshape(n_pre, n_post).T


PLASTIC_STATE = ("w", "g", "v_rms")  # carried from run to run (the traces start at 0 in every run)


def run_values(shape: Shape, models: dict[str, Model], params: dict, state: dict, feedback: np.ndarray | None,
               eta: float) -> dict:
    """Everything a run sets but the rasters: the layers at rest, model parameters (plain numbers; the learning rate
    `eta`), each layer's weights, gradient and normaliser (state "w0", "g0", "v_rms0", ...:
    matrices [post, pre]) and, with random or uniform feedback, B[hidden, output]."""
    values = {}
    for group, model in groups_of(models, shape).items():
        values |= {f"{group}.{p}": float(np.asarray(params[p])) for p in model.parameters}
    for key in [k for k in values if k.endswith(".eta")]:
        values[key] = float(eta)
    for key in [k for k in values if k.endswith(".trial_steps")]:
        values[key] = float(shape.trial_steps)
    for l in range(shape.n_layers):
        for v in PLASTIC_STATE:
            values[f"ff{l}.{v}"] = weights_to_synapses(state[f"{v}{l}"])
        for v in ("lam_d", "lam_r"):
            values[f"ff{l}.{v}"] = np.zeros(shape.sizes[l] * shape.sizes[l + 1])
    values["errorout.B"] = np.ones(shape.n_out)
    for group, n in zip(("hidden", "output") if shape.hidden else ("output",), shape.sizes[1:]):
        values[f"{group}.U"] = np.full(n, float(np.asarray(params["U_rest"])))  # every run starts at rest
    if shape.hidden and not shape.symmetric:
        values["feedback.B"] = weights_to_synapses(feedback)
    return values
