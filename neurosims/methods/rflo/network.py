"""Murray's rate network with RFLO in generated code: inputs, recurrent rate units, linear
readouts; trials of `trial_steps` steps one after another, the units back at h0 at the start of
every trial, a gradient-descent update at the end of every trial.

Groups and connections (models in equations/):
    inputs   external inputs x (inputs/rate_input)
    rec      rate units (neurons/rflo_rate_unit)
    out      linear readouts and their error (neurons/rflo_readout)
    inrec    inputs -> rec, fixed (synapses/rate_input_coupling)
    recrec   rec -> rec, plastic (synapses/rate_coupling + plasticity/rflo + optimizers/gradient_descent)
    recout   rec -> out, plastic (synapses/rate_readout + plasticity/readout_delta + gradient_descent)
    feedback out -> rec: L = B err, B fixed random (synapses/learning_signal_feedback)
In a step: u_rec is summed from h[t-1], the units compute u and f'(u), the eligibility traces
update (h still h[t-1]), the units step, y is summed from h[t], the readouts compute err, L
is summed, then both plastic connections add to their gradients. A run is `trials` trials plus
one step, the first of the next trial, so that it ends with the update of its last trial.
Weights are matrices W[post, pre]; synapse arrays are pre-major (all_to_all).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all, parameter_names
from neurosims.models import Model, combine, structure
from neurosims.models.schedule import make_group, make_synapses, schedule_summed

ROLES = {"input": "rate_input", "unit": "rflo_rate_unit", "readout": "rflo_readout",
         "input_synapse": "rate_input_coupling", "synapse": "rate_coupling", "readout_synapse": "rate_readout",
         "rule": "rflo", "readout_rule": "readout_delta", "optimizer": "gradient_descent",
         "feedback": "learning_signal_feedback"}


@dataclass(frozen=True)
class Shape:
    n_in: int
    n_rec: int
    n_out: int
    trial_steps: int
    trials: int  # per run
    dt: float
    record: bool = False  # y and h of every step

    @property
    def steps(self) -> int:
        return self.trial_steps * self.trials + 1  # and the first step of the next trial (its update)


def compose(loaded: dict[str, Model]) -> dict[str, Model]:
    return dict(loaded, plastic=combine(combine(loaded["synapse"], loaded["rule"]), loaded["optimizer"]),
                readout_plastic=combine(combine(loaded["readout_synapse"], loaded["readout_rule"]),
                                        loaded["optimizer"]))


def groups_of(models: dict[str, Model]) -> dict[str, Model]:
    return {"inputs": models["input"], "rec": models["unit"], "out": models["readout"],
            "inrec": models["input_synapse"], "recrec": models["plastic"], "recout": models["readout_plastic"],
            "feedback": models["feedback"]}


def blueprint(name: str, shape: Shape, models: dict[str, Model]) -> Blueprint:
    from brian2 import StateMonitor, TimedArray, second

    groups = groups_of(models)
    dt = shape.dt * second
    trial = shape.trial_steps * dt

    def build():
        ns = {"x_in": TimedArray(np.zeros((shape.steps, shape.n_in)), dt=dt, name="x_in"),
              "y_target": TimedArray(np.zeros((shape.steps, shape.n_out)), dt=dt, name="y_target")}
        inputs = make_group(models["input"], shape.n_in, "inputs", ns)
        rec = make_group(models["unit"], shape.n_rec, "rec", ns, sequence=trial, end_of_step_order=-5)  # before y
        out = make_group(models["readout"], shape.n_out, "out", ns)
        inrec = make_synapses(models["input_synapse"], inputs, rec, "inrec", ns)
        inrec.connect(**all_to_all(shape.n_in, shape.n_rec))
        recrec = make_synapses(models["plastic"], rec, rec, "recrec", ns, sequence=trial, update_every=trial)
        recrec.connect(**all_to_all(shape.n_rec, shape.n_rec))
        recout = make_synapses(models["readout_plastic"], rec, out, "recout", ns, sequence=trial, update_every=trial)
        recout.connect(**all_to_all(shape.n_rec, shape.n_out))
        feedback = make_synapses(models["feedback"], out, rec, "feedback", ns)
        feedback.connect(**all_to_all(shape.n_out, shape.n_rec))
        schedule_summed(inrec, "groups")  # before the units' step
        schedule_summed(recrec, "groups")  # from h[t-1]
        schedule_summed(recout, "end", -1)  # from h[t], before the readouts' error
        schedule_summed(feedback, "end", 5)  # after the error, before the rules
        objects = [*ns.values(), inputs, rec, out, inrec, recrec, recout, feedback]
        if shape.record:
            objects += [StateMonitor(out, "y", record=True, when="end", order=20, name="out_state"),
                        StateMonitor(rec, ["h", "L", "df"], record=True, when="end", order=20, name="rec_state")]
        return objects

    settable = ["inrec.w", "recrec.w", "recout.w", "feedback.B", "rec.h0", "recrec.g", "recout.g",
                "recrec.gradient_scale", "recout.gradient_scale"]
    settable += parameter_names(groups)
    outputs = ["recrec.w", "recout.w", "out.loss"]
    if shape.record:
        outputs += ["out_state.y", "rec_state.h", "rec_state.L", "rec_state.df"]
    return Blueprint(name=name, build=build, duration=shape.steps * shape.dt, dt=shape.dt, settable=tuple(settable),
                     timed_arrays=("x_in", "y_target"), outputs=tuple(outputs),
                     sources={group: str(model.path) for group, model in groups.items()},
                     key={"shape": shape.__dict__, "models": {role: structure(m) for role, m in models.items()}})


def to_synapses(w: np.ndarray) -> np.ndarray:
    """W[post, pre] as the synapse array of all_to_all(n_pre, n_post)."""
    return np.ascontiguousarray(np.asarray(w, dtype=np.float64).T).ravel()


def from_synapses(array: np.ndarray, n_pre: int, n_post: int) -> np.ndarray:
    return np.asarray(array).reshape(n_pre, n_post).T


def run_inputs(shape: Shape, x: np.ndarray, target: np.ndarray) -> dict:
    """The TimedArrays of one run from x[trial, step, input] and target[trial, step, output]
    (`shape.trials` trials), one trial after another, and the extra last step (the first of the
    next trial, whose input and target nothing reads)."""
    def whole_run(a, width):
        a = np.asarray(a, dtype=np.float64).reshape(shape.trials * shape.trial_steps, width)
        return np.concatenate([a, np.zeros((1, width))])

    return {"x_in": whole_run(x, shape.n_in), "y_target": whole_run(target, shape.n_out)}


def run_values(shape: Shape, models: dict[str, Model], params: dict, weights, h0: np.ndarray,
               eta: tuple[float, float]) -> dict:
    """The values of one run: parameters, weights (rflo.rate.Weights), h0, the learning rates
    (recurrent, readout) of plain gradient descent on the trial's gradient (both connections
    run optimizers/gradient_descent; their learning rates are set here, per connection)."""
    values = {}
    for group, model in groups_of(models).items():
        values |= {f"{group}.{p}": float(np.asarray(params[p])) for p in model.parameters}
    for key in [k for k in values if k.endswith(".trial_steps")]:
        values[key] = float(shape.trial_steps)
    values |= {"recrec.eta": float(eta[0]), "recout.eta": float(eta[1]),
               "recrec.gradient_scale": 1.0, "recout.gradient_scale": 1.0,
               "inrec.w": to_synapses(weights.w_in), "recrec.w": to_synapses(weights.w_rec),
               "recout.w": to_synapses(weights.w_out), "feedback.B": to_synapses(weights.b),
               "rec.h0": np.asarray(h0, dtype=np.float64),
               "recrec.g": np.zeros(shape.n_rec ** 2), "recout.g": np.zeros(shape.n_rec * shape.n_out)}
    return values
