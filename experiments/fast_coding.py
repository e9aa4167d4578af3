"""Fast predictive coding (Huh & Sejnowski 2018, task 1): a network of 30 theta neurons learns,
by the exact gradient, to reproduce its 2-D input in its output, o(t) = O s(t) ~ x(t), with a
small cost on activity; the coding error is compared with a rate code of the same spike count.

Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. NeurIPS 31
(arXiv:1706.04698). The network is the smooth one of equations/neurons/theta_gated.py; W, U,
O and I0 are trained with Adam on the exact gradient of
    sum_n (0.5 |o[n] - x[n]|^2 + mu sum_i s_i[n]) dt
computed by backpropagation through the Euler steps (neurosims/methods/exact_gradient/network.py). Inputs:
white noise smoothed by a Gaussian of 20 ms, scaled to unit variance, trials of 0.5 s. The
trained weights are re-run in Brian2 (compiled) and the error is reported from that run. The
compiled run and NumPy's agree to 1e-12 on most trials; in a few, rounding differences (C++
with -ffast-math against NumPy) decide whether a neuron that lingers at its threshold fires,
after which the trials differ (measured with the default preset: 14 of 16 test trials within
1e-6, coding error 0.2325 in Brian2 against 0.2323 in NumPy). Brian2's runtime mode agrees
to 1e-13 on all of them.

Coding error: mean |o - x|^2 / mean |x|^2 on held-out trials. Rate-code baseline: 30
Poisson neurons with rates [d_i . x(t)]_+ (preferred directions d_i evenly around the circle)
scaled to the trained network's spike count, decoded by the best linear decoder of their
exponentially filtered spike trains: filtered with the network's own tau_s, and with the best
of several filter time constants (5-50 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, second

from neurosims import plots
from neurosims.config import Preset, quantity
from neurosims.inputs import smoothed_noise
from neurosims.methods.exact_gradient import network as diff
from neurosims.methods.spike_coding import metrics
TRAIN, TEST, INIT, BASELINE = range(4)  # random streams


@dataclass(frozen=True)
class Config:
    n_neurons: int = 30
    n_inputs: int = 2
    dt: Quantity = quantity(0.5 * ms)  # resolves a passage through the gate (about 2.5 ms)
    trial: Quantity = quantity(0.5 * second)
    input_smoothing: Quantity = quantity(20 * ms)
    batch: int = 8
    iterations: int = 300
    learning_rate: float = 0.05  # Adam, relative to each matrix's scale
    activity_cost: float = 1e-4  # mu
    input_gain: float = 2.0  # scale of the initial U
    bias: float = -0.02  # initial I0: just below the onset of firing
    n_checkpoints: int = 6
    test_trials: int = 16

    def __post_init__(self):
        for name in ("n_neurons", "n_inputs", "batch", "iterations", "n_checkpoints", "test_trials"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.learning_rate <= 0 or self.activity_cost < 0:
            raise ValueError("learning_rate must be positive and activity_cost at least 0")

    @property
    def steps(self) -> int:
        return int(round(float(self.trial / self.dt)))


PRESETS = {
    "tiny": Preset("every stage in seconds (10 neurons, 12 updates): a check of the set-up",
                   dict(n_neurons=10, trial=0.1 * second, batch=2, iterations=12, n_checkpoints=2, test_trials=2)),
    "quick": Preset("60 updates: the coding error falls 3x or more in about 20 s",
                    dict(iterations=60, n_checkpoints=3, test_trials=8)),
    "default": Preset("300 updates", {}),
    "paper": Preset("2000 updates", dict(iterations=2000, n_checkpoints=10)),
}


def signal(rng: np.random.Generator, config: Config, count: int) -> np.ndarray:
    """Inputs x[trial, step, channel]: smoothed white noise of unit variance."""
    x = np.stack([smoothed_noise(rng, config.trial, config.n_inputs, 1.0, config.input_smoothing, config.dt)
                  for _ in range(count)])
    return x / x.std()


def initial_params(rng: np.random.Generator, config: Config) -> dict:
    n, k = config.n_neurons, config.n_inputs
    return {"W": rng.normal(0, 1, (n, n)) * 1e-4, "U": rng.normal(0, 1, (n, k)) * config.input_gain,
            "O": rng.normal(0, 1, (k, n)) * 1e-3, "I0": np.full(n, config.bias)}


STEP_SCALE = {"W": 1e-3, "U": None, "O": None, "I0": 0.05}  # Adam step per matrix (None: its init s.d.)


class Network:
    """The task the seed draws (initial weights, test trials) and the compiled network that
    re-runs trained weights."""

    def __init__(self, config: Config, params: dict, sim, seed: int):
        self.config, self.params, self.sim, self.seed = config, params, sim, seed  # tau_m, tau_s, gate_width
        self.constants = diff.constants(params, config.dt)
        self.test_x = signal(np.random.default_rng([seed, TEST]), config, config.test_trials)
        self.initial = initial_params(np.random.default_rng([seed, INIT]), config)

    def gradient(self, weights: dict, chunk: int) -> dict:
        """The exact gradient of the coding loss (with the activity cost) on the chunk's batch."""
        config = self.config
        x = signal(np.random.default_rng([self.seed, TRAIN, chunk]), config, config.batch)
        return diff.gradient(weights, x, x, np.ones(config.steps), self.constants, activity=config.activity_cost)[1]

    def evaluate(self, weights: dict, final: bool) -> tuple[dict, dict]:
        """Metrics of the weights on the held-out trials (NumPy); `final`: also re-run in Brian2."""
        config, x = self.config, self.test_x
        trajectory = diff.forward(weights, x, self.constants)
        spikes = spike_trains(trajectory["theta"])
        seconds = len(x) * float(config.trial)
        result = {"coding_error": coding_error(trajectory["o"], x),
                  "mean_rate": float(spikes.sum() / seconds / config.n_neurons)}
        if final:
            outputs, count = diff.brian_runs(self.sim, weights, self.params, x)
            per_trial = np.max(np.abs(outputs - trajectory["o"]), axis=(1, 2)) / np.max(np.abs(trajectory["o"]))
            result |= {"coding_error_brian2": coding_error(outputs, x),
                       "trials_equal_to_numpy": float(np.mean(per_trial < 1e-6)),
                       **dict(zip(("rate_code_error_same_filter", "rate_code_error"), rate_code_errors(
                           np.random.default_rng([self.seed, BASELINE]), config, x, int(spikes.sum()),
                           self.constants.tau_s)))}
        first = np.argwhere(spikes[0])
        arrays = {"x": x[0], "o": trajectory["o"][0], "spike_t": first[:, 0] * float(config.dt),
                  "spike_i": first[:, 1], **{f"P_{k}": v for k, v in weights.items()},
                  "dt": np.array(float(config.dt))}
        return result, arrays


def spike_trains(theta: np.ndarray) -> np.ndarray:
    """Spikes (theta crossing pi) per trial, step and neuron, from a trajectory."""
    turns = np.floor((theta + np.pi) / (2 * np.pi))
    return np.diff(turns, axis=1) > 0


def coding_error(o: np.ndarray, x: np.ndarray) -> float:
    return float(np.mean((o - x) ** 2) / np.mean(x ** 2))


def rate_code_errors(rng: np.random.Generator, config: Config, x: np.ndarray, spike_count: int,
                     tau_s: float) -> tuple[float, float]:
    """The error of a Poisson rate code with `spike_count` spikes on the trials x (see the
    module docstring), decoded through the network's own synaptic filter tau_s and through the
    best of several filters; the decoders are fitted on as many other trials."""
    n, dt = config.n_neurons, float(config.dt)
    angles = 2 * np.pi * np.arange(n) / n
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)[:, :config.n_inputs]
    fit_x = signal(rng, config, len(x))
    drive = lambda s: np.maximum(0.0, s @ directions.T)  # noqa: E731
    gain = spike_count / (drive(x).sum() * dt)  # spikes on the test trials = spike_count (on average)

    def features(signals, tau):
        spikes = rng.random(signals.shape[:2] + (n,)) < gain * drive(signals) * dt
        filtered = np.zeros(spikes.shape)
        acc = np.zeros((signals.shape[0], n))
        for k in range(signals.shape[1]):
            acc = acc * np.exp(-dt / tau) + spikes[:, k]
            filtered[:, k] = acc
        return filtered.reshape(-1, n)

    errors = {}
    for tau in (tau_s, 10e-3, 20e-3, 50e-3):
        decoder = metrics.fit_decoder(features(fit_x, tau), fit_x.reshape(-1, config.n_inputs))
        errors[tau] = coding_error((features(x, tau) @ decoder).reshape(x.shape), x)
    return float(errors[tau_s]), float(min(errors.values()))


class FastCoding(diff.ExactGradientExperiment):
    summary_keys = ("coding_error_before", "coding_error_after", "coding_error_after_brian2",
                    "trials_equal_to_numpy", "rate_before", "rate_after", "rate_code_error_same_spikes",
                    "rate_code_error_same_spikes_same_filter", "advantage_over_rate_code")
    name = "fast-coding"
    Config = Config
    presets = PRESETS
    step_scale = STEP_SCALE

    Network = Network

    def channels(self, config):
        return config.n_inputs, config.n_inputs

    def summarise(self, history):
        first, last = history[0], history[-1]
        return {
            "coding_error_before": first["coding_error"],
            "coding_error_after": last["coding_error"],
            "coding_error_after_brian2": last["coding_error_brian2"],
            "trials_equal_to_numpy": last["trials_equal_to_numpy"],
            "rate_before": first["mean_rate"],
            "rate_after": last["mean_rate"],
            "rate_code_error_same_spikes": last["rate_code_error"],  # best decoding filter
            "rate_code_error_same_spikes_same_filter": last["rate_code_error_same_filter"],
            "advantage_over_rate_code": last["rate_code_error"] / last["coding_error_brian2"],
        }

    def figures(self, config, history, before, after):
        dt = float(config.dt)
        return {
            "raster_and_output.png": plots.before_after(before, after, lambda ax, data, label: plots.trajectories(
                ax, data["x"], data["o"], dt, f"input and output, {label}")),
            "learning_curves.png": plots.learning_curves(history, ["coding_error", "mean_rate"]),
            "error_vs_spikes.png": error_vs_rate(
                [(h["mean_rate"], h["coding_error"]) for h in history],
                (history[-1]["mean_rate"], history[-1]["rate_code_error"])),
        }


def error_vs_rate(trained: list[tuple[float, float]], rate_code: tuple[float, float]):
    """Coding error against firing rate during training (first point: before) and a rate code
    with the same number of spikes as the trained network."""
    fig, ax = plots.plt.subplots(figsize=(4.5, 3.5))
    rates, errors = zip(*trained)
    ax.plot(rates, errors, "o-", color="tab:blue", label="trained network (during training)")
    ax.plot(rates[0], errors[0], "s", color="tab:gray", label="before training")
    ax.plot(*rate_code, "^", color="tab:red", label="rate code, same spikes")
    ax.set_xlabel("mean rate (Hz)")
    ax.set_ylabel("coding error (relative MSE)")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


EXPERIMENT = FastCoding()
