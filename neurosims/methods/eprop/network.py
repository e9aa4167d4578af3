"""An e-prop network: inputs, recurrent LIF/ALIF neurons and leaky readouts, learning online in
generated code, compiled once and run for many sequences (trials) per run.

Bellec G et al. (2020). A solution to the learning dilemma for recurrent networks of spiking
neurons. Nat Commun 11:3625. Timing conventions of NEST 3.10's eprop_*_bsshslm_2020 models.

One run of the simulation is `sequences` trials of `sequence_steps` steps each, plus one step
(see below). Within a trial, step q:
- groups: the recurrent neurons integrate the spikes that arrived (inputs of step q, recurrent
  spikes of step q - 1) and compute psi; thresholds; spikes are delivered;
- end of step: the readouts integrate the recurrent spikes of step q, the softmax norm and the
  learning signal L[q] are summed, and every plastic synapse updates its traces and adds
  L[q] ebar[q] to its gradient.
At the start of every trial the synapses finish the previous one (rate regularisation), the
optimizer updates the weights at batch boundaries, and every group resets its state (NEST's
reset of neurons on update). The last step of a run is the first step of the next trial, so
that a run ends with the update of its last batch and the next run starts from the same
state; that step changes nothing and is dropped from the recordings.

Weights are matrices W[post, pre]; synapse arrays are pre-major (see `all_to_all`). Input
spikes are given as arrays x[trial, q, input] of the step in which they arrive; the network's
input group emits them one step earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all, parameter_names, parameter_values
from neurosims.errors import NeurosimsError
from neurosims.experiment import Experiment
from neurosims.models import Model, combine, load_roles, make_group, make_synapses, structure
from neurosims.models.schedule import schedule_summed

MODELS = {
    "input": "spike_pattern",
    "neuron": "eprop_iaf",
    "readout": "eprop_readout",
    "synapse": "weighted_spike",
    "rule": "eprop",
    "readout_rule": "eprop_readout_weights",
    "optimizer": "gradient_descent",
    "feedback": "learning_signal_feedback",
    "softmax": "softmax_normalisation",
}
CLASSIFIER = {"readout": "eprop_readout_softmax", "optimizer": "adam"}

# group name -> role of the model it runs (names have no underscores: errors name the group)
GROUPS = {"inputs": "input", "rec": "neuron", "out": "readout", "inrec": "plastic", "recrec": "plastic",
          "recout": "readout_plastic", "feedback": "feedback", "softmax": "softmax"}
PLASTIC = ("inrec", "recrec", "recout")


@dataclass(frozen=True)
class Shape:
    """What forces a recompile of an e-prop network."""

    n_in: int
    n_rec: int
    n_out: int
    sequence_steps: int  # steps per trial
    sequences: int  # trials per run of the simulation
    batch: int  # trials per weight update (divides `sequences`)
    dt: float  # seconds
    classifier: bool  # softmax readout with cross-entropy (else mean squared error)
    record_spikes: bool = True
    record_state: tuple[str, ...] = ()  # variables of the recurrent neurons to record every step (e.g. "v", "a")
    record_gradient: bool = False  # read back the gradient g the synapses accumulated (learning off)
    window_steps: int = 100  # steps between the event-driven rule's flushes (event_window)
    recurrent: bool = True  # False: no recurrent synapses (a feedforward layer; W['rec'] is 0)

    def __post_init__(self):
        for name in ("n_in", "n_rec", "n_out", "sequence_steps", "sequences", "batch", "window_steps"):
            if getattr(self, name) < 1:
                raise NeurosimsError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.sequences % self.batch:
            raise NeurosimsError(f"trials per run ({self.sequences}) must be a whole number of "
                                 f"batches ({self.batch})")

    @property
    def steps(self) -> int:
        return self.sequence_steps * self.sequences + 1


class EpropExperiment(Experiment):
    """What every e-prop experiment shares: its roles (`--model feedback=symmetric` for
    symmetric e-prop, B = W_out^T carried by the readout synapses) and their composition."""

    classifier: bool  # softmax readouts and cross-entropy (else mean squared error)
    rule = "eprop"  # the default rule model

    @property
    def roles(self) -> dict[str, str]:
        roles = dict(MODELS, rule=self.rule, **(CLASSIFIER if self.classifier else {}))
        if not self.classifier:
            roles.pop("softmax")
        return roles

    def load_roles(self, overrides=None):
        overrides, roles = dict(overrides or {}), self.roles
        if overrides.get("feedback") == "symmetric":  # `--model feedback=symmetric`
            overrides.pop("feedback")
            roles.pop("feedback")
            roles["readout_synapse"] = "weighted_spike_symmetric_feedback"
        return load_roles(roles, overrides, self.label)

    def check(self, config, params, models):
        super().check(config, params, models)
        c = adaptation_factor(params, float(config.dt))
        if "Zs" in models["plastic"].names() and getattr(config, "n_adaptive", 0) > 0 and c is not None and c <= 0:
            drop = float(np.asarray(params["adapt_beta"])) * float(params["gamma"]) / abs(float(params["v_th"]))
            raise NeurosimsError(f"the event-driven e-prop rule needs adapt_beta gamma/v_th < exp(-dt/adapt_tau) "
                                 f"(here {drop:.3g} >= {drop + c:.3g}): choose --model rule=eprop")

    def compose(self, loaded):
        readout_synapse = loaded.get("readout_synapse", loaded["synapse"])
        models = {
            "input": loaded["input"],
            "neuron": loaded["neuron"],
            "readout": loaded["readout"],
            "plastic": combine(combine(loaded["synapse"], loaded["rule"]), loaded["optimizer"]),
            "readout_plastic": combine(combine(readout_synapse, loaded["readout_rule"]), loaded["optimizer"]),
        }
        if "feedback" in loaded:
            models["feedback"] = loaded["feedback"]
        if self.classifier:
            models["softmax"] = loaded["softmax"]
        return models


# The event-driven rule (plasticity/eprop_event_driven) divides by powers that shrink over its
# window: alpha^u and kappa^u, down to exp(-window dt / min(tau_m, tau_out)), and for adaptive
# neurons Pi[u] >= c^u with c = rho - adapt_beta gamma/v_th (the smallest factor of a step). At
# e^-5 or above its rounding stays near 1e-14 (BENCHMARKS.md). With the default 100 steps that
# holds for tau >= 20 ms at dt = 1 ms.
WINDOW_STEPS = 100
LARGEST_GROWTH = 5.0


def event_window(params: dict, dt: float) -> int:
    """Steps between the event-driven rule's flushes for these parameter values: 100, or fewer
    where tau_m or tau_out is short (tau_out = 2 ms at dt = 1 ms: 10 steps) or adaptation is
    strong (adapt_beta 0.3 with gamma 0.3, v_th 0.6: 30 steps)."""
    rates = [1.0 / float(np.asarray(params[k])) for k in ("tau_m", "tau_out") if k in params]
    c = adaptation_factor(params, dt)
    if c is not None and c > 0:
        rates.append(-np.log(c) / dt)
    if not rates:
        return WINDOW_STEPS
    return max(1, min(WINDOW_STEPS, int(LARGEST_GROWTH / (max(rates) * dt) + 1e-9)))


def adaptation_factor(params: dict, dt: float) -> float | None:
    """The smallest factor c = rho - adapt_beta gamma/v_th by which an adaptive neuron's
    eligibility can decay in one step (None where the parameters are not all given; it is
    at most 0 where the event-driven rule cannot be used)."""
    names = ("adapt_tau", "adapt_beta", "gamma", "v_th")
    if not all(k in params for k in names):
        return None
    tau, beta, gamma, v_th = (float(np.asarray(params[k])) for k in names)
    return float(np.exp(-dt / tau) - beta * gamma / abs(v_th))


def plain_numbers(params: dict, dt) -> dict[str, float]:
    """Model parameters as plain numbers in seconds (and dt), for the NumPy references, BPTT
    and NEST."""
    return {k: float(np.asarray(v)) for k, v in params.items()} | {"dt": float(dt)}


def blueprint(name: str, shape: Shape, models: dict[str, Model]) -> Blueprint:
    from brian2 import SpikeMonitor, StateMonitor, TimedArray, second

    dt = shape.dt * second
    sequence = shape.sequence_steps * dt

    def build():
        spikes_in = TimedArray(np.zeros((shape.steps, shape.n_in)), dt=dt, name="spikes_in")
        y_target = TimedArray(np.zeros((shape.steps, shape.n_out)), dt=dt, name="y_target")
        window = TimedArray(np.zeros(shape.steps), dt=dt, name="learning_window")
        ns = {"spikes_in": spikes_in, "y_target": y_target, "learning_window": window}
        inputs = make_group(models["input"], shape.n_in, "inputs", ns, sequence=sequence)
        flush_every = shape.window_steps * dt
        rec = make_group(models["neuron"], shape.n_rec, "rec", ns, sequence=sequence, window=flush_every)
        out = make_group(models["readout"], shape.n_out, "out", ns, sequence=sequence)
        every = shape.batch * sequence
        inrec = make_synapses(models["plastic"], inputs, rec, "inrec", ns, sequence=sequence, update_every=every,
                              window=flush_every)
        inrec.connect(**all_to_all(shape.n_in, shape.n_rec))
        recrec = make_synapses(models["plastic"], rec, rec, "recrec", ns, sequence=sequence, update_every=every,
                               window=flush_every)
        if shape.recurrent:  # else no synapses (Brian2 connects no empty arrays)
            recrec.connect(**_without_autapses(shape.n_rec))
        recout = make_synapses(models["readout_plastic"], rec, out, "recout", ns, sequence=sequence,
                               update_every=every)
        recout.connect(**all_to_all(shape.n_rec, shape.n_out))
        objects = [spikes_in, y_target, window, inputs, rec, out, inrec, recrec, recout]
        schedule_summed(recout, "end", 2)  # symmetric feedback: after the readouts (and softmax)
        if "feedback" in models:
            feedback = make_synapses(models["feedback"], out, rec, "feedback", ns)
            feedback.connect(**all_to_all(shape.n_out, shape.n_rec))
            schedule_summed(feedback, "end", 2)
            objects.append(feedback)
        if shape.classifier:
            softmax = make_synapses(models["softmax"], out, out, "softmax", ns)
            softmax.connect(**all_to_all(shape.n_out, shape.n_out))
            schedule_summed(softmax, "end", 1)
            objects.append(softmax)
        objects.append(StateMonitor(out, "y", record=True, when="end", order=20, name="output"))
        if shape.record_spikes:
            objects.append(SpikeMonitor(rec, name="spikes"))
        if shape.record_state:
            objects.append(StateMonitor(rec, list(shape.record_state), record=True, when="end", order=20,
                                        name="state"))
        return objects

    settable = [f"{group}.w" for group in PLASTIC] + ["rec.adaptive"]
    settable += ["feedback.B"] if "feedback" in models else []
    settable += [f"{group}.gradient_scale" for group in PLASTIC]
    if "n_updates" in models["plastic"].names():  # Adam: its moments are state
        settable += [f"{group}.{v}" for group in PLASTIC for v in ("n_updates", "m_adam", "v_adam")]
    settable += parameter_names(groups_of(models))
    outputs = [f"{group}.{v}" for group in PLASTIC for v in ("w",)]
    if "n_updates" in models["plastic"].names():
        outputs += [f"{group}.{v}" for group in PLASTIC for v in ("n_updates", "m_adam", "v_adam")]
    outputs += ["output.y"] + (["spikes.i", "spikes.t"] if shape.record_spikes else [])
    outputs += [f"state.{v}" for v in shape.record_state]
    outputs += [f"{group}.g" for group in PLASTIC] if shape.record_gradient else []
    return Blueprint(
        name=name,
        build=build,
        duration=shape.steps * shape.dt,
        dt=shape.dt,
        settable=tuple(settable),
        timed_arrays=("spikes_in", "y_target", "learning_window"),
        outputs=tuple(outputs),
        sources={group: str(model.path) for group, model in groups_of(models).items()},
        key={"shape": shape.__dict__, "models": {role: structure(m) for role, m in models.items()}},
    )


def groups_of(models: dict[str, Model]) -> dict[str, Model]:
    """The model each group of the network runs."""
    return {group: models[role] for group, role in GROUPS.items() if role in models}


def _without_autapses(n: int) -> dict[str, np.ndarray]:
    pairs = all_to_all(n, n)
    keep = pairs["i"] != pairs["j"]
    return {"i": pairs["i"][keep], "j": pairs["j"][keep]}


# ---------------------------------------------------------------------------------------------
# Between matrices and the simulation's arrays


def recurrent_mask(n: int) -> np.ndarray:
    return ~np.eye(n, dtype=bool)


def to_synapses(shape: Shape, W: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Matrices W[post, pre] (in, rec, out) as pre-major synapse arrays (no autapses)."""
    rec_t = W["rec"].T[recurrent_mask(shape.n_rec)] if shape.recurrent else np.zeros(0)  # pre-major, no diagonal
    return {"inrec": W["in"].T.ravel(), "recrec": rec_t, "recout": W["out"].T.ravel()}


def from_synapses(shape: Shape, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    rec_t = np.zeros((shape.n_rec, shape.n_rec))
    if shape.recurrent:
        rec_t[recurrent_mask(shape.n_rec)] = arrays["recrec"]
    return {"in": arrays["inrec"].reshape(shape.n_in, shape.n_rec).T, "rec": rec_t.T,
            "out": arrays["recout"].reshape(shape.n_rec, shape.n_out).T}


def timed_inputs(shape: Shape, x: np.ndarray, target: np.ndarray, window: np.ndarray) -> dict[str, np.ndarray]:
    """The TimedArray values of one run from per-trial arrays: x[trial, q, input] (spike
    arriving in step q), target[trial, q, readout], window[q] (1 inside the learning window).
    Input spikes are emitted one step before they arrive; step 0's input is dropped."""
    k, t = shape.sequences, shape.sequence_steps
    if x.shape != (k, t, shape.n_in) or target.shape != (k, t, shape.n_out) or window.shape != (t,):
        raise NeurosimsError(f"trial arrays of shape {x.shape}, {target.shape}, {window.shape}; the "
                             f"network expects ({k}, {t}, {shape.n_in}), ({k}, {t}, {shape.n_out}), ({t},)")
    emitted = np.zeros((shape.steps, shape.n_in))
    arriving = x.astype(float).copy()
    arriving[:, 0] = 0.0
    emitted[:-1] = np.concatenate([arriving[:, 1:], np.zeros((k, 1, shape.n_in))], axis=1).reshape(-1, shape.n_in)
    y_target = np.zeros((shape.steps, shape.n_out))
    y_target[:-1] = target.reshape(-1, shape.n_out)
    learning_window = np.zeros(shape.steps)
    learning_window[:-1] = np.tile(window, k)
    return {"spikes_in": emitted, "y_target": y_target, "learning_window": learning_window}


class Network:
    """A simulator of an e-prop blueprint and the conversions around one run."""

    def __init__(self, shape: Shape, models: dict[str, Model], sim):
        self.shape = shape
        self.models = models
        self.sim = sim
        self.adam = "n_updates" in models["plastic"].names()
        self.random_feedback = "feedback" in models  # else symmetric: B = W_out^T, carried by W_out itself

    def initial_optimizer_state(self) -> dict:
        if not self.adam:
            return {}
        arrays = to_synapses(self.shape, {"in": np.zeros((self.shape.n_rec, self.shape.n_in)),
                                          "rec": np.zeros((self.shape.n_rec, self.shape.n_rec)),
                                          "out": np.zeros((self.shape.n_out, self.shape.n_rec))})
        return {"n_updates": 0.0, "m_adam": arrays, "v_adam": {k: v.copy() for k, v in arrays.items()}}

    def run(self, weights: dict, optimizer: dict, feedback: np.ndarray, adaptive: np.ndarray,
            params: dict, x: np.ndarray, target: np.ndarray, window: np.ndarray, seed: int,
            learning: bool, average_over_window: bool = False) -> tuple[dict, dict, dict]:
        """One run: `sequences` trials. Returns (weights, optimizer state, recording) with the
        recording's y[trial, q, readout], spikes (i, t relative to each run's start) and the
        variables of `record_state` [trial, q, neuron]."""
        shape = self.shape
        values = {f"{g}.w": a for g, a in to_synapses(shape, weights).items()}
        if self.random_feedback:
            values["feedback.B"] = feedback.T.ravel()  # B[rec, out] -> pre-major (out, rec)
        values["rec.adaptive"] = adaptive.astype(float)
        scale = 1.0 / shape.batch / (float(window.sum()) if average_over_window else 1.0)
        for group in PLASTIC:
            values[f"{group}.gradient_scale"] = scale
            if self.adam:
                values[f"{group}.n_updates"] = optimizer["n_updates"]
                values[f"{group}.m_adam"] = optimizer["m_adam"][group]
                values[f"{group}.v_adam"] = optimizer["v_adam"][group]
        values |= parameter_values(groups_of(self.models), params, float(learning))
        out = self.sim.run(values, timed_inputs(shape, x, target, window), seed)
        new_weights = from_synapses(shape, {g: out[f"{g}.w"] for g in PLASTIC})
        new_optimizer = {}
        if self.adam:
            new_optimizer = {"n_updates": float(out["inrec.n_updates"][0]),
                             "m_adam": {g: out[f"{g}.m_adam"] for g in PLASTIC},
                             "v_adam": {g: out[f"{g}.v_adam"] for g in PLASTIC}}
        y = out["output.y"][:-1].reshape(shape.sequences, shape.sequence_steps, shape.n_out)
        recording = {"y": y}
        for v in shape.record_state:  # [trial, q, neuron], after each step's update
            recording[v] = out[f"state.{v}"][:-1].reshape(shape.sequences, shape.sequence_steps, shape.n_rec)
        if shape.record_gradient:  # learning off: the gradient summed over the run's trials
            recording["gradient"] = from_synapses(shape, {g: out[f"{g}.g"] for g in PLASTIC})
        if shape.record_spikes:
            keep = out["spikes.t"] < shape.sequences * shape.sequence_steps * shape.dt - shape.dt / 2
            recording |= {"i": out["spikes.i"][keep], "t": out["spikes.t"][keep]}
        return new_weights, new_optimizer, recording


def losses(y: np.ndarray, target: np.ndarray, window: np.ndarray, classifier: bool) -> np.ndarray:
    """Loss of each trial over the learning window: 0.5 sum_q (y - y*)^2 (regression, NEST's
    sine-wave example) or -mean_q sum_k pi*_k log pi_k (classification)."""
    inside = window > 0.5
    if not classifier:
        return 0.5 * np.sum((y[:, inside] - target[:, inside]) ** 2, axis=(1, 2))
    log_pi = y - np.log(np.sum(np.exp(y), axis=2, keepdims=True))
    return -np.mean(np.sum(target * log_pi, axis=2)[:, inside], axis=1)
