"""Evidence accumulation with e-prop: a network of LIF and adaptive (ALIF) neurons counts cues
shown on the left and right, holds the count over a delay of a second, and reports the side
with more cues when a recall signal comes.

Bellec G et al. (2020). A solution to the learning dilemma for recurrent networks of spiking
neurons. Nat Commun 11:3625 (Fig. 3). Configuration of NEST 3.10's example
eprop_supervised_classification_evidence-accumulation_bsshslm_2020.py (after the TF original):
40 inputs in four groups of 10 (left cues, right cues, recall, noise), 50 LIF + 50 ALIF neurons
(adaptation time constant 2 s), 2 softmax readouts, 7 cues of 100 ms every 150 ms from the
favoured side with probability 0.7, recall in the last 150 ms of a 2250 ms trial, cross-entropy
in the recall window, Adam (5e-3) on the gradient averaged over the window and a batch of 32
trials, firing-rate regularisation. The test error is 1 - accuracy of the argmax of the mean
readout probabilities in the recall window; the original's stopping criterion is < 7%.

Symmetric e-prop (B = W_out^T) instead of random feedback: `--model feedback=symmetric`.

Training stops as in NEST's example (after the original): every `validate_every` iterations
the network is validated on a fresh batch (learning off); when the error is below 7%, it is
validated on `stopping_batches` more, and if their mean error is below 7% the weights are
frozen (the remaining iterations do nothing). The test error is measured at the end on
`test_batches` fresh batches. Without stopping, learning at this rate does not settle: one run
reached 3% validation error after 100 updates and was back at 47% after 130.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from brian2 import Hz, Quantity, ms

from neurosims import eprop
from neurosims.config import quantity
from neurosims.models import Model
from neurosims.simulation import open_simulator
from neurosims.training import Trainer, run_seed, run_training

NAME = "eprop-evidence"
TRAIN, VALIDATE, TEST, INIT, STOPPING = range(5)  # random streams
STOP_BELOW = 0.07  # the original's stopping criterion


@dataclass(frozen=True)
class Config:
    """Protocol of NEST's evidence-accumulation example; model parameters live in the model files."""

    n_per_group: int = 10  # inputs per group (left, right, recall, noise)
    n_lif: int = 50
    n_adaptive: int = 50  # ALIF neurons; 0 gives the LIF-only control
    dt: Quantity = quantity(1 * ms)
    n_cues: int = 7
    cue_duration: Quantity = quantity(100 * ms)
    cue_interval: Quantity = quantity(150 * ms)  # cue onset to onset; the first cue starts 50 ms in
    delay: Quantity = quantity(1050 * ms)  # after the last cue period, before the recall
    recall: Quantity = quantity(150 * ms)
    cue_rate: Quantity = quantity(40 * Hz)
    recall_rate: Quantity = quantity(40 * Hz)
    noise_rate: Quantity = quantity(10 * Hz)
    favoured_probability: float = 0.7  # probability that a cue comes from the favoured side
    batch: int = 32  # trials per weight update (TF original: 64)
    iterations: int = 300  # weight updates
    validate_every: int = 10
    stopping_batches: int = 8
    test_batches: int = 4

    def __post_init__(self):
        for name in ("n_per_group", "n_lif", "n_cues", "batch", "iterations", "validate_every", "stopping_batches",
                     "test_batches"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.n_adaptive < 0:
            raise ValueError("n_adaptive must be at least 0")
        if self.cue_duration > self.cue_interval:
            raise ValueError("cue_duration must not exceed cue_interval")

    @property
    def steps(self) -> int:
        total = self.n_cues * self.cue_interval + self.delay + self.recall
        return int(round(float(total / self.dt)))

    @property
    def window_steps(self) -> int:
        return int(round(float(self.recall / self.dt)))


# NEST's example: neurons, readout and learning
COMMON = dict(tau_m=20 * ms, tau_out=20 * ms, v_th=0.6, t_ref=5 * ms, leaky_input=0.0, leaky_readout=1.0,
              adapt_tau=2000 * ms, adapt_beta=0.0174, eta=5e-3, c_reg=300.0, f_target=10 * Hz)
PRESETS = {
    "quick": dict(COMMON, batch=16, iterations=40, validate_every=10, test_batches=2),
    "default": dict(COMMON),
    "paper": dict(COMMON, batch=64, iterations=2000, validate_every=10, test_batches=4),
}


def load_models(overrides: dict[str, str] | None = None) -> dict[str, Model]:
    return eprop.load_models(overrides, NAME, classifier=True)


def parameters(models: dict[str, Model]):
    return eprop.parameters(models)


def shape(config: Config) -> eprop.Shape:
    return eprop.Shape(n_in=4 * config.n_per_group, n_rec=config.n_lif + config.n_adaptive, n_out=2,
                       sequence_steps=config.steps, sequences=config.batch, batch=config.batch,
                       dt=float(config.dt), classifier=True, record_spikes=True)


def blueprint(config: Config, models: dict[str, Model]):
    return eprop.blueprint(NAME, shape(config), models)


# ---------------------------------------------------------------------------------------------
# Task


def trials(rng: np.random.Generator, config: Config, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input spikes x[trial, q, input], one-hot targets [trial, q, 2] and labels (1 = right)."""
    steps, group, dt = config.steps, config.n_per_group, float(config.dt)
    x = np.zeros((count, steps, 4 * group))
    favoured_right = rng.random(count) < 0.5
    p_right = np.where(favoured_right, config.favoured_probability, 1 - config.favoured_probability)
    cue_right = rng.random((count, config.n_cues)) < p_right[:, None]
    interval, duration = (int(round(float(d / config.dt))) for d in (config.cue_interval, config.cue_duration))
    for c in range(config.n_cues):
        start = c * interval + (interval - duration)
        for side in (0, 1):  # 0 left, 1 right
            shown = (cue_right[:, c] == bool(side))[:, None, None]
            fire = rng.random((count, duration, group)) < float(config.cue_rate) * dt
            x[:, start:start + duration, side * group:(side + 1) * group] = fire & shown
    recall = config.window_steps
    x[:, steps - recall:, 2 * group:3 * group] = rng.random((count, recall, group)) < float(config.recall_rate) * dt
    x[:, :, 3 * group:] = rng.random((count, steps, group)) < float(config.noise_rate) * dt
    labels = (cue_right.sum(axis=1) > config.n_cues // 2).astype(int)
    target = np.zeros((count, steps, 2))
    target[np.arange(count), :, labels] = 1.0
    return x, target, labels


def initial_weights(rng: np.random.Generator, config: Config) -> tuple[dict, np.ndarray]:
    """NEST's example: W_in randn/sqrt(n_in), W_rec randn/sqrt(n_rec) (no autapses), W_out
    Glorot-uniform, random feedback B randn."""
    n_in, n = 4 * config.n_per_group, config.n_lif + config.n_adaptive
    rec = rng.standard_normal((n, n)) / np.sqrt(n)
    np.fill_diagonal(rec, 0.0)
    limit = np.sqrt(3.0 / max(1.0, (n + 2) / 2.0))
    weights = {"in": rng.standard_normal((n, n_in)) / np.sqrt(n_in), "rec": rec,
               "out": rng.uniform(-limit, limit, (2, n))}
    return weights, rng.standard_normal((n, 2))


class Network:
    def __init__(self, config: Config, models: dict[str, Model], params: dict, device: str, cache_dir=None,
                 seed: int = 0):
        self.config = config
        self.params = params
        self.shape = shape(config)
        self.net = eprop.Network(self.shape, models, open_simulator(eprop.blueprint(NAME, self.shape, models),
                                                                     device, cache_dir))
        self.sim = self.net.sim
        self.seed = seed
        self.weights, self.feedback = initial_weights(np.random.default_rng([seed, INIT]), config)
        self.adaptive = (np.arange(self.shape.n_rec) >= config.n_lif).astype(float)
        self.window = (np.arange(config.steps) >= config.steps - config.window_steps).astype(float)

    def run(self, weights: dict, optimizer: dict, stream: int, index: int, learning: bool):
        """One batch of fresh trials from (stream, index). Returns (weights, optimizer, scores)."""
        x, target, labels = trials(np.random.default_rng([self.seed, stream, index]), self.config,
                                   self.config.batch)
        weights, optimizer, rec = self.net.run(weights, optimizer, self.feedback, self.adaptive, self.params, x,
                                               target, self.window, run_seed(self.seed, stream, index), learning,
                                               average_over_window=True)
        return weights, optimizer, scores(rec, target, labels, self.window, self.config)


def scores(rec: dict, target: np.ndarray, labels: np.ndarray, window: np.ndarray, config: Config) -> dict:
    inside = window > 0.5
    pi = np.exp(rec["y"]) / np.exp(rec["y"]).sum(axis=2, keepdims=True)
    predicted = np.argmax(pi[:, inside].mean(axis=1), axis=1)
    n_trials, steps = rec["y"].shape[:2]
    n_rec = config.n_lif + config.n_adaptive
    return {"loss": float(np.mean(eprop.losses(rec["y"], target, window, classifier=True))),
            "error": float(np.mean(predicted != labels)),
            "rate": len(rec["i"]) / (n_trials * steps * float(config.dt)) / n_rec,
            "y_first": rec["y"][0], "spikes": (rec["i"], rec["t"])}


def trainer(net: Network, seed: int) -> Trainer:
    config = net.config
    initial = dict(net.weights, **_flatten(net.net.initial_optimizer_state()), training_loss=np.zeros(0),
                   training_error=np.zeros(0), wall_s=np.array(0.0), stopped_at=np.array(-1))

    def step(state, chunk):
        if int(state["stopped_at"]) >= 0:  # stopped: the weights stay as they are
            return state
        started = time.perf_counter()
        weights, optimizer, s = net.run(_weights(state), _unflatten(state), TRAIN, chunk, learning=True)
        state = dict(state, **weights, **_flatten(optimizer),
                     training_loss=np.append(state["training_loss"], s["loss"]),
                     training_error=np.append(state["training_error"], s["error"]))
        if chunk % config.validate_every == 0 and should_stop(net, state, chunk):
            state["stopped_at"] = np.array(chunk)
        state["wall_s"] = np.array(float(state["wall_s"]) + time.perf_counter() - started)
        return state

    def measure(state, chunk):
        return evaluate(net, state, chunk, final=chunk == config.iterations)

    points = sorted({0, config.iterations, *range(config.validate_every, config.iterations, config.validate_every)})
    return Trainer(initial, step, measure, config.iterations, points)


def should_stop(net: Network, state: dict, chunk: int) -> bool:
    """The original's criterion: validation error below 7%, confirmed on more batches."""
    _, _, s = net.run(_weights(state), _unflatten(state), VALIDATE, chunk, learning=False)
    if s["error"] >= STOP_BELOW:
        return False
    errors = [net.run(_weights(state), _unflatten(state), STOPPING, chunk * 1000 + k, learning=False)[2]["error"]
              for k in range(net.config.stopping_batches)]
    return float(np.mean(errors)) < STOP_BELOW


def evaluate(net: Network, state: dict, chunk: int, final: bool) -> tuple[dict, dict]:
    """Validation on one fresh batch (learning off); at the end, the test on `test_batches`."""
    _, _, s = net.run(_weights(state), _unflatten(state), VALIDATE, chunk, learning=False)
    stopped = int(state["stopped_at"])
    result = {"iteration": chunk if stopped < 0 else stopped, "wall_s": float(state["wall_s"]),
              "validation_loss": s["loss"],
              "validation_error": s["error"], "mean_rate": s["rate"]}
    if final:
        tests = [net.run(_weights(state), _unflatten(state), TEST, k, learning=False)[2]
                 for k in range(net.config.test_batches)]
        result |= {"test_error": float(np.mean([t["error"] for t in tests])),
                   "test_loss": float(np.mean([t["loss"] for t in tests]))}
    i, t = s["spikes"]
    first = t < net.config.steps * float(net.config.dt)
    arrays = {"y": s["y_first"], "spike_i": i[first], "spike_t": t[first], "training_loss": state["training_loss"],
              "training_error": state["training_error"]}
    return result, arrays


def _weights(state: dict) -> dict:
    return {k: state[k] for k in ("in", "rec", "out")}


def _flatten(optimizer: dict) -> dict:
    """Adam's state as flat arrays, for checkpoints."""
    flat = {"n_updates": np.array(optimizer["n_updates"])}
    for moment in ("m_adam", "v_adam"):
        flat |= {f"{moment}_{group}": a for group, a in optimizer[moment].items()}
    return flat


def _unflatten(state: dict) -> dict:
    return {"n_updates": float(state["n_updates"]),
            **{moment: {g: state[f"{moment}_{g}"] for g in eprop.PLASTIC} for moment in ("m_adam", "v_adam")}}


def run(config: Config, params: dict, out: Path, seed: int = 0, device: str = "standalone",
        models: dict[str, Model] | None = None, resume: bool = False, progress: bool = True,
        cache_dir=None, description: dict | None = None, figures: bool = True) -> dict:
    net = Network(config, models or load_models(), params, device, cache_dir, seed)  # fails before writing
    return run_training(NAME, net.sim, trainer(net, seed), out, seed, device, resume, progress, description,
                        summarise, plot, figures)


def summarise(history: list[dict]) -> dict:
    first, last = history[0], history[-1]
    return {
        "iterations": last["iteration"],  # updates made (fewer than configured when stopped)
        "stopped_by_criterion": last["iteration"] < last["chunk"],
        "validation_error_before": first["validation_error"],
        "validation_error_after": last["validation_error"],
        "test_error": last.get("test_error", float("nan")),
        "loss_before": first["validation_loss"],
        "loss_after": last["validation_loss"],
        "training_wall_s": last["wall_s"],
        "mean_rate_after": last["mean_rate"],
    }


def plot(history: list[dict], before: dict, after: dict, folder: Path) -> list[Path]:
    from neurosims import plots

    folder.mkdir(parents=True, exist_ok=True)
    figures = {
        "training_loss.png": plots.loss_curve(after["training_loss"], "iteration (batch)", "training loss"),
        "learning_curves.png": plots.learning_curves(
            [dict(h, time=h["iteration"]) for h in history], ["validation_loss", "validation_error", "mean_rate"],
            xlabel="iteration (batch)"),
        "raster_and_readout.png": plots.raster_and_readout(before, after, dt=1e-3),
    }
    return [plots.save(fig, folder / name) for name, fig in figures.items()]
