"""Classification tasks learned with e-prop (softmax readouts, cross-entropy in a response
window, Adam on batches of trials): one network, training with the original's stopping
criterion, validation and test on fresh trials, and e-prop's gradient (the one the compiled
network accumulates) compared with the exact one (BPTT). The evidence-accumulation and
delayed-memory experiments subclass `EpropClassification` with their trials and protocol.

A task provides a Config (with n_inputs, n_lif, n_adaptive, dt, steps, window_steps, batch,
iterations, validate_every, stopping_batches, test_batches, alignment_trials),
`trials(rng, config, count) -> (x[trial, q, input], target[trial, q, 2], labels[trial],
conditions[trial])` and the names of its conditions (the readout's mean output per condition
is drawn); the response window is the last `window_steps` steps of a trial.
"""

from __future__ import annotations

import time

import numpy as np

from neurosims import plots
from neurosims.experiment import Schedule
from neurosims.methods.eprop import bptt
from neurosims.methods.eprop import network as eprop
from neurosims.models import Model
from neurosims.training import run_seed

TRAIN, VALIDATE, TEST, INIT, STOPPING, ALIGNMENT = range(6)  # random streams
STOP_BELOW = 0.07  # the original's stopping criterion (Bellec et al. 2020, evidence accumulation)


def shape(config, params: dict, trials: int | None = None, **recording) -> eprop.Shape:
    """The network of a batch of trials (or of `trials` trials, updated once)."""
    count = trials or config.batch
    return eprop.Shape(n_in=config.n_inputs, n_rec=config.n_lif + config.n_adaptive, n_out=classes(config),
                       sequence_steps=config.steps, sequences=count, batch=count, dt=float(config.dt),
                       classifier=True, window_steps=eprop.event_window(params, float(config.dt)),
                       recurrent=getattr(config, "recurrent", True), **recording)


def classes(config) -> int:
    """The readouts: one per class (two unless the task's Config says otherwise)."""
    return getattr(config, "n_classes", 2)


def initial_weights(rng: np.random.Generator, n_in: int, n: int, n_out: int = 2) -> tuple[dict, np.ndarray]:
    """NEST's evidence-accumulation example: W_in randn/sqrt(n_in), W_rec randn/sqrt(n) (no
    autapses), W_out Glorot-uniform, random feedback B randn."""
    rec = rng.standard_normal((n, n)) / np.sqrt(n)
    np.fill_diagonal(rec, 0.0)
    limit = np.sqrt(3.0 / max(1.0, (n + n_out) / 2.0))
    weights = {"in": rng.standard_normal((n, n_in)) / np.sqrt(n_in), "rec": rec,
               "out": rng.uniform(-limit, limit, (n_out, n))}
    return weights, rng.standard_normal((n, n_out))


def response_window(config) -> np.ndarray:
    """1 in the last `window_steps` steps of a trial, where the loss counts, 0 before."""
    return (np.arange(config.steps) >= config.steps - config.window_steps).astype(float)


def adaptive_flags(config) -> np.ndarray:
    """1 for the ALIF neurons (the last n_adaptive), 0 for the LIF ones."""
    return (np.arange(config.n_lif + config.n_adaptive) >= config.n_lif).astype(float)


class Network:
    """The compiled network of a task, the trials the seed draws, and (with alignment trials)
    a network of its own for the gradient checks."""

    def __init__(self, experiment, config, models: dict[str, Model], params: dict, sim, seed: int):
        self.experiment = experiment
        self.trials, self.conditions, self.name = experiment.trials, experiment.conditions, experiment.name
        self.config, self.params, self.models, self.sim, self.seed = config, params, models, sim, seed
        self.net = eprop.Network(shape(config, params), models, sim)
        self.weights, self.feedback = initial_weights(np.random.default_rng([seed, INIT]), config.n_inputs,
                                                      self.net.shape.n_rec, self.net.shape.n_out)
        if not self.net.shape.recurrent:
            self.weights["rec"][:] = 0.0
        self.adaptive = adaptive_flags(config)
        self.window = response_window(config)
        self._aligner = None  # the network of the gradient checks, opened at the first

    def run(self, weights: dict, optimizer: dict, stream: int, index: int, learning: bool):
        """One batch of fresh trials from (stream, index). Returns (weights, optimizer, scores)."""
        x, target, labels, conditions = self.trials(np.random.default_rng([self.seed, stream, index]),
                                                    self.config, self.config.batch, stream)
        weights, optimizer, rec = self.net.run(weights, optimizer, self.feedback, self.adaptive, self.params, x,
                                               target, self.window, run_seed(self.seed, stream, index), learning,
                                               average_over_window=True)
        result = scores(rec, target, labels, self.window, self.config)
        pi = probabilities(rec["y"])
        result["p_conditions"] = np.stack([pi[conditions == c, :, 1].mean(axis=0) if np.any(conditions == c)
                                           else np.full(pi.shape[1], np.nan) for c in range(len(self.conditions))])
        return weights, optimizer, result

    def side_network(self, trials: int, **recording) -> eprop.Network:
        """A network of its own for `trials` trials per run, on this one's device and build
        cache (a build of its own, compiled once)."""
        from neurosims.simulators import open_beside

        side = shape(self.config, self.params, trials, **recording)
        return eprop.Network(side, self.models, open_beside(self.sim, eprop.blueprint(
            f"{self.name}-{trials}-trials", side, self.models)))


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


WEIGHTS = ("in", "rec", "out")


ALIGNMENT_SUMMARY = ("alignment_all_before", "alignment_all_after", "brian2_vs_rule_max", "brian2_vs_exact_max")


class EpropClassification(eprop.EpropExperiment):
    """Training on fresh batches with Adam, stopped by the original's criterion (below 7%
    validation error, confirmed on `stopping_batches` more batches); the test error on
    `test_batches` fresh batches at the end. A subclass gives Config, presets, `trials` and
    `conditions`."""

    summary_keys = ("iterations", "stopped_by_criterion", "validation_error_before",
                    "validation_error_after", "test_error", "loss_before", "loss_after", "training_wall_s",
                    "mean_rate_after", *ALIGNMENT_SUMMARY)
    classifier = True
    rule = "eprop_event_driven"  # the eprop rule with work per presynaptic spike (LIF and ALIF)
    conditions: tuple[str, ...]
    export_refusal = ("its training stops at a criterion measured on validation batches during training, "
                      "which a fixed plan of compiled runs cannot follow")

    def trials(self, rng: np.random.Generator, config, count: int, stream: int = TRAIN):
        """Trials from `stream` (TRAIN, VALIDATE, TEST, STOPPING or ALIGNMENT: a task with a
        fixed data set draws held-out samples for VALIDATE and TEST)."""
        raise NotImplementedError

    def rule_gradient(self, W, feedback, adaptive, p, x, target, window, trajectory) -> dict:
        """The rule's gradient of one trial in NumPy, for the check of the compiled network's."""
        return bptt.eprop_gradient(W, feedback, adaptive, p, x, target, window, classifier=True,
                                   trajectory=trajectory)[1]

    def exact_gradient(self, W, adaptive, p, x, target, window, trajectory) -> dict:
        """The gradient the rule approximates (BPTT with the same pseudo-derivative)."""
        return bptt.gradient(W, adaptive, p, x, target, window, classifier=True, trajectory=trajectory)[1]

    def blueprint(self, config, models, params):
        return eprop.blueprint(self.name, shape(config, params), models)

    def network(self, config, models, params, simulator, seed):
        return Network(self, config, models, params, simulator, seed)

    def initial_state(self, net):
        return dict(net.weights, **_flatten(net.net.initial_optimizer_state()), training_loss=np.zeros(0),
                    training_error=np.zeros(0), wall_s=np.array(0.0), stopped_at=np.array(-1))

    def train(self, net, state, chunk):
        started = time.perf_counter()
        weights, optimizer, s = net.run(_weights(state), _unflatten(state), TRAIN, chunk, learning=True)
        state = dict(state, **weights, **_flatten(optimizer),
                     training_loss=np.append(state["training_loss"], s["loss"]),
                     training_error=np.append(state["training_error"], s["error"]))
        if chunk % net.config.validate_every == 0 and should_stop(net, state, chunk):
            state["stopped_at"] = np.array(chunk)
        state["wall_s"] = np.array(float(state["wall_s"]) + time.perf_counter() - started)
        return state

    def finished(self, net, state):
        return stopped(state)

    def schedule(self, config):
        iterations, every = config.iterations, config.validate_every
        return Schedule(iterations, sorted({0, iterations, *range(every, iterations, every)}),
                        config.batch * config.steps * float(config.dt))

    def evaluate(self, net, state, chunk):
        return evaluate(net, state, chunk, final=chunk == net.config.iterations or stopped(state))

    def summarise(self, history):
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
        } | alignment_summary(history)

    def figures(self, config, history, before, after):
        dt = float(config.dt)
        figures = {
            "training_loss.png": plots.loss_curve(after["training_loss"], "iteration (batch)", "training loss"),
            "learning_curves.png": plots.learning_curves(
                [dict(h, time=h["iteration"]) for h in history], ["validation_loss", "validation_error", "mean_rate"],
                xlabel="iteration (batch)"),
            "raster_and_readout.png": raster_and_readout(before, after, dt),
            "output_by_condition.png": plots.output_by_condition(
                before["p_conditions"], after["p_conditions"], self.conditions, dt,
                config.steps - config.window_steps, "probability of class 1"),
        }
        if "alignment_all" in history[0]:
            figures["gradient_alignment.png"] = gradient_alignment_figure(history)
        return figures


def alignment_summary(history: list[dict]) -> dict:
    """The cosine of the compiled network's gradient to the exact one before and after training,
    and the largest differences, over the measurements, from the same rule in NumPy and from
    the exact gradient (relative to the largest entry); NaN where alignment_trials is 0."""
    if "alignment_all" not in history[-1]:
        return dict.fromkeys(ALIGNMENT_SUMMARY, float("nan"))
    return {"alignment_all_before": history[0]["alignment_all"], "alignment_all_after": history[-1]["alignment_all"],
            "brian2_vs_rule_max": max(h["alignment_brian2_vs_numpy_eprop"] for h in history),
            "brian2_vs_exact_max": max(h["alignment_brian2_vs_exact"] for h in history)}


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


def replay(net: Network, weights: dict, x: np.ndarray, record_state: tuple[str, ...] = ("v", "a")) -> dict:
    """Weights run on the trials x[trial, q, input] with learning off, in one run of a network
    of their own that also records `record_state` of every neuron at every step. Returns the
    recording of eprop.Network.run: y, spikes (i, t from the run's start) and the variables."""
    config = net.config
    side = net.side_network(len(x), record_state=tuple(record_state))
    _, _, recording = side.run(weights, side.initial_optimizer_state(), net.feedback, net.adaptive, net.params, x,
                               np.zeros((len(x), config.steps, classes(config))), net.window, net.seed,
                               learning=False)
    return recording


def gradient_alignment(net: Network, weights: dict, index: int) -> dict:
    """Cosine similarity between e-prop's gradient as the compiled network accumulates it (a
    run of `alignment_trials` fresh trials with learning off) and the exact gradient of the
    same network on the same trials (BPTT with the same pseudo-derivative, bptt.py), per
    weight matrix and over all; the ratio of their norms (BPTT's over e-prop's: BPTT's can
    explode through the recurrent weights over a long trial); and the largest difference
    between the network's gradient and the same rule in NumPy (bptt.eprop_gradient),
    relative to the largest entry. The rate regularisation is left out (c_reg = 0)."""
    config = net.config
    if net._aligner is None:
        net._aligner = net.side_network(config.alignment_trials, record_spikes=False, record_gradient=True)
    x, target, _, _ = net.trials(np.random.default_rng([net.seed, ALIGNMENT, index]), config,
                                 config.alignment_trials, ALIGNMENT)
    params = dict(net.params, c_reg=0.0)
    _, _, recording = net._aligner.run(weights, net._aligner.initial_optimizer_state(), net.feedback, net.adaptive,
                                       params, x, target, net.window, net.seed, learning=False)
    brian2_eprop = recording["gradient"]
    p = eprop.plain_numbers(params, config.dt)
    feedback = net.feedback if net.net.random_feedback else weights["out"].T
    exact = {k: np.zeros_like(w) for k, w in weights.items()}
    numpy_eprop = {k: np.zeros_like(w) for k, w in weights.items()}
    for trial in range(len(x)):
        trajectory = bptt.forward(weights, net.adaptive, p, x[trial])
        for total, g in ((exact, net.experiment.exact_gradient(weights, net.adaptive, p, x[trial], target[trial],
                                                                net.window, trajectory)),
                         (numpy_eprop, net.experiment.rule_gradient(weights, feedback, net.adaptive, p, x[trial],
                                                                    target[trial], net.window, trajectory))):
            for k in total:
                total[k] += g[k]
    learned = [k for k in WEIGHTS if np.any(weights[k])]  # (a feedforward layer's W_rec is 0, not learned)
    norm = lambda g: np.sqrt(sum(float(np.sum(g[k] ** 2)) for k in learned))  # noqa: E731
    deviation = max(float(np.max(np.abs(brian2_eprop[k] - numpy_eprop[k])))
                    / max(float(np.max(np.abs(numpy_eprop[k]))), 1e-300) for k in learned)
    from_exact = max(float(np.max(np.abs(brian2_eprop[k] - exact[k]))) / max(float(np.max(np.abs(exact[k]))), 1e-300)
                     for k in learned)
    return bptt.cosine(brian2_eprop, exact, tuple(learned)) | {
        "norm_ratio": norm(exact) / max(norm(brian2_eprop), 1e-300), "brian2_vs_numpy_eprop": deviation,
        "brian2_vs_exact": from_exact}


def _weights(state: dict) -> dict:
    return {k: state[k] for k in WEIGHTS}


def _flatten(optimizer: dict) -> dict:
    """Adam's state as flat arrays, for checkpoints."""
    flat = {"n_updates": np.array(optimizer["n_updates"])}
    for moment in ("m_adam", "v_adam"):
        flat |= {f"{moment}_{group}": a for group, a in optimizer[moment].items()}
    return flat


def _unflatten(state: dict) -> dict:
    return {"n_updates": float(state["n_updates"]),
            **{moment: {g: state[f"{moment}_{g}"] for g in eprop.PLASTIC} for moment in ("m_adam", "v_adam")}}


def raster_and_readout(before: dict, after: dict, dt: float):
    """Raster and the readouts' class probabilities of one trial, before and after learning."""
    def draw(ax, data, label):
        pi = probabilities(data["y"])
        t = np.arange(len(pi)) * dt
        for k in range(pi.shape[1]):
            ax.plot(t, pi[:, k], lw=1, label=f"class {k}")
        ax.set_ylim(0, 1)
        ax.set_title(f"readout probabilities, {label}")

    return plots.before_after(before, after, draw)


def gradient_alignment_figure(history: list[dict]):
    """Cosine similarity between e-prop's gradient and BPTT's during training, one line per
    weight matrix, and the ratio of their norms on a log scale."""
    fig, axes = plots.plt.subplots(1, 2, figsize=(10, 3.5))
    x = [h["iteration"] for h in history]
    for name in [k for k in (*WEIGHTS, "all") if f"alignment_{k}" in history[0]]:
        axes[0].plot(x, [h[f"alignment_{name}"] for h in history], "o-", ms=3, label=name)
    axes[0].axhline(0, color="0.6", lw=0.8)
    axes[0].set_ylim(-1.05, 1.05)
    axes[0].set_xlabel("iteration")
    axes[0].set_ylabel("cosine(e-prop in Brian2, BPTT)")
    axes[0].legend(fontsize=8)
    axes[1].semilogy(x, [h["alignment_norm_ratio"] for h in history], "o-", ms=3, color="k")
    axes[1].set_xlabel("iteration")
    axes[1].set_ylabel("|BPTT gradient| / |e-prop gradient|")
    fig.tight_layout()
    return fig
