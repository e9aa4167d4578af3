"""Delayed-memory XOR (Huh & Sejnowski 2018, task 2) learned by the paper's own method: the
exact gradient of a differentiable network of theta neurons (`--learner exact`).

Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. NeurIPS 31
(arXiv:1706.04698). The network is the smooth one of equations/neurons/theta_gated.py; W, U
and I0 are trained with Adam on the exact gradient of the squared error of the output in the
response window, sum_n mask[n] 0.5 (o[n] - y[n])^2 dt, computed by backpropagation through the
exact phase map (neurosims/methods/exact_gradient/network.py); the readout O is the
least-squares decoder of the recent batches. The protocol is the e-prop learner's
(experiments/delayed_memory.py, same timing) with trial-to-trial variability: one input
channel carries the two signed pulses (+1 or -1 for 50 ms), a second one the go cue (1 during
the response window); each pulse starts up to `jitter` (20 ms) late, independently, so that the
delay and the time from the second pulse to the cue vary; both channels carry white noise of
s.d. `input_noise` per step, and every neuron starts each trial at a random phase. The target
is +1 when the signs differ and -1 when they are equal; a trial
counts as correct when the sign of the output averaged over its response window is the
target's. Held-out trials are drawn fresh from their own random stream, so none repeats a
training trial. The trained weights are re-run in Brian2 (compiled) on the held-out trials
and the accuracy is reported from that run.

Choices the paper does not state, with their reasons:
- A slow variable (`n_slow` of the `n_neurons` neurons have synapses of tau_slow = 150 ms; the
  rest tau_s = 5 ms), a documented departure from the paper. Without it the network with 5 ms
  synapses stayed at chance even with a 50 ms delay (measured, issue 20): nothing in it lasts
  long enough for the gradient to find the first pulse from the response window. With it, a
  50 ms delay was learned to 97% in 300 updates (same network, input noise 0.1, no jitter).
- Input noise of s.d. 0.05 per step (a current noise of ~0.1 through U): at 0.1 the first
  pulse's sign could be read from the untrained network's activity in the response window on
  54% of held-out trials (a least-squares decoder), at 0.05 on 72%.
- tau_m = 10 ms, gate width 0.5 rad (the model file), dt = 1 ms (the phase map is exact).
- Initial weights, the self-excited start: U ~ N(0, input_gain^2); I0 ~ N(bias, 0.1^2) for
  the fast neurons (around their onset of firing) and N(slow_bias = -0.3, 0.1^2) for the slow
  ones; W ~ N(0, 1) x recurrent_gain x tau_s / sqrt(N) per presynaptic neuron's tau (weak and
  not chaotic: at gain 1 with 20 ms synapses the gradient's direction did not survive 1e-6
  changes of the weights), except that the slow neurons do not couple to each other and each
  excites itself by slow_self_excitation = 60 ms. Each slow neuron is then bistable (silent,
  or firing held by its own 150 ms synapse): a pulse switches on the slow neurons it drives,
  and, as the decoding shows (it was not traced neuron by neuron), the pulse of the other sign
  does not switch them off: the untrained network's response-window state already gives the XOR
  to a least-squares decoder (99%, 100%, 99% of fresh trials, seeds 0-2; from the random start,
  `--set slow_self_excitation=0 --set slow_bias=0.05`: 56%, 59%, 59%). With 15 ms of
  self-excitation around -0.05 the neurons carried the first sign (98-100%) but not the XOR
  (58-83%): the second pulse apparently switched them off.
  O from least squares.
- Adam with the step per matrix of STEP_SCALE (W: the s.d. of its random entries, see
  `steps`), learning_rate 0.005 falling linearly to a tenth, batches of 32 trials.

Why the random start is not learned: the exact gradient is exact, but the loss is a landscape
of cliffs. A neuron held just below its onset of firing (I slightly below 0) fires or stays
silent on a change of the weights of 1e-5 relative: along a random direction of U, in steps
of 2.5e-5 of its size, one trial's loss in 16 jumped by 10x the change of the steps around
it. A step along the batch's gradient of 1e-5 to 1e-4 of the weights' size already raised
the loss (64 trials, the untrained random start). Phase perturbations decay (the network is
not chaotic): the cliffs are the onsets.

`--set recurrent=False` keeps W at 0: the network without recurrent memory;
`--set learn_weights=False` trains only the readout: the untrained network's baseline.

Measured (2026-12-08, default preset, 400 updates of 32 trials, 200 held-out trials, Brian2
re-run equal to NumPy): accuracy 76% -> 99.5% (seed 0), 88.5% -> 100% (seed 1), 83% -> 100%
(seed 2), held-out loss 0.080 -> 0.019, 0.048 -> 0.016, 0.056 -> 0.027; the readout alone
(learn_weights=False) already reaches 99.5%, 99.5%, 100% (loss 0.036, 0.026, 0.028): the start
does the memory, the exact gradient lowers the loss to 0.52x, 0.62x, 0.97x the readout's. From
the random start (`--set slow_self_excitation=0 --set slow_bias=0.05 --set learning_rate=0.02
--set batch=16 --set iterations=800`, measured 2026-12-07): 52% -> 79%, 63.5% -> 60.5%, 49% ->
62%; with a 50 ms delay that start reaches 89% in 150 updates
(tests/experiments/test_delayed_memory.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims import plots
from neurosims.config import Preset
from neurosims.experiments import delayed_memory as task
from neurosims.methods.exact_gradient import network as diff
TRAIN, TEST, INIT = range(3)  # random streams


@dataclass(frozen=True)
class Config(task.Timing):
    n_neurons: int = 60
    n_slow: int = 30  # neurons with slow synapses (tau_slow)
    batch: int = 32
    iterations: int = 400
    learning_rate: float = 0.005  # Adam, relative to each matrix's scale
    readout_memory: float = 0.95  # weight of the earlier batches in the readout's least squares
    ridge: float = 1e-3  # of the readout, relative to the mean variance of s
    input_gain: float = 2.0  # s.d. of the initial U
    recurrent_gain: float = 0.5  # s.d. of the initial W x sqrt(n) / tau of the presynaptic neuron
    bias: float = 0.05  # mean initial I0 of the fast neurons (s.d. 0.1)
    slow_self_excitation: float = 0.06  # initial W of each slow neuron onto itself (seconds); 0: a random W
    slow_bias: float = -0.3  # mean initial I0 of the slow neurons (s.d. 0.1)
    input_noise: float = 0.05  # s.d. of the white noise on both input channels, per step
    random_phases: bool = True  # every neuron starts every trial at a random phase
    recurrent: bool = True  # False: W stays 0, the network without memory
    learn_weights: bool = True  # False: W, U and I0 keep their initial values, only the readout learns
    n_checkpoints: int = 8
    test_trials: int = 200

    def __post_init__(self):
        super().__post_init__()
        for name in ("n_neurons", "batch", "iterations", "n_checkpoints", "test_trials"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 0 <= self.n_slow <= self.n_neurons:
            raise ValueError("n_slow must be between 0 and n_neurons")
        if self.learning_rate <= 0 or self.input_noise < 0:
            raise ValueError("learning_rate must be positive and input_noise at least 0")
        if not 0 <= self.readout_memory < 1 or self.ridge < 0:
            raise ValueError("readout_memory must be in [0, 1) and ridge at least 0")
        if self.slow_self_excitation < 0:
            raise ValueError("slow_self_excitation must be at least 0")


PRESETS = {
    "tiny": Preset("every stage in seconds (10 neurons, 12 updates of 2 trials): a check of the set-up",
                   dict(n_neurons=10, n_slow=5, batch=2, iterations=12, n_checkpoints=2, test_trials=8)),
    "quick": Preset("60 updates of 16 trials: the trained network re-run in Brian2, in about 40 s",
                    dict(iterations=60, batch=16, n_checkpoints=3, test_trials=64)),
    "default": Preset("400 updates of 32 trials", {}),
    "paper": Preset("1600 updates of 32 trials", dict(iterations=1600, n_checkpoints=12)),
}

STEP_SCALE = {"W": None, "U": None, "I0": 0.05}  # Adam step per matrix (None: its init s.d.)


def slow_neurons(config: Config) -> np.ndarray:
    """1 for the neurons with slow synapses (the first n_slow), else 0."""
    return (np.arange(config.n_neurons) < config.n_slow).astype(float)


def trials(rng: np.random.Generator, config: Config, count: int) -> dict:
    """`count` trials: inputs x[trial, step, channel] (0: the pulses, 1: the go cue), targets
    y[trial, step, 1] (+1: signs differ, -1: equal), the initial phases theta0[trial, neuron],
    the targets' signs and the conditions."""
    pair = task.signs(rng, count)
    x = rng.normal(0, config.input_noise, (count, config.steps, 2))
    for b, windows in enumerate(config.jittered_pulses(rng, count)):
        for k, window in enumerate(windows):
            x[b, window, 0] += 1.0 if pair[b, k] == 0 else -1.0
    x[:, config.steps - config.window_steps:, 1] += 1.0
    sign = np.where(pair[:, 0] != pair[:, 1], 1.0, -1.0)
    theta0 = (rng.uniform(-np.pi, np.pi, (count, config.n_neurons)) if config.random_phases
              else np.zeros((count, config.n_neurons)))
    return {"x": x, "y": np.repeat(sign[:, None, None], config.steps, axis=1), "mask": response_window(config),
            "theta0": theta0, "sign": sign, "conditions": task.condition(pair)}


def response_window(config: Config) -> np.ndarray:
    """1 in the steps of the response window (the loss's and the accuracy's), else 0."""
    return (np.arange(config.steps) >= config.steps - config.window_steps).astype(float)


def initial_params(rng: np.random.Generator, config: Config, tau: np.ndarray, tau_fast: float) -> dict:
    """Initial weights; tau: each neuron's synaptic time constant. With slow_self_excitation,
    the slow neurons start uncoupled from each other but each exciting itself by that weight,
    around the mean current slow_bias (the self-excited start of the module docstring)."""
    n = config.n_neurons
    w = rng.normal(0, 1, (n, n)) * config.recurrent_gain * tau_fast / np.sqrt(n) * (tau_fast / tau)[None, :]
    u = rng.normal(0, 1, (n, 2)) * config.input_gain
    bias = rng.normal(config.bias, 0.1, n)  # drawn after U as before, so the default start keeps its values
    slow = slow_neurons(config) > 0
    if config.slow_self_excitation:
        w[np.ix_(slow, slow)] = 0.0
        w[slow, slow] = config.slow_self_excitation
    bias[slow] += config.slow_bias - config.bias
    return {"W": w if config.recurrent else np.zeros((n, n)), "U": u, "O": np.zeros((1, n)), "I0": bias}


class Network:
    """The task the seed draws (initial weights, held-out trials) and the compiled network
    that re-runs trained weights."""

    def __init__(self, config: Config, params: dict, sim, seed: int):
        self.config, self.params, self.sim, self.seed = config, params, sim, seed  # tau_m, tau_s, tau_slow, ...
        self.slow = slow_neurons(config)
        self.constants = diff.constants(params, config.dt, self.slow)
        self.loss_terms = {}
        self.test = trials(np.random.default_rng([seed, TEST]), config, config.test_trials)
        self.initial = initial_params(np.random.default_rng([seed, INIT]), config,
                                      np.broadcast_to(self.constants.tau_s, config.n_neurons), float(params["tau_s"]))

    def batch(self, chunk: int) -> dict:
        """The chunk's trials, fresh ones every chunk."""
        return trials(np.random.default_rng([self.seed, TRAIN, chunk]), self.config, self.config.batch)

    def evaluate(self, weights: dict, final: bool) -> tuple[dict, dict]:
        """Metrics of the weights on the held-out trials (NumPy); `final`: also re-run in Brian2."""
        config, test = self.config, self.test
        trajectory = diff.forward(weights, test["x"], self.constants, test["theta0"])
        spikes = diff.spike_trains(trajectory["theta"])
        result = {"loss": diff.loss(trajectory["o"], test["y"], test["mask"], self.constants.dt),
                  "accuracy": accuracy(trajectory["o"], test["sign"], test["mask"]),
                  "mean_rate": float(spikes.mean() / float(config.dt))}
        if final:
            outputs, _ = diff.brian_runs(self.sim, weights, self.params, test["x"], test["theta0"], self.slow)
            deviation = np.max(np.abs(outputs - trajectory["o"]), axis=(1, 2)) / np.max(np.abs(trajectory["o"]))
            result |= {"accuracy_brian2": accuracy(outputs, test["sign"], test["mask"]),
                       "outputs_equal_to_numpy": float(np.mean(deviation <= 1e-6)),
                       "largest_deviation_from_numpy": float(deviation.max())}
        first = np.argwhere(spikes[0])
        o = trajectory["o"][..., 0]
        arrays = {"o_conditions": np.stack([o[test["conditions"] == c].mean(axis=0) for c in range(4)]),
                  "spike_t": first[:, 0] * float(config.dt), "spike_i": first[:, 1],
                  **{f"P_{k}": v for k, v in weights.items()}}
        return result, arrays


def accuracy(o: np.ndarray, sign: np.ndarray, mask: np.ndarray) -> float:
    """Share of trials whose output, averaged over the response window, has the target's sign."""
    return float(np.mean(np.sign(o[:, mask > 0, 0].mean(axis=1)) == sign))


class DelayedMemoryExact(diff.ExactGradientExperiment):
    summary_keys = ("iterations", "loss_before", "loss_after", "accuracy_before", "accuracy_after",
                    "accuracy_after_brian2", "test_error", "outputs_equal_to_numpy",
                    "largest_deviation_from_numpy", "mean_rate_after")
    name = "delayed-memory"
    learner = "exact"
    Config = Config
    presets = PRESETS
    step_scale = STEP_SCALE

    Network = Network

    def channels(self, config):
        return 2, 1

    def frozen(self, config):
        if not config.learn_weights:
            return ("W", "U", "I0")
        return () if config.recurrent else ("W",)

    def steps(self, net):
        """W's step is the s.d. of its entries without the slow neurons' self-excitations, which
        would make it 24x that of the random couplings: steps of that size scrambled them
        (measured, seed 2: at learning_rate 0.002 the held-out accuracy went 98.5% -> 81.5%
        from the 25th to the 50th update, where with this step at 0.005 it stayed >= 98%)."""
        steps = super().steps(net)
        if net.config.slow_self_excitation:
            others = ~np.diag(net.slow > 0)
            steps["W"] = float(np.std(net.initial["W"][others]))
        return steps

    def summarise(self, history):
        first, last = history[0], history[-1]
        return {
            "iterations": last["chunk"],
            "loss_before": first["loss"],
            "loss_after": last["loss"],
            "accuracy_before": first["accuracy"],
            "accuracy_after": last["accuracy"],
            "accuracy_after_brian2": last["accuracy_brian2"],
            "test_error": 1 - last["accuracy_brian2"],
            "outputs_equal_to_numpy": last["outputs_equal_to_numpy"],  # share of trials within 1e-6
            "largest_deviation_from_numpy": last["largest_deviation_from_numpy"],
            "mean_rate_after": last["mean_rate"],
        }

    def figures(self, config, history, before, after):
        return {
            "learning_curves.png": plots.learning_curves([dict(h, time=h["chunk"]) for h in history],
                                                         ["loss", "accuracy", "mean_rate"], xlabel="iteration (batch)"),
            "output_by_condition.png": plots.output_by_condition(
                before["o_conditions"], after["o_conditions"], task.CONDITIONS, float(config.dt),
                config.steps - config.window_steps, "output o (target +1: signs differ)"),
            "raster.png": plots.before_after(before, after, lambda ax, data, label: plots.raster(
                ax, data["spike_i"], data["spike_t"], f"spikes of one trial, {label}"), legend=False),
        }


EXPERIMENT = DelayedMemoryExact()
