"""Pattern generation with e-prop: a recurrent network of LIF neurons learns to produce a sum of
sines from a frozen Poisson input, online, with random feedback.

Bellec G et al. (2020). A solution to the learning dilemma for recurrent networks of spiking
neurons. Nat Commun 11:3625 (Fig. 2, pattern generation). Configuration of NEST 3.10's example
eprop_supervised_regression_sine-waves_bsshslm_2020.py: 100 frozen Poisson inputs (50 Hz),
100 LIF neurons, 1 leaky readout, trials of 1 s, target a sum of four sines (periods 1000, 500,
333 and 200 ms, amplitudes U(0.5, 2), random phases, starting at 0, scaled to a maximum of 1),
loss 0.5 sum_t (y - y*)^2 per trial, gradient descent (eta 1e-4) after every trial, firing-rate
regularisation (c_reg 300, 10 Hz). The network, weights and timing are NEST's to the step; how
closely the two agree is stated in neurosims/methods/eprop/nest.py.

Symmetric e-prop (B = W_out^T) instead of random feedback: `--model feedback=symmetric`.

Models (equations/): spike_pattern, eprop_iaf (neurons), eprop_readout, weighted_spike,
eprop_event_driven (rule), eprop_readout_weights, gradient_descent, learning_signal_feedback.
The rule is e-prop for LIF neurons computed per presynaptic spike instead of per step: the
same numbers as eprop_nonadaptive (`--model rule=eprop_nonadaptive`;
tests/methods/eprop/test_eprop_rule.py holds both to the NumPy reference), 3x faster on this
task (BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms, second

from neurosims import plots
from neurosims.config import Preset, Setting, quantity
from neurosims.experiment import Schedule
from neurosims.methods.eprop import network as eprop
from neurosims.models import Model
from neurosims.training import log_spaced_chunks


@dataclass(frozen=True)
class Config:
    """Protocol of NEST's sine-wave example; model parameters live in the model files."""

    n_inputs: int = 100
    n_neurons: int = 100
    n_readouts: int = 1
    dt: Quantity = quantity(1 * ms)
    trial: Quantity = quantity(1 * second)  # one sequence = one iteration
    input_rate: Quantity = quantity(50 * Hz)  # frozen Poisson input
    periods: tuple = (1000, 500, 333, 200)  # target sines, in steps
    iterations: int = 200  # NEST example: 200 (the original: 2000)
    iterations_per_run: int = 20  # trials simulated by one run of the compiled network
    n_checkpoints: int = 6  # evaluations, log-spaced in iterations (plus before training)

    def __post_init__(self):
        for name in ("n_inputs", "n_neurons", "n_readouts", "iterations", "iterations_per_run", "n_checkpoints"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not self.periods or min(self.periods) <= 0:
            raise ValueError("periods must list at least one period (in steps) > 0")
        if self.iterations % self.iterations_per_run:
            raise ValueError(f"iterations ({self.iterations}) must be a multiple of iterations_per_run "
                             f"({self.iterations_per_run})")
        steps = float(self.trial / self.dt)
        if abs(steps - round(steps)) > 1e-9 or round(steps) < 2:
            raise ValueError("trial must be a whole number (>= 2) of time steps dt")

    @property
    def steps(self) -> int:
        return int(round(float(self.trial / self.dt)))


# NEST's sine-wave example: its neuron, readout and learning parameters, where they depart
# from the model files' (which hold those of NEST's evidence-accumulation example)
NEST_SINE = "NEST 3.10 eprop_supervised_regression_sine-waves_bsshslm_2020.py"
COMMON = dict(tau_m=Setting(30 * ms, f"{NEST_SINE} (tau_m 30 ms)"),
              tau_out=Setting(30 * ms, f"{NEST_SINE} (readout tau_m 30 ms)"),
              v_th=Setting(0.03, f"{NEST_SINE} (V_th 0.03 mV)"),
              t_ref=Setting(0 * ms, f"{NEST_SINE} (t_ref 0 ms)"),
              leaky_input=Setting(1.0, f"{NEST_SINE} (regular_spike_arrival False)"),
              leaky_readout=Setting(1.0, f"{NEST_SINE} (regular_spike_arrival False)"),
              eta=Setting(1e-4, f"{NEST_SINE} (eta 1e-4)"),
              c_reg=Setting(300.0, f"{NEST_SINE} (c_reg 300)"),
              f_target=Setting(10 * Hz, f"{NEST_SINE} (f_target 10 Hz)"))
PRESETS = {
    "tiny": Preset("every stage in seconds (20 inputs, 20 neurons, 12 iterations): a check of the set-up",
                   dict(COMMON, n_inputs=20, n_neurons=20, iterations=12, iterations_per_run=1, n_checkpoints=2)),
    "quick": Preset("100 iterations at 10x NEST's learning rate: the pattern learned in a minute",
                    dict(COMMON, iterations=100, iterations_per_run=20, n_checkpoints=4,
                         eta=Setting(1e-3, "10x NEST's 1e-4, so that 100 iterations learn the pattern"))),
    "default": Preset("NEST's sine-wave example (200 iterations)", dict(COMMON)),
    "paper": Preset("2000 iterations, as the original implementation",
                    dict(COMMON, iterations=2000, iterations_per_run=50, n_checkpoints=10)),
}


def shape(config: Config, params: dict, sequences: int | None = None) -> eprop.Shape:
    return eprop.Shape(n_in=config.n_inputs, n_rec=config.n_neurons, n_out=config.n_readouts,
                       sequence_steps=config.steps, sequences=sequences or config.iterations_per_run, batch=1,
                       dt=float(config.dt), classifier=False,
                       window_steps=eprop.event_window(params, float(config.dt)))


# ---------------------------------------------------------------------------------------------
# Task


def task(config: Config, seed: int) -> dict:
    """Initial weights (randn/sqrt(n), NEST's example), random feedback, frozen input, target."""
    rng = np.random.default_rng(seed)
    n_in, n, n_out = config.n_inputs, config.n_neurons, config.n_readouts
    rec = rng.standard_normal((n, n)) / np.sqrt(n)
    np.fill_diagonal(rec, 0.0)
    weights = {"in": rng.standard_normal((n, n_in)) / np.sqrt(n_in), "rec": rec,
               "out": rng.standard_normal((n_out, n)) / np.sqrt(n)}
    feedback = rng.standard_normal((n, n_out)) / np.sqrt(n)
    x = (rng.random((config.steps, n_in)) < float(config.input_rate * config.dt)).astype(float)
    x[0] = 0.0  # input arriving in a trial's first step is dropped
    target = np.stack([superimposed_sines(rng, config.steps, config.periods) for _ in range(n_out)], axis=1)
    return {"weights": weights, "feedback": feedback, "x": x, "target": target}


def superimposed_sines(rng: np.random.Generator, steps: int, periods) -> np.ndarray:
    """Sum of sines with amplitudes U(0.5, 2) and phases U(0, 2 pi), shifted to start at 0 and
    scaled to a maximum magnitude of 1 (NEST's example)."""
    amplitudes = rng.uniform(0.5, 2.0, len(periods))
    phases = rng.uniform(0.0, 2 * np.pi, len(periods))
    y = sum(a * np.sin(np.linspace(phi, phi + 2 * np.pi * (steps // period), steps))
            for a, phi, period in zip(amplitudes, phases, periods))
    y = y - y[0]
    return y / max(np.abs(y).max(), 1e-12)


class Network:
    """The compiled e-prop network and this task's inputs."""

    def __init__(self, config: Config, models: dict[str, Model], params: dict, sim, seed: int):
        self.config, self.params, self.sim, self.seed = config, params, sim, seed
        self.net = eprop.Network(shape(config, params), models, sim)
        self.task = task(config, seed)
        k = self.net.shape.sequences
        self.x = np.tile(self.task["x"], (k, 1, 1))
        self.target = np.tile(self.task["target"], (k, 1, 1))
        self.window = np.ones(config.steps)

    def run(self, weights: dict, learning: bool, seed: int) -> tuple[dict, dict]:
        weights, _, rec = self.net.run(weights, {}, self.task["feedback"], np.zeros(self.config.n_neurons),
                                       self.params, self.x, self.target, self.window, seed, learning)
        rec["loss"] = eprop.losses(rec["y"], self.target, self.window, classifier=False)
        return weights, rec


WEIGHTS = ("in", "rec", "out")


def evaluate(net: Network, weights: dict, training_loss: np.ndarray) -> tuple[dict, dict]:
    """Loss of the current weights on the task (learning off), rate, and the last training loss."""
    _, rec = net.run(weights, learning=False, seed=net.seed)
    trial = net.config.trial
    first = rec["t"] < float(trial)
    result = {
        "loss": float(rec["loss"][0]),
        "training_loss": float(training_loss[-1]) if len(training_loss) else float(rec["loss"][0]),
        "mean_rate": float(np.sum(first) / net.config.n_neurons / float(trial)),
    }
    arrays = {"y": rec["y"][0], "target": net.target[0], "spike_i": rec["i"][first], "spike_t": rec["t"][first],
              "training_loss": training_loss, "dt": np.array(float(net.config.dt)),
              **{f"W_{k}": w for k, w in weights.items()}}
    return result, arrays


class EpropPattern(eprop.EpropExperiment):
    """One chunk = `iterations_per_run` trials, each followed by a weight update; training
    losses (with the weights in force during each trial, NEST's definition) are kept in the
    state."""

    summary_keys = ("iterations", "loss_before", "loss_after", "loss_reduction", "rate_before",
                    "rate_after")
    name = "eprop-pattern"
    Config = Config
    presets = PRESETS
    classifier = False
    rule = "eprop_event_driven"  # all neurons are LIF: the rule without adaptation, per spike

    def blueprint(self, config, models, params):
        return eprop.blueprint(self.name, shape(config, params), models)

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        return dict(net.task["weights"], training_loss=np.zeros(0))

    def train(self, net, state, chunk):
        weights, rec = net.run({k: state[k] for k in WEIGHTS}, learning=True, seed=net.seed)
        return dict(weights, training_loss=np.concatenate([state["training_loss"], rec["loss"]]))

    def schedule(self, config):
        total = config.iterations // config.iterations_per_run
        return Schedule(total, log_spaced_chunks(total, config.n_checkpoints),
                        config.iterations_per_run * float(config.trial))

    def evaluate(self, net, state, chunk):
        result, arrays = evaluate(net, {k: state[k] for k in WEIGHTS}, state["training_loss"])
        return {"iteration": chunk * net.config.iterations_per_run, **result}, arrays

    def state_from_outputs(self, net, outputs):
        """The weights the binary wrote; the training losses are not part of its outputs."""
        weights = eprop.from_synapses(net.net.shape, {g: outputs[f"{g}.w"] for g in eprop.PLASTIC})
        return dict(weights, training_loss=np.zeros(0))

    def summarise(self, history):
        first, last = history[0], history[-1]
        return {
            "iterations": last["iteration"],
            "loss_before": first["loss"],
            "loss_after": last["loss"],
            "loss_reduction": first["loss"] / last["loss"],
            "rate_before": first["mean_rate"],
            "rate_after": last["mean_rate"],
        }

    def figures(self, config, history, before, after):
        return {
            "loss.png": plots.loss_curve(after["training_loss"], "iteration (1 s trial)", "training loss"),
            "output_vs_target.png": output_vs_target(before, after, float(config.dt)),
            "learning_curves.png": plots.learning_curves(history, ["loss", "mean_rate"]),
        }


def output_vs_target(before: dict, after: dict, dt: float):
    """Readout output against its target, and the raster, before and after learning."""
    def draw(ax, data, label):
        t = np.arange(len(data["y"])) * dt
        ax.plot(t, data["target"], "k", lw=1.5, label="target")
        ax.plot(t, data["y"], color="tab:red", lw=1, label="output")
        ax.set_title(f"readout, {label}")

    return plots.before_after(before, after, draw)


EXPERIMENT = EpropPattern()
