"""Learning optimal spike-based representations: a predictive-coding network learns its
feedforward and recurrent weights with local rules.

Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based
representations. Advances in Neural Information Processing Systems 25, 2285-2293.
Journal version with the same rules and the authors' MATLAB code: Brendel W, Bourdoukan R,
Vertechi P, Machens CK, Deneve S (2020). Learning to represent signals spike by spike.
PLOS Comput Biol 16(3):e1007692. doi:10.1371/journal.pcbi.1007692 (Figure 2, Learning.m).

Reproduces the learning curves of Brendel et al. 2020, Figure 2: decoding error, firing rate,
voltage variance and distance of the recurrent weights to their optimum fall during learning,
and spiking under constant input becomes more irregular.

Models (equations/): spike_coding (neuron), leaky_integrated_input (c and its leaky integral
x), feedforward_drive + hebbian_feedforward (F), fast_recurrent + voltage_recurrent (Omega).

Departures from the authors' code, each deliberate:
- None in the dynamics: dt = 1 ms and, as in the authors' code, at most one neuron spikes per
  step, the one furthest above its noisy threshold (winner_take_all model), and a spike's
  recurrent input (the reset included) arrives in the next step, after its leak
  (neurons/spike_coding `kick`); methods/spike_coding/reference.py is Learning.m's step in
  NumPy, and the Brian2 network follows it spike for spike. Letting several
  neurons spike in one step (a "continuous-time" version) made learning run away into
  ping-pong between opposite neurons after 8-27 s at dt = 1, 0.1 and 0.02 ms (measured).
  With the one-spike rule, dt = 0.1 ms learns too (`--set dt=0.1*ms`), but its network
  before learning already codes well (error 0.011, not 0.08), so the fall is smaller.
- The noise on V is white noise of the same per-1-ms-step size (0.001/sqrt(ms)); the
  threshold noise 0.01 N(0,1) is drawn at every 0.1 ms step, not every 1 ms.
- Distance to optimum is measured against -F^T F (the authors' evaluation), not -(F^T F + mu I).
- The decoder is fitted on input at 0.3x the training amplitude (authors' value) and tested
  at 1x, which gives the card's rates before learning (35.5 Hz here, 38.8 Hz on the card).
  Training runs in chunks of 1 s, each a new input sequence smoothed on its own, as the
  authors' iterations are. Evaluations start from rest and do not change the training state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms, second

from neurosims import plots
from neurosims.blueprint import Blueprint, all_to_all, parameter_names, parameter_values
from neurosims.config import Preset, quantity
from neurosims.experiment import Experiment, Schedule
from neurosims.inputs import smoothed_noise
from neurosims.methods.spike_coding import metrics
from neurosims.methods.spike_coding.network import authors_initial_weights, schedule_arbiter
from neurosims.models import Model, combine, make_group, make_synapses, structure
from neurosims.training import log_spaced_chunks, run_seed

# Which model file fills each role; `--model ROLE=path/to/file.py` swaps one.
MODELS = {
    "neuron": "spike_coding",
    "input": "leaky_integrated_input",
    "feedforward": "feedforward_drive",
    "feedforward_rule": "hebbian_feedforward",
    "recurrent": "fast_recurrent",
    "recurrent_rule": "voltage_recurrent",
    "arbiter": "winner_take_all",
}


@dataclass(frozen=True)
class Config:
    """Protocol of the authors' code (Brendel et al. 2020, Learning.m); model parameters
    live in the model files."""

    # network
    n_neurons: int = 20  # N
    n_inputs: int = 2  # J, dimension of the signal
    dt: Quantity = quantity(1 * ms)  # as the authors' code; 0.1 ms also learns (see docstring)
    # input: white noise x amplitude, smoothed by a Gaussian
    input_amplitude: Quantity = quantity(2000 * Hz)  # scales N(0,1) per 1 ms step before smoothing
    input_smoothing: Quantity = quantity(30 * ms)  # sigma of the Gaussian
    input_dt: Quantity = quantity(1 * ms)  # resolution of the input sequence
    # training
    chunk: Quantity = quantity(1 * second)  # one run of the simulation: one iteration of the authors' code
    training: Quantity = quantity(14000 * second)  # authors: 14,000 iterations of 1 s
    n_checkpoints: int = 12  # metric points, log-spaced in simulated time (plus t = 0)
    # evaluation (learning off)
    decoder_amplitude: float = 0.3  # input scale for fitting the decoder (authors: 0.3)
    test_amplitude: float = 1.0  # input scale of the test trials and the ISI statistics
    decoder_fit: Quantity = quantity(50 * second)  # authors: 50 s
    test: Quantity = quantity(10 * second)  # authors: 10 s trials
    constant_input: Quantity = quantity(90 * Hz)  # amplitude of the constant input for ISI CV
    n_directions: int = 4  # random unit directions of the constant input
    constant_duration: Quantity = quantity(10 * second)  # per direction (authors: 10 s)
    record_dt: Quantity = quantity(1 * ms)  # sampling of voltages, rates and target

    def __post_init__(self):
        for name in ("n_neurons", "n_inputs", "n_checkpoints", "n_directions"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("dt", "input_dt", "chunk", "training", "decoder_fit", "test",
                     "constant_duration", "record_dt", "input_smoothing", "input_amplitude"):
            if not getattr(self, name) > 0 * getattr(self, name):
                raise ValueError(f"{name} must be positive")
        for name in ("training", "decoder_fit", "test", "constant_duration"):
            if not _divides(self.chunk, getattr(self, name)):
                raise ValueError(f"{name} ({getattr(self, name)}) must be a whole number of chunks ({self.chunk})")
        if not _divides(self.dt, self.input_dt) or not _divides(self.dt, self.record_dt):
            raise ValueError("input_dt and record_dt must be whole multiples of dt")


def _divides(unit, total) -> bool:
    ratio = float(total / unit)
    return abs(ratio - round(ratio)) < 1e-9 and round(ratio) >= 1


PRESETS = {
    "tiny": Preset("every stage in seconds (12 chunks; learns little): a check of the set-up",
                   dict(training=12 * second, n_checkpoints=3, decoder_fit=2 * second, test=1 * second,
                        n_directions=1, constant_duration=1 * second)),
    "quick": Preset("64 s of training and shorter evaluations: the learning curves' first decades, in a minute",
                    dict(training=64 * second, n_checkpoints=7, decoder_fit=10 * second, test=5 * second,
                         n_directions=2, constant_duration=5 * second)),
    "default": Preset("1000 s of training, where error and distance to the optimum have levelled off",
                      dict(training=1000 * second, n_checkpoints=10)),
    "paper": Preset("the authors' 14,000 iterations of 1 s", {}),
}


# ---------------------------------------------------------------------------------------------
# Build


GROUP_OF_ROLE = {"neuron": "neurons", "input": "inputs", "feedforward": "feedforward",
                 "recurrent": "recurrent", "arbiter": "arbiter"}
STATE = ("neurons.V", "neurons.r", "neurons.kick", "inputs.x", "feedforward.F", "recurrent.Omega")


def blueprint(config: Config, models: dict[str, Model]) -> Blueprint:
    """The network of one chunk: J inputs, N spike-coding neurons, plastic F and Omega."""
    from brian2 import SpikeMonitor, StateMonitor, TimedArray

    n, j = config.n_neurons, config.n_inputs
    input_steps = int(round(float(config.chunk / config.input_dt)))

    def build():
        c_in = TimedArray(np.zeros((input_steps, j)) * Hz, dt=config.input_dt, name="c_in")
        namespace = {"c_in": c_in}  # the only name the equations take from outside
        inputs = make_group(models["input"], j, "inputs", namespace, method="euler")
        neurons = make_group(models["neuron"], n, "neurons", namespace, method="euler")
        feedforward = make_synapses(models["feedforward"], inputs, neurons, "feedforward", namespace)
        feedforward.connect(**all_to_all(j, n))
        recurrent = make_synapses(models["recurrent"], neurons, neurons, "recurrent", namespace)
        recurrent.connect(**all_to_all(n, n))
        arbiter = make_synapses(models["arbiter"], neurons, neurons, "arbiter", namespace)
        arbiter.connect(**all_to_all(n, n))
        schedule_arbiter(arbiter)
        spikes = SpikeMonitor(neurons, name="spikes")
        trace = StateMonitor(neurons, ["V", "r"], record=True, dt=config.record_dt, name="trace")
        target = StateMonitor(inputs, "x", record=True, dt=config.record_dt, name="target")
        return [c_in, inputs, neurons, feedforward, recurrent, arbiter, spikes, trace, target]

    groups = {GROUP_OF_ROLE[role]: m for role, m in models.items()}
    return Blueprint(
        name="predictive-coding",
        build=build,
        duration=float(config.chunk),
        dt=float(config.dt),
        settable=STATE + parameter_names(groups),
        timed_arrays=("c_in",),
        outputs=STATE + ("spikes.i", "spikes.t", "trace.V", "trace.r", "target.x"),
        sources={group: str(m.path) for group, m in groups.items()},
        key={"n": n, "j": j, "input_dt": float(config.input_dt), "record_dt": float(config.record_dt),
             "models": {role: structure(m) for role, m in models.items()}},
    )


# ---------------------------------------------------------------------------------------------
# Inputs and the network


def signal(rng: np.random.Generator, config: Config, scale: float = 1.0) -> np.ndarray:
    """One chunk of the authors' input (Hz), at `scale` times the training amplitude."""
    return smoothed_noise(rng, config.chunk, config.n_inputs, scale * config.input_amplitude,
                          config.input_smoothing, config.input_dt)


TRAIN, DECODER, TEST, CONSTANT, INIT = range(5)  # random streams


class Network:
    """A simulator of the blueprint plus the conversions between matrices and synapse arrays.

    Weights are matrices F[j, n] and Omega[n_post, k_pre]; synapses are ordered pre-major
    (connect(i=repeat, j=tile)), so a synapse array is the transposed matrix, flattened.
    """

    def __init__(self, config: Config, models: dict[str, Model], params: dict, sim, seed: int):
        self.config, self.params, self.sim, self.seed = config, params, sim, seed
        self.groups = {GROUP_OF_ROLE[role]: m for role, m in models.items()}

    def rest(self, weights: dict) -> dict:
        """The network at rest with the given weights."""
        n, j = self.config.n_neurons, self.config.n_inputs
        return {"V": np.zeros(n), "r": np.zeros(n), "kick": np.zeros(n), "x": np.zeros(j), **weights}

    def run(self, state: dict, c: np.ndarray, seed: int, learning: bool) -> tuple[dict, dict]:
        """One chunk. state: V, r, kick (the last step's recurrent input, not yet added to V), x
        (vectors), F, Omega (matrices). Returns (state, recording)."""
        values = {
            "neurons.V": state["V"], "neurons.r": state["r"], "neurons.kick": state["kick"], "inputs.x": state["x"],
            "feedforward.F": state["F"].ravel(),  # (j, n) row-major = pre-major
            "recurrent.Omega": state["Omega"].T.ravel(),  # (post, pre) -> pre-major
        }
        values |= parameter_values(self.groups, self.params, learning=float(learning))
        return self.unpack(self.sim.run(values, {"c_in": c}, seed))

    def unpack(self, out: dict) -> tuple[dict, dict]:
        """A run's outputs as (state, recording)."""
        n, j = self.config.n_neurons, self.config.n_inputs
        new_state = {
            "V": out["neurons.V"], "r": out["neurons.r"], "kick": out["neurons.kick"], "x": out["inputs.x"],
            "F": out["feedforward.F"].reshape(j, n),
            "Omega": out["recurrent.Omega"].reshape(n, n).T,
        }
        recording = {"i": out["spikes.i"], "t": out["spikes.t"], "V": out["trace.V"],
                     "r": out["trace.r"], "x": out["target.x"]}
        return new_state, recording

    def run_segment(self, weights: dict, inputs: list[np.ndarray], seeds: list[int]) -> dict:
        """Consecutive chunks with learning off, from rest; recordings concatenated."""
        state, parts = self.rest(weights), []
        for k, (c, seed) in enumerate(zip(inputs, seeds)):
            state, rec = self.run(state, c, seed, learning=False)
            rec["t"] = rec["t"] + k * float(self.config.chunk)
            parts.append(rec)
        return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def evaluate(net: Network, weights: dict) -> tuple[dict, dict]:
    """Metrics of the network with the given weights (learning off). Returns (metrics, arrays)."""
    cfg, seed = net.config, net.seed
    chunks = lambda d: int(round(float(d / cfg.chunk)))  # noqa: E731

    def noise_inputs(stream, count, scale):
        rng = np.random.default_rng([seed, stream])
        return [signal(rng, cfg, scale) for _ in range(count)]

    def seeds(stream, count):
        return [run_seed(seed, stream, 1000 + k) for k in range(count)]

    fit = net.run_segment(weights, noise_inputs(DECODER, chunks(cfg.decoder_fit), cfg.decoder_amplitude),
                          seeds(DECODER, chunks(cfg.decoder_fit)))
    decoder = metrics.fit_decoder(fit["r"], fit["x"])
    test = net.run_segment(weights, noise_inputs(TEST, chunks(cfg.test), cfg.test_amplitude),
                           seeds(TEST, chunks(cfg.test)))
    estimate = test["r"] @ decoder
    test_seconds = float(cfg.test)

    rng = np.random.default_rng([seed, CONSTANT])
    cvs = []
    steps = int(round(float(cfg.chunk / cfg.input_dt)))
    for d in range(cfg.n_directions):
        direction = rng.standard_normal(cfg.n_inputs)
        direction /= np.linalg.norm(direction)
        c = np.tile(float(cfg.constant_input) * direction, (steps, 1))
        count = chunks(cfg.constant_duration)
        rec = net.run_segment(weights, [c] * count, [run_seed(seed, CONSTANT, d, k) for k in range(count)])
        cvs.append(metrics.isi_cv(rec["i"], rec["t"], cfg.n_neurons))

    optimum = -weights["F"].T @ weights["F"]
    result = {
        "decoding_error": metrics.decoding_error(test["x"], estimate),
        "mean_rate": metrics.mean_rate(len(test["i"]), cfg.n_neurons, test_seconds),
        "voltage_variance": float(np.mean(np.var(test["V"], axis=0))),
        "distance_to_optimum": metrics.distance_to_optimum(weights["Omega"], optimum),
        "isi_cv": float(np.nanmean(cvs)) if not np.all(np.isnan(cvs)) else float("nan"),
    }
    plot_steps = int(round(float(1 * second / cfg.record_dt)))  # the first second of the test
    arrays = {
        "spike_i": test["i"][test["t"] < 1.0], "spike_t": test["t"][test["t"] < 1.0],
        "x": test["x"][:plot_steps], "x_hat": estimate[:plot_steps],
        "F": weights["F"], "Omega": weights["Omega"],
    }
    return result, arrays


# ---------------------------------------------------------------------------------------------
# The experiment


class PredictiveCoding(Experiment):
    """Training from the seed's initial weights: a new 1 s input sequence per chunk, metrics
    at log-spaced chunks."""

    summary_keys = ("simulated_training_s", "decoding_error_before", "decoding_error_after",
                    "error_reduction", "distance_before", "distance_after", "distance_reduction",
                    "rate_before", "rate_after", "isi_cv_before", "isi_cv_after")
    name = "predictive-coding"
    Config = Config
    presets = PRESETS
    roles = MODELS

    def compose(self, loaded: dict[str, Model]) -> dict[str, Model]:
        return {
            "neuron": loaded["neuron"],
            "input": loaded["input"],
            "feedforward": combine(loaded["feedforward"], loaded["feedforward_rule"]),
            "recurrent": combine(loaded["recurrent"], loaded["recurrent_rule"]),
            "arbiter": loaded["arbiter"],
        }

    def blueprint(self, config, models, params):
        return blueprint(config, models)

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        """F: 0.5 N(0,1), columns of unit length; Omega: -0.2 U(0,1) - 0.5 I (authors' code)."""
        rng = np.random.default_rng([net.seed, INIT])
        return net.rest(authors_initial_weights(rng, net.config.n_neurons, net.config.n_inputs))

    def train(self, net, state, chunk):
        c = signal(np.random.default_rng([net.seed, TRAIN, chunk]), net.config)
        return net.run(state, c, run_seed(net.seed, TRAIN, chunk), learning=True)[0]

    def schedule(self, config):
        total = int(round(float(config.training / config.chunk)))
        return Schedule(total, log_spaced_chunks(total, config.n_checkpoints), float(config.chunk))

    def evaluate(self, net, state, chunk):
        return evaluate(net, {"F": state["F"], "Omega": state["Omega"]})

    def state_from_outputs(self, net, outputs):
        return net.unpack(outputs)[0]

    def summarise(self, history):
        """Before/after ratios, the figures the card's targets are stated in."""
        first, last = history[0], history[-1]
        return {
            "simulated_training_s": last["time"],
            "decoding_error_before": first["decoding_error"],
            "decoding_error_after": last["decoding_error"],
            "error_reduction": first["decoding_error"] / last["decoding_error"],
            "distance_before": first["distance_to_optimum"],
            "distance_after": last["distance_to_optimum"],
            "distance_reduction": first["distance_to_optimum"] / last["distance_to_optimum"],
            "rate_before": first["mean_rate"],
            "rate_after": last["mean_rate"],
            "isi_cv_before": first["isi_cv"],
            "isi_cv_after": last["isi_cv"],
        }

    def figures(self, config, history, before, after):
        return {
            "raster_and_decoding.png": plots.raster_and_decoding(before, after, float(config.record_dt)),
            "learning_curves.png": plots.learning_curves(
                history, ["decoding_error", "mean_rate", "voltage_variance", "distance_to_optimum", "isi_cv"]),
            "recurrent_weights.png": plots.weights_vs_optimum(
                [(b["Omega"], -b["F"].T @ b["F"]) for b in (before, after)], ["before", "after"],
                xlabel=r"$-F^\top F$", ylabel=r"$\Omega$"),
        }


EXPERIMENT = PredictiveCoding()
