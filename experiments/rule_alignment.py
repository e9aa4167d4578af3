"""The RTRL family on one network: every online rule's gradient against exact RTRL, and the loss
each reaches when it trains the network.

Zenke F, Neftci EO (2021). Brain-inspired learning on neuromorphic substrates. Proc IEEE 109(5)
(arXiv:2010.11931): e-prop, OSTL, RFLO, SuperSpike and DECOLLE are sparse approximations of
real-time recurrent learning. Here they are computed on the same recurrent network of LIF and
ALIF neurons (e-prop's, NEST's discrete time; half the neurons adaptive), the same weights and
the same trials, and set against exact RTRL with the same pseudo-derivative
(neurosims/methods/rtrl/rules.py says what each rule keeps of RTRL's terms).

Task: pattern generation in the manner of Bellec et al. (2020, Fig. 2): `patterns` frozen
Poisson inputs, each with its own target for each of the readouts (a sine of one or two
periods per trial with a random phase); loss 0.5 sum_q |y[q] - y*[q]|^2 per trial. One
iteration is every pattern once and one Adam step of every rule on its own copy of the
network, from the same initial weights (NEST's e-prop initialisation, W_in, W_rec ~
randn/sqrt(n)).

Measured (log-spaced over training, and before): for every rule, the cosine similarity of its
gradient to exact RTRL's and their norm ratio, per weight matrix (input, recurrent, output)
and over the recurrent layer (input and recurrent together), at the rule's own weights (before
training, all rules share them); its loss; its state per synapse and multiply-adds per step
(counted from its update equations). The gradients of the e-prop rules and of RFLO are the
compiled network's (plasticity/eprop for ALIF neurons with symmetric or random feedback,
eprop_nonadaptive for the LIF form, rflo_spiking with random feedback), accumulated in
generated code with learning off; beside them the NumPy form of the same rule, and the largest
difference between the two. The other rules' gradients are NumPy's: their compiled networks
(superspike, decolle, ostl's feedforward layer) run other neurons or no recurrent synapses,
and this comparison needs one network. The predicted ordering (rules that keep more of RTRL's terms
align better) is checked pair by pair on the shared initial weights.

Models (equations/): spike_pattern, eprop_iaf (neurons), eprop_readout, weighted_spike,
eprop, eprop_nonadaptive and rflo_spiking (rules), eprop_readout_weights, gradient_descent (unused: learning
is off in the compiled runs), learning_signal_feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms

from neurosims import plots
from neurosims.config import Preset, quantity
from neurosims.errors import NeurosimsError
from neurosims.experiment import Schedule
from neurosims.methods.eprop import bptt
from neurosims.methods.eprop import network as eprop
from neurosims.methods.rtrl import rules
from neurosims.models import combine, load_roles
from neurosims.training import log_spaced_chunks

WEIGHTS = ("in", "rec", "out")
# what is measured against exact RTRL: per matrix, and over the layer's input and recurrent weights
MEASURES = (*(f"cos_{k}" for k in WEIGHTS), *(f"norm_{k}" for k in WEIGHTS), "cos_layer", "norm_layer")
COMPILED = {"eprop-alif": "alif", "eprop-random": "alif", "eprop-lif": "lif", "rflo": "rflo"}  # rule -> compiled network
RANDOM_FEEDBACK = ("eprop-random", "rflo")  # the rules whose learning signal comes through B
# pairs (better, worse) the review's argument predicts on the recurrent layer's cosine: more of
# RTRL's terms kept, a closer gradient
PREDICTED = (("ostl", "eprop-alif"),  # OSTL keeps the paths through the recurrent weights
             ("eprop-alif", "eprop-lif"),  # the adaptation's sensitivity
             ("eprop-lif", "superspike"),  # the readout's own kernel
             ("eprop-lif", "rflo"),  # the readout's kernel and symmetric feedback
             ("eprop-alif", "eprop-random"),  # symmetric feedback
             ("superspike", "decolle"))  # the network's error instead of a local readout's
ADAM = (0.9, 0.999, 1e-8)  # beta_1, beta_2, epsilon (Kingma & Ba 2015)


@dataclass(frozen=True)
class Config:
    n_inputs: int = 20
    n_lif: int = 10
    n_adaptive: int = 10
    n_readouts: int = 2
    patterns: int = 4  # frozen input patterns, each with its targets: the trials of one iteration
    dt: Quantity = quantity(1 * ms)
    trial_steps: int = 300
    input_rate: Quantity = quantity(20 * Hz)
    iterations: int = 300
    iterations_per_chunk: int = 25
    learning_rate: float = 0.01  # Adam's, the same for every rule
    n_checkpoints: int = 4

    def __post_init__(self):
        for name in ("n_inputs", "n_readouts", "patterns", "trial_steps", "iterations", "iterations_per_chunk",
                     "n_checkpoints"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.n_lif < 1 or self.n_adaptive < 1:
            raise ValueError("n_lif and n_adaptive must be at least 1 (the comparison needs both kinds)")
        if self.iterations % self.iterations_per_chunk:
            raise ValueError(f"iterations ({self.iterations}) must be a multiple of iterations_per_chunk "
                             f"({self.iterations_per_chunk})")
        if not self.learning_rate > 0:
            raise ValueError("learning_rate must be > 0")

    @property
    def n(self) -> int:
        return self.n_lif + self.n_adaptive


PRESETS = {
    "tiny": Preset("every stage in seconds: 12 iterations of a 12-neuron network",
                   dict(n_inputs=8, n_lif=6, n_adaptive=6, patterns=2, trial_steps=100, iterations=12,
                        iterations_per_chunk=1, n_checkpoints=2)),
    "quick": Preset("the default network, 50 iterations: the alignment before and after a little training",
                    dict(iterations=50, iterations_per_chunk=25, n_checkpoints=2)),
    "default": Preset("20 neurons (10 LIF, 10 ALIF), 4 patterns, 300 iterations", dict()),
    "paper": Preset("the default: the review has no network of its own for this comparison", dict()),
}


def shape(config: Config, params: dict) -> eprop.Shape:
    """The compiled network of one gradient: every pattern once, learning off."""
    return eprop.Shape(n_in=config.n_inputs, n_rec=config.n, n_out=config.n_readouts,
                       sequence_steps=config.trial_steps, sequences=config.patterns, batch=config.patterns,
                       dt=float(config.dt), classifier=False, record_spikes=False, record_gradient=True,
                       window_steps=eprop.event_window(params, float(config.dt)))


def task(config: Config, seed: int) -> dict:
    """Initial weights (NEST's e-prop example: randn/sqrt(fan-in), no autapses), the random
    feedback B of rflo and eprop-random, DECOLLE's local readout G, inputs and targets."""
    rng = np.random.default_rng(seed)
    n, n_in, n_out = config.n, config.n_inputs, config.n_readouts
    rec = rng.standard_normal((n, n)) / np.sqrt(n)
    np.fill_diagonal(rec, 0.0)
    weights = {"in": rng.standard_normal((n, n_in)) / np.sqrt(n_in), "rec": rec,
               "out": rng.standard_normal((n_out, n)) / np.sqrt(n)}
    feedback = rng.standard_normal((n, n_out)) / np.sqrt(n)
    local = rng.standard_normal((n_out, n)) / np.sqrt(n)
    steps = config.trial_steps
    x = (rng.random((config.patterns, steps, n_in)) < float(config.input_rate * config.dt)).astype(float)
    x[:, 0] = 0.0  # input arriving in a trial's first step is dropped
    t = np.arange(steps) / steps
    target = np.stack([np.stack([np.sin(2 * np.pi * (k % 2 + 1) * t + rng.uniform(0, 2 * np.pi))
                                 for _ in range(n_out)], axis=1) for k in range(config.patterns)])
    return {"weights": weights, "B": feedback, "G": local, "x": x, "target": target}


class Network:
    """The compiled networks (e-prop's ALIF rule, its LIF form, spiking RFLO) and the task the
    seed draws."""

    def __init__(self, config: Config, models: dict, params: dict, sim, seed: int):
        from neurosims.simulators import open_beside

        self.config, self.params, self.seed = config, params, seed
        self.task = task(config, seed)
        self.adaptive = (np.arange(config.n) >= config.n_lif).astype(float)
        self.window = np.ones(config.trial_steps)
        self.p = eprop.plain_numbers(params, config.dt)
        side = shape(config, params)
        self.compiled = {"alif": eprop.Network(side, models, sim)}
        for form in ("lif", "rflo"):
            form_models = dict(models, plastic=models[f"plastic_{form}"])
            self.compiled[form] = eprop.Network(side, form_models, open_beside(
                sim, eprop.blueprint(f"rule-alignment-{form}", side, form_models)))

    def numpy_gradient(self, rule: str, weights: dict) -> tuple[float, dict]:
        """The rule's gradient (and loss) summed over the patterns, in NumPy."""
        t = self.task
        total, loss = {k: np.zeros_like(w) for k, w in weights.items()}, 0.0
        for x, target in zip(t["x"], t["target"]):
            trial_loss, g = rules.gradient(rule, weights, t["B"], t["G"], self.adaptive, self.p, x, target,
                                           self.window)
            loss += trial_loss
            for k in total:
                total[k] += g[k]
        return loss, total

    def compiled_gradient(self, rule: str, weights: dict) -> dict:
        """The gradient the compiled network's synapses accumulate over the patterns, learning
        off (symmetric feedback is B = W_out^T sent through the feedback synapses)."""
        feedback = self.task["B"] if rule in RANDOM_FEEDBACK else weights["out"].T
        net = self.compiled[COMPILED[rule]]
        _, _, recording = net.run(weights, {}, feedback, self.adaptive, dict(self.params, c_reg=0.0), self.task["x"],
                                  self.task["target"], self.window, self.seed, learning=False)
        return recording["gradient"]


def initial_state(net: Network) -> dict:
    state = {"n_updates": np.array(0.0)}
    for rule in rules.RULES:
        for k, w in net.task["weights"].items():
            state[f"{rule}.{k}"] = w.copy()
            state[f"{rule}.m_{k}"] = np.zeros_like(w)
            state[f"{rule}.v_{k}"] = np.zeros_like(w)
        state[f"{rule}.losses"] = np.full(net.config.iterations, np.nan)
    return state


def weights_of(state: dict, rule: str) -> dict:
    return {k: state[f"{rule}.{k}"] for k in WEIGHTS}


def train(net: Network, state: dict, chunk: int) -> dict:
    """`iterations_per_chunk` Adam steps of every rule on its own copy of the network."""
    state = {k: np.array(v, copy=True) for k, v in state.items()}
    beta_1, beta_2, epsilon = ADAM
    eta = net.config.learning_rate
    for _ in range(net.config.iterations_per_chunk):
        n = float(state["n_updates"]) + 1
        for rule in rules.RULES:
            loss, grads = net.numpy_gradient(rule, weights_of(state, rule))
            state[f"{rule}.losses"][int(n) - 1] = loss / net.config.patterns
            rate = eta * np.sqrt(1 - beta_2 ** n) / (1 - beta_1 ** n)
            for k in WEIGHTS:
                m = state[f"{rule}.m_{k}"] = beta_1 * state[f"{rule}.m_{k}"] + (1 - beta_1) * grads[k]
                v = state[f"{rule}.v_{k}"] = beta_2 * state[f"{rule}.v_{k}"] + (1 - beta_2) * grads[k] ** 2
                state[f"{rule}.{k}"] = state[f"{rule}.{k}"] - rate * m / (np.sqrt(v) + epsilon)
            np.fill_diagonal(state[f"{rule}.rec"], 0.0)
        state["n_updates"] = np.array(n)
    return state


def alignment(net: Network, rule: str, weights: dict) -> dict:
    """The rule's gradient against exact RTRL's at `weights`: cosine and norm ratio per matrix
    and over the layer (in and rec), the loss per trial; for the compiled rules the largest
    difference between the compiled gradient and the same rule in NumPy, relative to its
    largest entry."""
    loss, reference = net.numpy_gradient("rtrl", weights)
    _, numpy_form = net.numpy_gradient(rule, weights)
    result = {"loss": loss / net.config.patterns}
    grads = numpy_form
    if rule in COMPILED:
        grads = net.compiled_gradient(rule, weights)
        result["brian2_vs_numpy"] = max(float(np.max(np.abs(grads[k] - numpy_form[k])))
                                        / max(float(np.max(np.abs(numpy_form[k]))), 1e-300) for k in WEIGHTS)
    cosine, norm = bptt.cosine(grads, reference), rules.relative_norm(grads, reference)
    layer = ("in", "rec")
    result |= {f"cos_{k}": cosine[k] for k in WEIGHTS} | {f"norm_{k}": norm[k] for k in WEIGHTS}
    result |= {"cos_layer": bptt.cosine(grads, reference, layer)["all"],
               "norm_layer": rules.relative_norm(grads, reference, layer)["all"]}
    return result


def evaluate(net: Network, state: dict, chunk: int) -> tuple[dict, dict]:
    measured = {rule: alignment(net, rule, weights_of(state, rule)) for rule in rules.RULES}
    result = {"iteration": chunk * net.config.iterations_per_chunk}
    result |= {f"{rule}_cos_layer": m["cos_layer"] for rule, m in measured.items()}  # first: the progress line
    result |= {f"{rule}_{k}": v for rule, m in measured.items() for k, v in m.items()}
    return result, {f"{rule}_losses": state[f"{rule}.losses"] for rule in rules.RULES}


def costs(config: Config) -> dict:
    """State per synapse and multiply-adds per step of the whole network's plastic synapses,
    for every rule (rules.COSTS)."""
    synapses = config.n * (config.n_inputs + config.n - 1)
    return {rule: (state(config.n, config.n_readouts), ops(config.n, config.n_readouts) * synapses)
            for rule, (state, ops) in rules.COSTS.items()}


class RuleAlignment(eprop.EpropExperiment):
    """One chunk = `iterations_per_chunk` iterations of every rule (NumPy Adam on each rule's
    gradient); the alignment is measured at the log-spaced chunks."""

    name = "rule-alignment"
    Config = Config
    presets = PRESETS
    classifier = False
    export_refusal = ("the rules train in NumPy and every measurement sets them against exact RTRL in NumPy; "
                      "the compiled networks only accumulate the e-prop rules' and RFLO's gradients")
    summary_keys = ("iterations", "predicted_pairs_holding", "predicted_pairs", "compiled_vs_numpy",
                    *(f"pair_{a}_over_{b}" for a, b in PREDICTED),
                    *(f"{rule}_{k}_{when}" for rule in rules.RULES for k in (*MEASURES, "loss")
                      for when in ("before", "after")),
                    *(f"{rule}_{k}" for rule in rules.RULES for k in ("state_per_synapse", "ops_per_step")))

    @property
    def roles(self) -> dict[str, str]:
        return dict(super().roles, rule="eprop", lif_rule="eprop_nonadaptive", rflo_rule="rflo_spiking")

    def load_roles(self, overrides=None):
        if "feedback" in (overrides or {}):
            raise NeurosimsError("rule-alignment runs both symmetric and random feedback; the feedback role "
                                 "cannot be replaced")
        return load_roles(self.roles, overrides, self.label)

    def compose(self, loaded):
        models = super().compose(loaded)
        for form in ("lif", "rflo"):
            models[f"plastic_{form}"] = combine(combine(loaded["synapse"], loaded[f"{form}_rule"]), loaded["optimizer"])
        return models

    def blueprint(self, config, models, params):
        return eprop.blueprint(self.name, shape(config, params), models)

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        return initial_state(net)

    def train(self, net, state, chunk):
        return train(net, state, chunk)

    def schedule(self, config):
        total = config.iterations // config.iterations_per_chunk
        return Schedule(total, log_spaced_chunks(total, config.n_checkpoints),
                        config.iterations_per_chunk * config.patterns * config.trial_steps * float(config.dt))

    def evaluate(self, net, state, chunk):
        result, arrays = evaluate(net, state, chunk)
        for rule, (state_per_synapse, ops) in costs(net.config).items():
            result |= {f"{rule}_state_per_synapse": state_per_synapse, f"{rule}_ops_per_step": ops}
        return result, arrays

    def summarise(self, history):
        first, last = history[0], history[-1]
        summary = {"iterations": last["iteration"]}
        for rule in rules.RULES:
            for k in (*MEASURES, "loss"):
                summary[f"{rule}_{k}_before"] = first[f"{rule}_{k}"]
                summary[f"{rule}_{k}_after"] = last[f"{rule}_{k}"]
            for k in ("state_per_synapse", "ops_per_step"):
                summary[f"{rule}_{k}"] = last[f"{rule}_{k}"]
        holds = {f"pair_{a}_over_{b}": bool(first[f"{a}_cos_layer"] > first[f"{b}_cos_layer"]) for a, b in PREDICTED}
        summary |= holds
        summary["predicted_pairs"] = len(PREDICTED)
        summary["predicted_pairs_holding"] = sum(holds.values())
        summary["compiled_vs_numpy"] = max(h[f"{rule}_brian2_vs_numpy"] for h in history for rule in COMPILED)
        return summary

    def figures(self, config, history, before, after):
        return {"alignment.png": alignment_figure(history, after, config), "per_matrix.png": per_matrix_figure(history)}


def alignment_figure(history: list[dict], after: dict, config: Config):
    """Per rule: the recurrent layer's cosine to exact RTRL and the norm ratio, before and after
    training; each rule's training loss; cosine against state per synapse."""
    first, last = history[0], history[-1]
    names = list(rules.RULES)
    fig, axes = plots.plt.subplots(1, 4, figsize=(17, 4))
    x = np.arange(len(names))
    for offset, h, label in ((-0.2, first, "before training"), (0.2, last, f"after {last['iteration']} iterations")):
        axes[0].bar(x + offset, [h[f"{r}_cos_layer"] for r in names], 0.4, label=label)
        axes[1].bar(x + offset, [h[f"{r}_norm_layer"] for r in names], 0.4, label=label)
    for ax, ylabel in ((axes[0], "cosine to exact RTRL (W_in, W_rec)"), (axes[1], "|rule| / |RTRL| (W_in, W_rec)")):
        ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
        ax.set_ylabel(ylabel)
        ax.axhline(0 if ax is axes[0] else 1, color="0.5", lw=0.8)
    axes[0].set_ylim(-1.05, 1.05)
    axes[0].legend(fontsize=7)
    axes[1].set_yscale("log")
    for r in names:
        axes[2].plot(np.arange(1, config.iterations + 1), after[f"{r}_losses"], lw=1, label=r)
    axes[2].set_xlabel("iteration")
    axes[2].set_ylabel("training loss per trial")
    axes[2].set_yscale("log")
    axes[2].legend(fontsize=7)
    for r in names:
        axes[3].plot(max(first[f"{r}_state_per_synapse"], 0.5), first[f"{r}_cos_layer"], "o")
        axes[3].annotate(r, (max(first[f"{r}_state_per_synapse"], 0.5), first[f"{r}_cos_layer"]), fontsize=7)
    axes[3].set_xscale("log")
    axes[3].set_xlabel("state per synapse (0 drawn at 0.5)")
    axes[3].set_ylabel("cosine before training")
    fig.tight_layout()
    return fig


def per_matrix_figure(history: list[dict]):
    """Per rule and weight matrix (input, recurrent, output): the cosine to exact RTRL and the
    norm ratio, before training and after."""
    names = list(rules.RULES)
    fig, axes = plots.plt.subplots(2, 2, figsize=(11, 6), sharex=True)
    x = np.arange(len(names))
    for col, (h, when) in enumerate(((history[0], "before training"), (history[-1], "after training"))):
        for row, measure in enumerate(("cos", "norm")):
            ax = axes[row, col]
            for offset, k in zip((-0.27, 0, 0.27), WEIGHTS):
                ax.bar(x + offset, [h[f"{r}_{measure}_{k}"] for r in names], 0.27, label=f"W_{k}")
            ax.axhline(0 if measure == "cos" else 1, color="0.5", lw=0.8)
            if measure == "norm":
                ax.set_yscale("log")
                ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
            else:
                ax.set_ylim(-1.05, 1.05)
                ax.set_title(when, fontsize=9)
            ax.set_ylabel("cosine to exact RTRL" if measure == "cos" else "|rule| / |RTRL|")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def table(summary: dict) -> str:
    """The alignment table in Markdown (README, closing notes)."""
    lines = ["| rule | cos W_in | cos W_rec | cos W_out | cos layer before / after | norm ratio before / after "
             "| loss after | state per synapse | multiply-adds per step |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rules.RULES:
        s = {k[len(r) + 1:]: v for k, v in summary.items() if k.startswith(f"{r}_")}
        lines.append(f"| {r} | {s['cos_in_before']:.3f} | {s['cos_rec_before']:.3f} | {s['cos_out_before']:.3f} "
                     f"| {s['cos_layer_before']:.3f} / {s['cos_layer_after']:.3f} "
                     f"| {s['norm_layer_before']:.3g} / {s['norm_layer_after']:.3g} | {s['loss_after']:.3g} "
                     f"| {s['state_per_synapse']} | {s['ops_per_step']:,} |")
    return "\n".join(lines)


EXPERIMENT = RuleAlignment()
