"""Fast predictive coding (Huh & Sejnowski 2018, task 1): a network of 30 theta neurons learns,
by the exact gradient, to reproduce its 2-D input in its output, o(t) = O s(t) ~ x(t), at a
held firing rate; the coding error is compared with a rate code of the same spike count.

Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. NeurIPS 31
(arXiv:1706.04698). The network is the smooth one of equations/neurons/theta_gated.py; W, U
and I0 are trained with Adam on the exact gradient of
    sum_n 0.5 |o[n] - x[n]|^2 dt + rate_cost/2 (r - rate_target)^2
(r: the trial's mean rate) computed by backpropagation through the exact phase map
(neurosims/methods/exact_gradient/network.py); the readout O is the least-squares decoder of
the recent batches, as the rate code's is. Inputs: white noise smoothed by a Gaussian of 20 ms,
scaled to unit variance, trials of 0.5 s. The trained weights are re-run in Brian2 (compiled)
and the error is reported from that run.

Choices the paper does not state, with their reasons:
- tau_s = 20 ms (the card: 5-10 ms). At 5 ms even hand-built predictive-coding weights lost to
  the rate code (0.192 against 0.099, measured outside this code, issue 20): a synaptic trace
  shorter than the neurons' spike latency cannot hold the estimate between spikes.
- tau_m = 10 ms, gate width 0.5 rad (the model file), dt = 1 ms (the phase map is exact at any
  step; a passage through the gate still covers two or three steps, which the gradient needs).
- The rate is held at `rate_target` (20 Hz) by the penalty, so that the trained network cannot
  buy its accuracy with spikes: unpenalised, training drove it to 80-90 Hz, where the rate
  code with as many spikes is as good.
- Initial weights (`start`): "random" (the default): U ~ N(0, input_gain^2), W ~ N(0, 1e-4^2),
  I0 = bias (below the onset of firing, so that neurons fire when the input drives them);
  "structured": the predictive-coding solution of Boerlin, Machens & Deneve (2013, PLoS
  Comput Biol 9:e1003258) written for this network, decoder D (random unit directions x
  decoder_norm), O = D, U = gain D^T, W = -gain D^T D, so that I = gain D^T (x - o) + I0.
- Adam with the step per matrix of STEP_SCALE, learning_rate falling linearly to a tenth.

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
from neurosims.config import Preset, Setting, quantity
from neurosims.inputs import smoothed_noise
from neurosims.methods.exact_gradient import network as diff
from neurosims.methods.spike_coding import metrics
TRAIN, TEST, INIT, BASELINE = range(4)  # random streams


@dataclass(frozen=True)
class Config:
    n_neurons: int = 30
    n_inputs: int = 2
    dt: Quantity = quantity(1 * ms)
    trial: Quantity = quantity(0.5 * second)
    input_smoothing: Quantity = quantity(20 * ms)
    batch: int = 8
    iterations: int = 600
    learning_rate: float = 0.02  # Adam, relative to each matrix's scale
    rate_target: float = 20.0  # Hz
    rate_cost: float = 0.1  # per Hz^2
    readout_memory: float = 0.95  # weight of the earlier batches in the readout's least squares
    ridge: float = 1e-6  # of the readout, relative to the mean variance of s
    start: str = "random"  # or "structured" (see the module docstring)
    input_gain: float = 6.0  # s.d. of the initial U (random start)
    structured_gain: float = 3000.0  # the structured start's gain (current per unit coding error)
    decoder_norm: float = 3e-3  # the structured start's |D_i| (seconds)
    bias: float = -0.5  # initial I0: below the onset of firing (I = 0)
    n_checkpoints: int = 6
    test_trials: int = 16

    def __post_init__(self):
        for name in ("n_neurons", "n_inputs", "batch", "iterations", "n_checkpoints", "test_trials"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.learning_rate <= 0 or self.rate_cost < 0 or self.rate_target < 0:
            raise ValueError("learning_rate must be positive, rate_cost and rate_target at least 0")
        if not 0 <= self.readout_memory < 1 or self.ridge < 0:
            raise ValueError("readout_memory must be in [0, 1) and ridge at least 0")
        if self.start not in ("random", "structured"):
            raise ValueError(f"start must be 'random' or 'structured', not {self.start!r}")

    @property
    def steps(self) -> int:
        return int(round(float(self.trial / self.dt)))


TAU_S = Setting(20 * ms, "issue 20: at 5 ms (the card's 5-10 ms) even hand-built predictive-coding weights lose "
                         "to the rate code; see experiments/fast_coding.py")
PRESETS = {
    "tiny": Preset("every stage in seconds (10 neurons, 12 updates): a check of the set-up",
                   dict(n_neurons=10, trial=0.1 * second, batch=2, iterations=12, n_checkpoints=2, test_trials=2,
                        tau_s=TAU_S)),
    "quick": Preset("100 updates, in about 30 s",
                    dict(iterations=100, n_checkpoints=3, test_trials=16, tau_s=TAU_S)),
    "default": Preset("600 updates", dict(tau_s=TAU_S)),
    "paper": Preset("3000 updates", dict(iterations=3000, n_checkpoints=10, tau_s=TAU_S)),
}


def signal(rng: np.random.Generator, config: Config, count: int) -> np.ndarray:
    """Inputs x[trial, step, channel]: smoothed white noise of unit variance."""
    x = np.stack([smoothed_noise(rng, config.trial, config.n_inputs, 1.0, config.input_smoothing, config.dt)
                  for _ in range(count)])
    return x / x.std()


def initial_params(rng: np.random.Generator, config: Config) -> dict:
    n, k = config.n_neurons, config.n_inputs
    bias = np.full(n, config.bias)
    if config.start == "structured":
        angles = rng.uniform(0, 2 * np.pi, n)
        decoder = np.stack([np.cos(angles), np.sin(angles)])[:k] * config.decoder_norm
        gain = config.structured_gain
        return {"W": -gain * decoder.T @ decoder, "U": gain * decoder.T, "O": decoder, "I0": bias}
    return {"W": rng.normal(0, 1, (n, n)) * 1e-4, "U": rng.normal(0, 1, (n, k)) * config.input_gain,
            "O": np.zeros((k, n)), "I0": bias}


STEP_SCALE = {"W": 2e-2, "U": None, "I0": 0.05}  # Adam step per matrix (None: its init s.d.)


class Network:
    """The task the seed draws (initial weights, test trials) and the compiled network that
    re-runs trained weights."""

    def __init__(self, config: Config, params: dict, sim, seed: int):
        self.config, self.params, self.sim, self.seed = config, params, sim, seed  # tau_m, tau_s, gate_width
        self.constants = diff.constants(params, config.dt)
        self.loss_terms = {"rate": (config.rate_target, config.rate_cost) if config.rate_cost else None}
        self.test_x = signal(np.random.default_rng([seed, TEST]), config, config.test_trials)
        self.initial = initial_params(np.random.default_rng([seed, INIT]), config)

    def batch(self, chunk: int) -> dict:
        """The chunk's trials: the target is the input."""
        x = signal(np.random.default_rng([self.seed, TRAIN, chunk]), self.config, self.config.batch)
        return {"x": x, "y": x, "mask": np.ones(self.config.steps), "theta0": None}

    def evaluate(self, weights: dict, final: bool) -> tuple[dict, dict]:
        """Metrics of the weights on the held-out trials (NumPy); `final`: also re-run in Brian2."""
        config, x = self.config, self.test_x
        trajectory = diff.forward(weights, x, self.constants)
        spikes = diff.spike_trains(trajectory["theta"])
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
