"""Classification tasks learned with e-prop (softmax readouts, cross-entropy in a response
window, Adam on batches of trials): one network, training with the original's stopping
criterion, validation and test on fresh trials. Used by the evidence-accumulation and
delayed-memory experiments, which supply the trials and the configuration.

A task provides its name, a Config (with n_inputs, n_lif, n_adaptive, dt, steps,
window_steps, batch, iterations, validate_every, stopping_batches, test_batches,
alignment_trials),
`trials(rng, config, count) -> (x[trial, q, input], target[trial, q, 2], labels[trial],
conditions[trial])` and the names of its conditions (the readout's mean output per condition
is drawn); the response window is the last `window_steps` steps of a trial.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Callable

import numpy as np

from neurosims import eprop
from neurosims.models import Model
from neurosims.simulation import open_simulator
from neurosims.training import Trainer, run_seed, run_training

TRAIN, VALIDATE, TEST, INIT, STOPPING, ALIGNMENT = range(6)  # random streams
STOP_BELOW = 0.07  # the original's stopping criterion (Bellec et al. 2020, evidence accumulation)


def shape(config, record_spikes: bool = True) -> eprop.Shape:
    return eprop.Shape(n_in=config.n_inputs, n_rec=config.n_lif + config.n_adaptive, n_out=2,
                       sequence_steps=config.steps, sequences=config.batch, batch=config.batch,
                       dt=float(config.dt), classifier=True, record_spikes=record_spikes)


def initial_weights(rng: np.random.Generator, n_in: int, n: int) -> tuple[dict, np.ndarray]:
    """NEST's evidence-accumulation example: W_in randn/sqrt(n_in), W_rec randn/sqrt(n) (no
    autapses), W_out Glorot-uniform, random feedback B randn."""
    rec = rng.standard_normal((n, n)) / np.sqrt(n)
    np.fill_diagonal(rec, 0.0)
    limit = np.sqrt(3.0 / max(1.0, (n + 2) / 2.0))
    weights = {"in": rng.standard_normal((n, n_in)) / np.sqrt(n_in), "rec": rec,
               "out": rng.uniform(-limit, limit, (2, n))}
    return weights, rng.standard_normal((n, 2))


def response_window(config) -> np.ndarray:
    """1 in the last `window_steps` steps of a trial, where the loss counts, 0 before."""
    return (np.arange(config.steps) >= config.steps - config.window_steps).astype(float)


def adaptive_flags(config) -> np.ndarray:
    """1 for the ALIF neurons (the last n_adaptive), 0 for the LIF ones."""
    return (np.arange(config.n_lif + config.n_adaptive) >= config.n_lif).astype(float)


class Network:
    """The compiled network of a task and its trials."""

    def __init__(self, name: str, trials: Callable, conditions: tuple[str, ...], config, models: dict[str, Model],
                 params: dict, device: str, cache_dir=None, seed: int = 0):
        self.trials = trials
        self.conditions = conditions
        self.config = config
        self.params = params
        self.shape = shape(config)
        self.net = eprop.Network(self.shape, models, open_simulator(
            eprop.blueprint(name, self.shape, models), device, cache_dir))
        self.sim = self.net.sim
        self.seed = seed
        self.weights, self.feedback = initial_weights(np.random.default_rng([seed, INIT]), config.n_inputs,
                                                      self.shape.n_rec)
        self.adaptive = adaptive_flags(config)
        self.window = response_window(config)

    def run(self, weights: dict, optimizer: dict, stream: int, index: int, learning: bool):
        """One batch of fresh trials from (stream, index). Returns (weights, optimizer, scores)."""
        x, target, labels, conditions = self.trials(np.random.default_rng([self.seed, stream, index]),
                                                    self.config, self.config.batch)
        weights, optimizer, rec = self.net.run(weights, optimizer, self.feedback, self.adaptive, self.params, x,
                                               target, self.window, run_seed(self.seed, stream, index), learning,
                                               average_over_window=True)
        result = scores(rec, target, labels, self.window, self.config)
        pi = probabilities(rec["y"])
        result["p_conditions"] = np.stack([pi[conditions == c, :, 1].mean(axis=0) if np.any(conditions == c)
                                           else np.full(pi.shape[1], np.nan) for c in range(len(self.conditions))])
        return weights, optimizer, result


def probabilities(y: np.ndarray) -> np.ndarray:
    """The readouts' softmax over the last axis."""
    return np.exp(y) / np.exp(y).sum(axis=-1, keepdims=True)


def scores(rec: dict, target: np.ndarray, labels: np.ndarray, window: np.ndarray, config) -> dict:
    inside = window > 0.5
    pi = probabilities(rec["y"])
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
        return evaluate(net, state, chunk, final=chunk == config.iterations or stopped(state))

    points = sorted({0, config.iterations, *range(config.validate_every, config.iterations, config.validate_every)})
    return Trainer(initial, step, measure, config.iterations, points, finished=stopped)


def stopped(state: dict) -> bool:
    return int(state["stopped_at"]) >= 0


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
    result = {"iteration": chunk, "stopped": stopped(state), "wall_s": float(state["wall_s"]),
              "validation_loss": s["loss"],
              "validation_error": s["error"], "mean_rate": s["rate"]}
    if final:
        tests = [net.run(_weights(state), _unflatten(state), TEST, k, learning=False)[2]
                 for k in range(net.config.test_batches)]
        result |= {"test_error": float(np.mean([t["error"] for t in tests])),
                   "test_loss": float(np.mean([t["loss"] for t in tests]))}
    if net.config.alignment_trials:
        result |= {f"alignment_{k}": v for k, v in gradient_alignment(net, _weights(state), chunk).items()}
    i, t = s["spikes"]
    first = t < net.config.steps * float(net.config.dt)
    arrays = {"y": s["y_first"], "spike_i": i[first], "spike_t": t[first], "training_loss": state["training_loss"],
              "training_error": state["training_error"], "p_conditions": s["p_conditions"]}
    return result, arrays


def replay(name: str, config, models: dict[str, Model], params: dict, weights: dict, x: np.ndarray,
           record_state: tuple[str, ...] = ("v", "a"), device: str = "runtime", cache_dir=None, seed: int = 0) -> dict:
    """Weights run on the trials x[trial, q, input] with learning off, in one run of a network
    of their own that also records `record_state` of every neuron at every step. Returns the
    recording of eprop.Network.run: y, spikes (i, t from the run's start) and the variables."""
    replay_shape = dataclasses.replace(shape(config), sequences=len(x), batch=len(x), record_state=tuple(record_state))
    net = eprop.Network(replay_shape, models, open_simulator(eprop.blueprint(f"{name}-replay", replay_shape, models),
                                                             device, cache_dir))
    window = response_window(config)
    _, _, recording = net.run(weights, net.initial_optimizer_state(), np.zeros((replay_shape.n_rec, 2)),
                              adaptive_flags(config), params, x, np.zeros((len(x), config.steps, 2)), window, seed,
                              learning=False)
    return recording


def gradient_alignment(net: Network, weights: dict, index: int) -> dict:
    """Cosine similarity between e-prop's gradient and the exact one (BPTT on the same LIF/ALIF
    network with the same pseudo-derivative, neurosims/bptt.py), summed over
    `alignment_trials` fresh trials, per weight matrix and over all, and the ratio of their
    norms (BPTT's over e-prop's: BPTT's gradient can explode through the recurrent weights
    over a long trial); the rate regularisation is left out of both."""
    from neurosims import bptt

    config = net.config
    x, target, _, _ = net.trials(np.random.default_rng([net.seed, ALIGNMENT, index]), config,
                                 config.alignment_trials)
    p = eprop.plain_numbers(net.params, config.dt)
    feedback = net.feedback if net.net.random_feedback else weights["out"].T
    exact = {k: np.zeros_like(w) for k, w in weights.items()}
    approx = {k: np.zeros_like(w) for k, w in weights.items()}
    for trial in range(len(x)):
        trajectory = bptt.forward(weights, net.adaptive, p, x[trial])
        for total, (_, g) in ((exact, bptt.gradient(weights, net.adaptive, p, x[trial], target[trial], net.window,
                                                     classifier=True, trajectory=trajectory)),
                              (approx, bptt.eprop_gradient(weights, feedback, net.adaptive, p, x[trial],
                                                           target[trial], net.window, classifier=True,
                                                           trajectory=trajectory))):
            for k in total:
                total[k] += g[k]
    norm = lambda g: np.sqrt(sum(float(np.sum(v ** 2)) for v in g.values()))  # noqa: E731
    return bptt.cosine(approx, exact) | {"norm_ratio": norm(exact) / max(norm(approx), 1e-300)}


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


def run(name: str, trials: Callable, conditions: tuple[str, ...], config, params: dict, out: Path, seed: int,
        device: str, models: dict[str, Model], resume: bool, progress: bool, cache_dir, description: dict | None,
        figures: bool) -> dict:
    net = Network(name, trials, conditions, config, models, params, device, cache_dir, seed)  # fails before writing

    def draw(history, before, after, folder):
        return plot(history, before, after, folder, conditions, config)

    return run_training(name, net.sim, trainer(net, seed), out, seed, device, resume, progress, description,
                        summarise, draw, figures)


def summarise(history: list[dict]) -> dict:
    first, last = history[0], history[-1]
    return {
        "iterations": last["iteration"],  # updates made (fewer than configured when stopped)
        "stopped_by_criterion": last["stopped"],
        "validation_error_before": first["validation_error"],
        "validation_error_after": last["validation_error"],
        "test_error": last.get("test_error", float("nan")),
        "loss_before": first["validation_loss"],
        "loss_after": last["validation_loss"],
        "training_wall_s": last["wall_s"],
        "mean_rate_after": last["mean_rate"],
    }


def plot(history: list[dict], before: dict, after: dict, folder: Path, conditions: tuple[str, ...],
         config) -> list[Path]:
    from neurosims import plots

    folder.mkdir(parents=True, exist_ok=True)
    figures = {
        "training_loss.png": plots.loss_curve(after["training_loss"], "iteration (batch)", "training loss"),
        "learning_curves.png": plots.learning_curves(
            [dict(h, time=h["iteration"]) for h in history], ["validation_loss", "validation_error", "mean_rate"],
            xlabel="iteration (batch)"),
        "raster_and_readout.png": plots.raster_and_readout(before, after, dt=float(config.dt)),
        "output_by_condition.png": plots.output_by_condition(
            before["p_conditions"], after["p_conditions"], conditions, float(config.dt),
            config.steps - config.window_steps, "probability of class 1"),
    }
    if "alignment_all" in history[0]:
        figures["gradient_alignment.png"] = plots.gradient_alignment(history, ["in", "rec", "out", "all"],
                                                                     ratio="alignment_norm_ratio")
    return [plots.save(fig, folder / name) for name, fig in figures.items()]
