"""RFLO: random feedback local online learning in a recurrent rate network (Murray 2019).

Two of the paper's tasks (`task`):
- "periodic": a network of 50 tanh rate units with no input learns to produce one period of a
  sum of three sines in every 100-step trial, starting each trial from the same state h0.
- "interval": interval matching, a timing task: two input pulses, the second 15 to 40 steps
  after the first (a fresh interval every trial), and the output must make a bump one interval
  after the second pulse (neurosims/methods/rflo/rate.py, interval_task). The paper's own
  interval range, pulse shapes and network size for it are not in the shared seeds: these
  (100 units, 120-step trials, W_in normal(0, 1) so that a pulse moves the state) are this
  project's choices. Test trials: six intervals evenly over the range; besides the loss, the
  timing error (the output's peak against the bump's centre, in steps).
Its recurrent and readout weights learn with RFLO in generated code: each recurrent synapse
keeps the low-pass of f'(u_post) h_pre (one number per synapse) and multiplies it with the
readout error sent back through a fixed random matrix B; the readout learns with its delta
rule; one gradient-descent step at the end of every trial. Beside it, in NumPy, the same
network from the same weights learns with BPTT from the same trials, the exact gradient
(neurosims/methods/rflo/rate.py): the issue's comparison.

Protocol (murray-lab/rflo-learning, RFLO_Example.ipynb, read for this issue): N = 50,
tau = 10 steps, h0 = 0.1, W_rec normal with gain 1.5/sqrt(N), W_out uniform +-0.1/sqrt(N),
B normal(0, 1), W_in fixed, learning rates 0.03 (recurrent and readout), 10,000 trials, loss
(1/2T) sum_t (y - y*)^2 per trial. A step is a time step of the simulation (dt only labels
it). Metrics: the mean loss of the test trials with learning off, for RFLO and for BPTT after
the same number of trials, and their ratio; the training trials' mean loss per run; the
alignment of W_out with B^T (feedback alignment).

Models (equations/): rate_input (inputs), rflo_rate_unit, rflo_readout (neurons), rate_coupling,
rate_input_coupling, rate_readout, learning_signal_feedback (synapses), rflo, readout_delta
(rules), gradient_descent (optimizer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms

from neurosims import plots
from neurosims.config import Preset, Setting, quantity
from neurosims.errors import NeurosimsError
from neurosims.experiment import Experiment, Schedule
from neurosims.methods.rflo import network as rn
from neurosims.methods.rflo import rate
from neurosims.training import log_spaced_chunks

NOTEBOOK = "murray-lab/rflo-learning RFLO_Example.ipynb"


TASKS = ("periodic", "interval")
TRIAL_STEPS = {"periodic": 100, "interval": 120}  # each task's trial (the model parameter trial_steps)
TEST_INTERVALS = 6  # test trials of the interval task, evenly over its range


@dataclass(frozen=True)
class Config:
    task: str = "periodic"  # one of TASKS
    n_rec: int = 50  # rate units (the notebook's n_rec)
    gain: float = 1.5  # W_rec normal(0, gain/sqrt(N)) (the notebook)
    h0: float = 0.1  # every unit's rate at the start of a trial (the notebook's h_init)
    trials: int = 10000  # training trials (the notebook's n_tr)
    trials_per_run: int = 500  # trials of one compiled run (a chunk of training)
    dt: Quantity = quantity(1 * ms)  # the duration one step stands for (labels only)
    n_checkpoints: int = 8  # measurements, log-spaced over training
    interval_min: int = 15  # the interval task's shortest interval (steps)
    interval_max: int = 40  # and its longest
    input_gain: float = 1.0  # the interval task's W_in: normal(0, input_gain)

    def __post_init__(self):
        if self.task not in TASKS:
            raise ValueError(f"task is {self.task!r}; choose one of {', '.join(TASKS)}")
        if not 0 < self.interval_min <= self.interval_max:
            raise ValueError(f"intervals must satisfy 0 < interval_min <= interval_max, not "
                             f"{self.interval_min}, {self.interval_max}")


ETA = Setting(0.03, f"{NOTEBOOK} (learn_rates [0.0, 0.03, 0.03]: recurrent and readout)")
INTERVAL = dict(task="interval", n_rec=100, eta=ETA,  # this project's choices (module docstring)
                trial_steps=Setting(TRIAL_STEPS["interval"], "this project's interval task: the latest bump (step 90) and its tail fit"))
PRESETS = {
    "tiny": Preset("every stage in seconds: 240 trials in 12 runs of 20",
                   dict(trials=240, trials_per_run=20, n_checkpoints=2, eta=ETA)),
    "quick": Preset("1,000 trials (a tenth of the authors'): the loss falls 30x", dict(trials=1000, n_checkpoints=4,
                                                                                   eta=ETA)),
    "default": Preset("the authors' periodic task: 10,000 trials", dict(eta=ETA)),
    "paper": Preset("the authors' periodic task as in their notebook (10,000 trials): the default", dict(eta=ETA)),
    "interval-quick": Preset("the interval-matching task, 2,000 trials", dict(INTERVAL, trials=2000, n_checkpoints=4)),
    "interval": Preset("the interval-matching task, 10,000 trials", INTERVAL),
}


class Network:
    """The compiled training and test networks, the weights the seed draws, the trials of every
    run, the BPTT network."""

    def __init__(self, config: Config, models: dict, params: dict, sim, seed: int):
        self.config, self.models, self.sim, self.seed = config, models, sim, seed
        self.params = {k: float(np.asarray(v)) for k, v in params.items()}
        self.steps = int(self.params["trial_steps"])
        if config.task == "interval":
            self.test_intervals = np.linspace(config.interval_min, config.interval_max, TEST_INTERVALS).round()
            self.test_x, self.test_target = rate.interval_task(self.test_intervals, self.steps)
        else:
            x, target = rate.periodic_task(self.steps)
            self.test_x, self.test_target = x[None], target[None]
        self.h0 = np.full(config.n_rec, config.h0)
        self.shape = shape_of(config, self.params, config.trials_per_run)
        self.test_shape = shape_of(config, self.params, len(self.test_x), record=True)
        self.weights = rate.initial_weights(1, config.n_rec, 1, np.random.default_rng([seed, 1]), config.gain)
        if config.task == "interval":
            self.weights.w_in = config.input_gain * np.random.default_rng([seed, 2]).standard_normal((config.n_rec, 1))
        self._tester, self._bptt = None, None

    def trials(self, chunk: int) -> tuple[np.ndarray, np.ndarray]:
        """x[trial, step, 1] and target[trial, step, 1] of the training run `chunk` (1, 2, ...);
        the periodic task repeats its one trial."""
        if self.config.task == "periodic":
            runs = (self.config.trials_per_run, self.steps, 1)
            return np.broadcast_to(self.test_x, runs), np.broadcast_to(self.test_target, runs)
        rng = np.random.default_rng([self.seed, 3, chunk])
        intervals = rng.integers(self.config.interval_min, self.config.interval_max + 1, self.config.trials_per_run)
        return rate.interval_task(intervals, self.steps)

    def tester(self):
        from neurosims.simulators import open_beside

        if self._tester is None:
            self._tester = open_beside(self.sim, rn.blueprint("rflo-test", self.test_shape, self.models))
        return self._tester

    def run(self, state: dict, chunk: int | None) -> dict:
        """Training run `chunk`, or (None) the test trials with learning off."""
        training = chunk is not None
        sim, shape = (self.sim, self.shape) if training else (self.tester(), self.test_shape)
        x, target = self.trials(chunk) if training else (self.test_x, self.test_target)
        weights = self.weights.copy()
        weights.w_rec, weights.w_out = state["w_rec"], state["w_out"]
        eta = (self.params["eta"],) * 2 if training else (0.0, 0.0)  # the notebook's one rate for both
        values = rn.run_values(shape, self.models, self.params, weights, self.h0, eta)
        return sim.run(values, rn.run_inputs(shape, x, target), seed=self.seed)

    def bptt(self) -> dict:
        """The same network trained by BPTT in NumPy on the same trials: the loss of every trial
        and the test trials' mean loss and outputs after each measured number of trials
        (computed once)."""
        if self._bptt is None:
            tau = self.params["tau"]
            eta = (0.0, self.params["eta"], self.params["eta"])
            chunks = schedule_of(self.config)
            measured = {*chunks.measured, chunks.chunks}
            w, losses, tests = self.weights.copy(), [], {}
            for chunk in range(1, chunks.chunks + 1):
                x, target = self.trials(chunk)
                w, part = rate.train("bptt", w, x, target, self.h0, tau, eta)
                losses.append(part)
                if chunk in measured:
                    tests[chunk * self.config.trials_per_run] = self.test(w)
            self._bptt = {"losses": np.concatenate(losses), "tests": tests}
        return self._bptt

    def test(self, w: rate.Weights) -> tuple[float, np.ndarray]:
        """The test trials' mean loss and outputs y[trial, step] of a NumPy network."""
        tau = self.params["tau"]
        losses = [rate.gradient("bptt", w, x, target, self.h0, tau)[0] for x, target in zip(self.test_x, self.test_target)]
        return float(np.mean(losses)), np.stack([rate.forward(w, x, self.h0, tau)["y"][:, 0] for x in self.test_x])

    def peak_error(self, y: np.ndarray) -> float:
        return rate.peak_error(y, self.test_intervals) if self.config.task == "interval" else float("nan")


def shape_of(config: Config, params: dict, trials: int, record: bool = False) -> rn.Shape:
    if config.trials % config.trials_per_run:
        raise NeurosimsError(f"trials ({config.trials}) must be a whole number of runs of trials_per_run "
                             f"({config.trials_per_run})")
    if config.n_rec < 1:
        raise NeurosimsError(f"n_rec must be at least 1, not {config.n_rec}")
    return rn.Shape(1, config.n_rec, 1, int(round(float(np.asarray(params["trial_steps"])))), trials,
                    float(config.dt), record=record)


def schedule_of(config: Config) -> Schedule:
    total = config.trials // config.trials_per_run
    return Schedule(total, log_spaced_chunks(total, config.n_checkpoints), config.trials_per_run * TRIAL_STEPS[config.task] * float(config.dt))


def initial_state(net: Network) -> dict:
    runs = net.config.trials // net.config.trials_per_run
    return {"w_rec": net.weights.w_rec.copy(), "w_out": net.weights.w_out.copy(),
            "train_losses": np.full(runs, np.nan)}  # the training trials' mean loss, per run


def train(net: Network, state: dict, chunk: int) -> dict:
    out = net.run(state, chunk)
    n = net.config.n_rec
    state = dict(state, w_rec=rn.from_synapses(out["recrec.w"], n, n), w_out=rn.from_synapses(out["recout.w"], n, 1))
    state["train_losses"] = state["train_losses"].copy()
    state["train_losses"][chunk - 1] = float(np.sum(out["out.loss"])) / net.shape.trials
    return state


def evaluate(net: Network, state: dict, chunk: int) -> tuple[dict, dict]:
    out = net.run(state, None)
    trials = chunk * net.config.trials_per_run
    tests = len(net.test_x)
    nan = (np.nan, np.full(net.test_target.shape[:2], np.nan))
    bptt_loss, bptt_y = net.bptt()["tests"].get(trials, nan)
    loss = float(np.sum(out["out.loss"])) / tests
    y = out["out_state.y"][:tests * net.steps, 0].reshape(tests, net.steps)
    b = net.weights.b.T.ravel()
    alignment = float(state["w_out"].ravel() @ b / (np.linalg.norm(state["w_out"]) * np.linalg.norm(b)))
    result = {"trials": trials, "loss": loss, "bptt_loss": float(bptt_loss),
              "loss_ratio_to_bptt": loss / float(bptt_loss), "peak_error_steps": net.peak_error(y),
              "bptt_peak_error_steps": net.peak_error(bptt_y) if trials in net.bptt()["tests"] else float("nan"),
              "readout_alignment": alignment}
    arrays = {"y": y, "target": net.test_target[:, :, 0], "x": net.test_x[:, :, 0], "bptt_y": bptt_y, "train_losses": state["train_losses"],
              "trials_per_run": np.array(net.config.trials_per_run), "bptt_losses": net.bptt()["losses"]}
    return result, arrays


class Rflo(Experiment):
    """One chunk = one compiled run of `trials_per_run` trials, each ending with a weight update."""

    name = "rflo"
    Config = Config
    presets = PRESETS
    roles = dict(rn.ROLES)
    summary_keys = ("trials", "loss_before", "loss_after", "bptt_loss_after", "loss_ratio_to_bptt",
                    "peak_error_steps_before", "peak_error_steps_after", "bptt_peak_error_steps_after",
                    "readout_alignment")
    export_refusal = ("every measurement compares with the same network trained by BPTT in NumPy alongside, "
                      "which the exported binary cannot do")

    def compose(self, loaded):
        return rn.compose(loaded)

    def blueprint(self, config, models, params):
        return rn.blueprint(self.name, shape_of(config, params, config.trials_per_run), models)

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        return initial_state(net)

    def train(self, net, state, chunk):
        return train(net, state, chunk)

    def schedule(self, config):
        return schedule_of(config)

    def evaluate(self, net, state, chunk):
        return evaluate(net, state, chunk)

    def summarise(self, history):
        first, last = history[0], history[-1]
        return {"trials": last["trials"], "loss_before": first["loss"], "loss_after": last["loss"],
                "bptt_loss_after": last["bptt_loss"], "loss_ratio_to_bptt": last["loss_ratio_to_bptt"],
                "peak_error_steps_before": first["peak_error_steps"], "peak_error_steps_after": last["peak_error_steps"],
                "bptt_peak_error_steps_after": last["bptt_peak_error_steps"],
                "readout_alignment": last["readout_alignment"]}  # peak errors: NaN for the periodic task

    def figures(self, config, history, before, after):
        return {"loss.png": loss_curves(history, after), "output.png": outputs(before, after)}


def loss_curves(history: list[dict], after: dict):
    fig, ax = plots.plt.subplots(figsize=(5, 3.4))
    bptt = after["bptt_losses"]
    ax.plot(np.arange(1, len(bptt) + 1), bptt, color="tab:gray", lw=0.8, label="BPTT (NumPy), every trial")
    per_run = int(after["trials_per_run"])
    train = after["train_losses"]
    ax.plot((np.arange(len(train)) + 0.5) * per_run, train, "-", color="tab:blue", label="RFLO, training trials' mean per run")
    ax.plot([max(h["trials"], 1) for h in history], [h["loss"] for h in history], "o", ms=4, color="tab:blue",
            label="RFLO, test trial")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("trial")
    ax.set_ylabel("loss")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def outputs(before: dict, after: dict):
    """The test trials' inputs, outputs and targets, one trial after another."""
    fig, axes = plots.plt.subplots(1, 2, figsize=(4 + 4 * len(after["target"]) ** 0.5, 3), sharey=True)
    for ax, arrays, title in ((axes[0], before, "before training"), (axes[1], after, "after training")):
        if arrays["x"].any():
            ax.fill_between(np.arange(arrays["x"].size), 0, arrays["x"].ravel(), color="tab:orange", alpha=0.3,
                            lw=0, label="input pulses")
        ax.plot(arrays["target"].ravel(), "k--", label="target")
        ax.plot(arrays["y"].ravel(), color="tab:blue", label="RFLO")
        if np.isfinite(arrays["bptt_y"]).all() and title.startswith("after"):
            ax.plot(arrays["bptt_y"].ravel(), color="tab:gray", lw=0.8, label="BPTT")
        for k in range(1, len(arrays["target"])):
            ax.axvline(k * arrays["target"].shape[1], color="0.8", lw=0.6)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("step (test trials one after another)")
    axes[0].set_ylabel("output y")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    return fig


EXPERIMENT = Rflo()
