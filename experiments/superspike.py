"""SuperSpike: supervised learning of precisely timed spikes in multilayer networks (Zenke &
Ganguli 2018).

Frozen input spike patterns drive LIF neurons, optionally through a hidden layer; the output
layer learns target spike trains. The error of each output neuron is the target minus the
output spike train filtered by the double-exponential kernel alpha (the van Rossum error);
each synapse filters sigma'(U_post) times its presynaptic PSP trace with the same kernel (a
trace per synapse) and accumulates the product with the error it is given: its own at the
output, fed back to the hidden layer symmetrically (through the output weights), through fixed
random weights, or uniformly. Every 0.5 s an RMSprop-max step applies the gradient.

Tasks (`task`):
    single  one output neuron, no hidden layer: five equidistant target spikes in a 500 ms
            trial of 100 frozen Poisson inputs at 5 Hz (the paper's Fig. 2 task)
    raster  inputs -> hidden layer -> one output neuron per picture row: a picture as the
            target raster, one target spike per dark pixel in 10 ms bins (the paper's
            "Radcliffe Camera" task; here a word rendered by matplotlib, `picture_text`)
    xor     a temporal XOR that needs a hidden layer: two input populations each fire one
            volley, early or late; the output must spike once at `xor_target_time` when
            exactly one of them was early, and stay silent otherwise (a single LIF neuron
            cannot: below threshold its membrane is linear in the inputs, so V(EL) + V(LE) =
            V(EE) + V(LL) at every time). Every training trial is a fresh realisation of a random
            condition (jittered volleys, background spikes); the test trials are realisations
            drawn apart, the same at every measurement.
The xor task is this project's construction in the paper's spirit (a nonlinear, spike-timed
input-output map); the paper's exact nonlinear task is not reproduced.

Protocol (fzenke/pub2018superspike and its Auryn classes, read for this issue): dt 0.1 ms,
trials one after another without pause; initial weights normal(0, w0/sqrt(fan in)) with w0
= 50 mV (run_symfb.sh: --w0 0.05); learning rate 1 mV, /10 after `anneal_after` (sim_symfb.cpp:
after 20 of 50 blocks); the network's state starts at rest in every run of `run_duration`, the
gradient and the normaliser carry over. Metrics, on test runs with learning off: the van Rossum
distance per trial in units of one unmatched spike (the integral of err^2 divided by that of
alpha^2), the fraction of target spikes with an output spike of the same neuron within
`precision`, the fraction of output spikes more than `precision` from every target spike,
and the fraction of trials that are right (every target hit, no output spike unmatched).

Models (equations/): superspike_input, superspike_target (inputs), superspike_lif (neurons),
superspike_forward, superspike_forward_symmetric, output_spike_error, learning_signal_feedback
(synapses), superspike (rule), rmsprop_max (optimizer). NumPy reference:
neurosims/methods/superspike/reference.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, mV, ms, second

from neurosims import plots
from neurosims.config import Preset, Setting, quantity
from neurosims.errors import NeurosimsError
from neurosims.experiment import Experiment, Schedule
from neurosims.methods.superspike import network as ss
from neurosims.training import log_spaced_chunks, run_seed

SOURCE = "fzenke/pub2018superspike 9bd0c41"
TASKS = ("single", "raster", "xor")


@dataclass(frozen=True)
class Config:
    task: str = "single"  # single, raster, xor (module docstring)
    n_in: int = 100  # input neurons (Zenke & Ganguli 2018, Fig. 2: 100 afferents)
    rate_in: Quantity = quantity(5 * Hz)  # frozen Poisson inputs (run_symfb.sh's input: sim_poisson at 5 Hz)
    hidden: int = 0  # hidden neurons (0: none)
    feedback: str = "symmetric"  # symmetric, random, uniform: how the output error reaches the hidden layer
    dt: Quantity = quantity(0.1 * ms)  # Auryn's time step
    trial_duration: Quantity = quantity(500 * ms)  # single and xor (raster: the picture's width)
    n_targets: int = 5  # single: equidistant target spikes per trial
    picture_text: str = "SuperSpike"  # raster: the word drawn as the target raster
    picture_rows: int = 16  # raster: output neurons (the picture's height)
    pixel_duration: Quantity = quantity(10 * ms)  # raster: one pixel column (mktarget.py: dt 10e-3)
    xor_population: int = 20  # xor: input neurons per population (two populations; the rest background)
    xor_early: Quantity = quantity(10 * ms)  # xor: volley times
    xor_late: Quantity = quantity(30 * ms)
    xor_target_time: Quantity = quantity(45 * ms)  # xor: the target spike when exactly one volley is early
    xor_jitter: Quantity = quantity(1 * ms)  # xor: standard deviation of each volley spike's time
    xor_test_per_condition: int = 16  # xor: held-out realisations per condition (training: a fresh one every trial)
    train_duration: Quantity = quantity(300 * second)  # simulated training time
    run_duration: Quantity = quantity(10 * second)  # one compiled run (a chunk of training)
    anneal_after: Quantity = quantity(0 * second)  # the learning rate falls 10x after this much training (0: never)
    w0: Quantity = quantity(50 * mV)  # initial weights normal(0, w0/sqrt(fan in)) (run_symfb.sh --w0 0.05)
    feedback_scale: float = 1.0  # random feedback: B normal(0, feedback_scale); uniform: B = feedback_scale
    precision: Quantity = quantity(5 * ms)  # an output spike this close to a target spike hits it
    n_checkpoints: int = 8  # measurements, log-spaced over training

    def steps(self, duration) -> int:
        return int(round(float(duration) / float(self.dt)))


PRESETS = {
    "tiny": Preset("every stage in seconds: the single-neuron task, 12 runs of 10 s, two measurements (the "
                   "quick preset's builds)", dict(train_duration=120 * second, n_checkpoints=2)),
    "quick": Preset("the single-neuron task for 150 s (at dt 0.5 ms it learned more slowly: 5.0 -> 1.1 in "
                    "200 s, one extra spike)", dict(train_duration=150 * second, n_checkpoints=4)),
    "default": Preset("the single-neuron task (Fig. 2): 100 inputs at 5 Hz, five target spikes in 500 ms, 300 s",
                      dict()),
    "raster": Preset("the target-raster task: 200 inputs at 5 Hz, 128 hidden neurons, the word SuperSpike as a "
                     "16 x 104 raster (1.04 s), symmetric feedback, 104 s, the learning rate /10 after 72.8 s",
                     dict(task="raster", n_in=200, hidden=128, train_duration=104 * second,
                          run_duration=10.4 * second, anneal_after=72.8 * second)),
    "xor": Preset("the temporal XOR: 2 x 20 volley inputs and 20 background inputs at 5 Hz, 40 hidden neurons "
                  "(20 learned it for seeds 0-1, 72% right for seed 2), "
                  "100 ms trials, a fresh realisation every training trial and 16 held-out ones per condition "
                  "for testing, 900 s at dt 0.5 ms, a weight update every 100 ms (one per trial), the learning "
                  "rate /10 after 600 s",
                  dict(task="xor", n_in=60, hidden=40, trial_duration=100 * ms, dt=0.5 * ms,
                       train_duration=900 * second, anneal_after=600 * second,
                       update_period=Setting(0.1 * second, "neurosims: one update per 100 ms trial (the authors' "
                                             "0.5 s averages 5 trials; README)"))),
    "paper": Preset("the Radcliffe task's sizes (run_symfb.sh): 200 inputs, 256 hidden neurons, 200 output neurons "
                    "(the word at 200 rows), 1000 s, the learning rate /10 after 400 s (20 of 50 blocks of 20 s)",
                    dict(task="raster", n_in=200, hidden=256, picture_rows=200, picture_text="Zenke",
                         train_duration=1000 * second, run_duration=20 * second,
                         anneal_after=Setting(400 * second, f"{SOURCE} sim/sim_symfb.cpp (eta/10 after block 20)"))),
}


def alpha_squared_integral(tau_rise: float, tau_decay: float) -> float:
    """The integral of alpha(t)^2, alpha(t) = exp(-t/tau_decay) - exp(-t/tau_rise): the squared
    error of one unmatched spike."""
    return tau_decay / 2 + tau_rise / 2 - 2 * tau_decay * tau_rise / (tau_decay + tau_rise)


def picture(text: str, rows: int) -> np.ndarray:
    """`text` drawn by matplotlib (DejaVu Sans bold), cropped and reduced to `rows` rows: a
    boolean image [row, column], True where the pixel is dark (a target spike)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not text.strip():
        raise NeurosimsError("picture_text is empty: the raster task draws a word")
    scale = max(1, int(np.ceil(2 * rows / 30)))  # glyphs drawn at least 2 pixels per row (about 30 px tall at dpi 100)
    fig = Figure(figsize=(max(1, len(text)) * 0.5, 1), dpi=100 * scale)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=40, family="DejaVu Sans", weight="bold")
    fig.canvas.draw()
    dark = np.asarray(fig.canvas.buffer_rgba())[..., :3].mean(axis=2) < 128
    r, c = np.nonzero(dark)
    dark = dark[r.min():r.max() + 1, c.min():c.max() + 1]
    height, width = dark.shape
    columns = int(round(width * rows / height))
    row_edges = (np.arange(rows + 1) * height / rows).astype(int)
    col_edges = (np.arange(columns + 1) * width / columns).astype(int)
    return np.array([[dark[row_edges[a]:row_edges[a + 1], col_edges[b]:col_edges[b + 1]].mean() > 0.5
                      for b in range(columns)] for a in range(rows)])


@dataclass
class Task:
    """Patterns: rasters [pattern, step, neuron] of inputs and targets for the test runs (each
    played once) and, for the frozen tasks, for training too; the xor task draws fresh
    realisations for every training trial (`training_patterns`)."""

    inputs: np.ndarray
    targets: np.ndarray
    image: np.ndarray | None = None  # raster: the picture
    conditions: np.ndarray | None = None  # xor: the condition of each test pattern (0 EE, 1 EL, 2 LE, 3 LL)

    @property
    def frozen(self) -> bool:
        return self.conditions is None


def make_task(config: Config, seed: int) -> Task:
    """The task's test patterns (and the frozen tasks' training pattern), drawn from `seed`."""
    rng = np.random.default_rng([seed, 1])
    if config.task == "xor":
        conditions = np.tile(np.arange(4), config.xor_test_per_condition)
        return Task(*xor_patterns(config, conditions, rng), conditions=conditions)
    if config.task not in TASKS:
        raise NeurosimsError(f"task is {config.task!r}; choose one of {', '.join(TASKS)}")
    image = None
    if config.task == "raster":
        image = picture(config.picture_text, config.picture_rows)
        bin_steps = config.steps(config.pixel_duration)
        steps = image.shape[1] * bin_steps
        targets = np.zeros((1, steps, config.picture_rows))
        rows, columns = np.nonzero(image)
        jitter = rng.integers(0, bin_steps, len(rows))  # a random time within the pixel's bin (mktarget.py)
        targets[0, columns * bin_steps + jitter, config.picture_rows - 1 - rows] = 1  # the top row is the highest neuron
    else:  # single
        steps = config.steps(config.trial_duration)
        targets = np.zeros((1, steps, 1))
        times = (np.arange(config.n_targets) + 0.5) * steps / config.n_targets
        targets[0, times.astype(int), 0] = 1
    return Task(poisson(config, 1, steps, rng), targets, image)


def poisson(config: Config, n: int, steps: int, rng) -> np.ndarray:
    """n rasters of the inputs as Poisson spike trains at rate_in."""
    return (rng.random((n, steps, config.n_in)) < float(config.rate_in) * float(config.dt)).astype(float)


def xor_patterns(config: Config, conditions: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """One realisation of the temporal XOR for each condition (0 EE, 1 EL, 2 LE, 3 LL: early or
    late volley of populations A and B): input and target rasters."""
    n_pop, steps = config.xor_population, config.steps(config.trial_duration)
    if 2 * n_pop > config.n_in:
        raise NeurosimsError(f"xor needs n_in >= 2 x xor_population = {2 * n_pop}, not {config.n_in}")
    inputs = poisson(config, len(conditions), steps, rng)  # the background neurons' spikes
    inputs[:, :, :2 * n_pop] = 0  # the volley populations fire only their volley
    targets = np.zeros((len(conditions), steps, 1))
    times = [config.steps(config.xor_early), config.steps(config.xor_late)]
    jitter = config.xor_jitter / config.dt
    for k, condition in enumerate(conditions):
        late = (condition // 2, condition % 2)
        for pop, is_late in enumerate(late):
            when = np.clip(np.round(times[is_late] + jitter * rng.standard_normal(n_pop)), 0, steps - 1).astype(int)
            inputs[k, when, pop * n_pop + np.arange(n_pop)] = 1
        if late[0] != late[1]:
            targets[k, config.steps(config.xor_target_time), 0] = 1
    return inputs, targets


class Network:
    """The compiled networks (training, testing), the task's patterns and the feedback weights."""

    def __init__(self, config: Config, models: dict, params: dict, sim, seed: int):
        self.config, self.models, self.sim, self.seed = config, models, sim, seed
        self.params = {k: float(np.asarray(v)) for k, v in params.items()}
        self.task = make_task(config, seed)
        self.shape = shape_of(config, self.task, testing=False)
        self.test_shape = shape_of(config, self.task, testing=True)
        self._tester = None
        rng = np.random.default_rng([seed, 3])
        n_hidden, n_out = config.hidden, self.shape.n_out
        self.feedback = None
        if config.hidden and config.feedback == "random":
            self.feedback = config.feedback_scale * rng.standard_normal((n_hidden, n_out))
        elif config.hidden and config.feedback == "uniform":
            self.feedback = np.full((n_hidden, n_out), config.feedback_scale)

    def tester(self):
        from neurosims.simulators import open_beside

        if self._tester is None:
            self._tester = open_beside(self.sim, ss.blueprint("superspike-test", self.test_shape, self.models,
                                                              self.params["update_period"]))
        return self._tester

    def training_patterns(self, chunk: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Input rasters, target rasters and the pattern of each trial of training chunk `chunk`:
        the frozen pattern in every trial, or (xor) a fresh realisation of a random condition."""
        if self.task.frozen:
            return self.task.inputs, self.task.targets, np.zeros(self.shape.trials)
        rng = np.random.default_rng([self.seed, 2, chunk])
        inputs, targets = xor_patterns(self.config, rng.integers(0, 4, self.shape.trials), rng)
        return inputs, targets, np.arange(self.shape.trials)

    def run(self, state: dict, chunk: int | None, eta: float, seed: int) -> dict:
        """A training run of chunk `chunk`, or (None) a test run of the test patterns."""
        if chunk is None:
            sim, shape = self.tester(), self.test_shape
            inputs, targets, order = self.task.inputs, self.task.targets, np.arange(len(self.task.inputs))
        else:
            sim, shape = self.sim, self.shape
            inputs, targets, order = self.training_patterns(chunk)
        values = ss.run_values(shape, self.models, self.params, state, self.feedback, eta)
        timed = {"input_rasters": inputs.reshape(-1, shape.n_in), "target_rasters": targets.reshape(-1, shape.n_out),
                 "trial_pattern": np.asarray(order, dtype=float)}
        return sim.run(values, timed, seed=seed)

    def trial_distances(self, out: dict, trials: int) -> np.ndarray:
        """The van Rossum distance of every trial of a run, in unmatched spikes."""
        at_starts = np.asarray(out["trial_error.sq_err"]).reshape(trials, -1).sum(axis=1)
        ends = np.append(at_starts[1:], np.sum(out["target.sq_err"]))
        unit = alpha_squared_integral(self.params["tau_rise"], self.params["tau_decay"])
        return (ends - at_starts) / unit


def shape_of(config: Config, task: Task, testing: bool) -> ss.Shape:
    trial_steps = task.inputs.shape[1]
    trials = int(round(float(config.run_duration) / (trial_steps * float(config.dt))))
    if trials < 1:
        raise NeurosimsError(f"run_duration ({config.run_duration}) is shorter than one trial "
                             f"({trial_steps * config.dt})")
    if testing:
        trials = len(task.inputs)
    patterns = len(task.inputs) if task.frozen or testing else trials  # xor: a fresh realisation per trial
    return ss.Shape(config.n_in, config.hidden, task.targets.shape[2], trial_steps, trials, patterns,
                    float(config.dt), feedback=config.feedback, record=testing)


def initial_state(net: Network) -> dict:
    rng = np.random.default_rng([net.seed, 4])
    state = {}
    for l, (m, n) in enumerate(zip(net.shape.sizes[:-1], net.shape.sizes[1:])):
        state[f"w{l}"] = rng.normal(0, float(net.config.w0) / np.sqrt(m), (n, m))
        state[f"g{l}"] = np.zeros((n, m))
        state[f"v_rms{l}"] = np.zeros((n, m))
    state["train_distances"] = np.full(training_runs(net.config), np.nan)  # the training trials' mean distance, per chunk
    return state


def training_runs(config: Config) -> int:
    """The compiled runs (chunks) of a training."""
    return max(1, int(round(float(config.train_duration) / float(config.run_duration))))


def learning_rate(net: Network, chunk: int) -> float:
    anneal = float(net.config.anneal_after)
    trained = (chunk - 1) * net.shape.steps * net.shape.dt
    return net.params["eta"] * (0.1 if 0 < anneal <= trained + 1e-9 else 1.0)


def train(net: Network, state: dict, chunk: int) -> dict:
    out = net.run(state, chunk, eta=learning_rate(net, chunk), seed=run_seed(net.seed, 5, chunk))
    shape = net.shape
    state = dict(state)
    for l in range(shape.n_layers):
        for v in ss.PLASTIC_STATE:
            state[f"{v}{l}"] = ss.synapses_to_weights(out[f"ff{l}.{v}"], shape.sizes[l], shape.sizes[l + 1])
    state["train_distances"] = state["train_distances"].copy()
    state["train_distances"][chunk - 1] = np.mean(net.trial_distances(out, shape.trials))
    return state


def spike_matching(target_t, target_i, out_t, out_i, trial: np.ndarray, out_trial: np.ndarray):
    """For every target spike, the distance to the nearest output spike of the same neuron and
    trial (inf if none); for every output spike, the distance to the nearest target spike."""
    def nearest(t, i, k, other_t, other_i, other_k):
        result = np.full(len(t), np.inf)
        for n in range(len(t)):
            same = (other_i == i[n]) & (other_k == k[n])
            if same.any():
                result[n] = np.min(np.abs(other_t[same] - t[n]))
        return result
    return (nearest(target_t, target_i, trial, out_t, out_i, out_trial),
            nearest(out_t, out_i, out_trial, target_t, target_i, trial))


def evaluate(net: Network, state: dict) -> tuple[dict, dict]:
    shape = net.test_shape
    out = net.run(state, None, eta=0.0, seed=run_seed(net.seed, 6))
    trial_seconds = shape.trial_steps * shape.dt
    distances = net.trial_distances(out, shape.trials)
    spikes = {g: (np.asarray(out[f"{g}_spikes.t"]), np.asarray(out[f"{g}_spikes.i"]))
              for g in ("inputs", "output", "target") + (("hidden",) if shape.hidden else ())}
    (tt, ti), (ot, oi) = spikes["target"], spikes["output"]
    t_k, o_k = (tt / trial_seconds + 1e-9).astype(int), (ot / trial_seconds + 1e-9).astype(int)
    precision = float(net.config.precision)
    to_output, to_target = spike_matching(tt, ti, ot, oi, t_k, o_k)
    right = np.ones(shape.trials, dtype=bool)
    np.logical_and.at(right, t_k, to_output <= precision)
    np.logical_and.at(right, o_k, to_target <= precision)
    hit = to_output <= precision
    result = {"distance": float(np.mean(distances)),
              "hit_fraction": float(np.mean(hit)) if len(hit) else 1.0,
              "max_timing_error_ms": float(np.max(to_output) * 1e3) if len(hit) and hit.all() else float("inf"),
              "extra_fraction": float(np.mean(to_target > precision)) if len(to_target) else 0.0,
              "accuracy": float(np.mean(right)),
              "output_spikes": float(len(ot) / shape.trials), "target_spikes": float(len(tt) / shape.trials)}
    if shape.hidden:
        result["rate_hidden"] = float(np.sum(out["hidden.count"]) / (shape.hidden * shape.trials * trial_seconds))
    arrays = {f"spikes_{g}_{v}": a for g, (t, i) in spikes.items() for v, a in (("t", t), ("i", i))}
    arrays |= {"trial_seconds": np.array(trial_seconds), "distances": distances, "right": right,
               "n_out": np.array(shape.n_out),
               "train_distances": state["train_distances"], "chunk_seconds": np.array(net.shape.steps * net.shape.dt)}
    if net.task.image is not None:
        arrays["image"] = net.task.image
    if net.task.conditions is not None:
        arrays["conditions"] = net.task.conditions
    return result, arrays


class Superspike(Experiment):
    """One chunk = one compiled run of `run_duration` of training, trials without pause."""

    name = "superspike"
    Config = Config
    presets = PRESETS
    roles = dict(ss.ROLES)
    summary_keys = ("trained_s", "distance_before", "distance_after", "distance_ratio", "hit_fraction_after",
                    "max_timing_error_ms_after", "extra_fraction_after", "accuracy_before", "accuracy_after")
    export_refusal = ("its training draws each chunk's trials and sets the learning rate in Python between runs, "
                      "which the exported binary cannot do alone")

    def compose(self, loaded):
        return ss.compose(loaded)

    def check(self, config, params, models):
        self.blueprint(config, models, params)  # the task, its shape and the feedback type are checked
        interval = float(np.asarray(params["update_period"]))
        if interval < float(config.dt):
            raise NeurosimsError(f"update_period ({params['update_period']}) is shorter than dt ({config.dt})")

    def blueprint(self, config, models, params):
        task = make_task(config, 0)  # the shapes do not depend on the seed
        return ss.blueprint(self.name, shape_of(config, task, testing=False), models,
                            float(np.asarray(params["update_period"])))

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        return initial_state(net)

    def train(self, net, state, chunk):
        return train(net, state, chunk)

    def schedule(self, config):
        total = training_runs(config)
        task = make_task(config, 0)
        chunk_seconds = shape_of(config, task, testing=False).steps * float(config.dt)
        return Schedule(total, log_spaced_chunks(total, config.n_checkpoints), chunk_seconds)

    def evaluate(self, net, state, chunk):
        result, arrays = evaluate(net, state)
        return {"trained_s": chunk * net.shape.steps * net.shape.dt, **result}, arrays

    def summarise(self, history):
        first, last = history[0], history[-1]
        return {"trained_s": last["trained_s"], "distance_before": first["distance"],
                "distance_after": last["distance"],
                "distance_ratio": first["distance"] / max(last["distance"], 1e-6),  # at most before/1e-6
                "hit_fraction_after": last["hit_fraction"], "max_timing_error_ms_after": last["max_timing_error_ms"],
                "extra_fraction_after": last["extra_fraction"], "accuracy_before": first["accuracy"],
                "accuracy_after": last["accuracy"]}

    def figures(self, config, history, before, after):
        figures = {"distance.png": distance_curve(history, after), "rasters.png": output_rasters(before, after)}
        if "image" in after:
            figures["picture.png"] = picture_figure(after, before, config)
        if "spikes_hidden_t" in after:
            figures["hidden.png"] = hidden_raster(after)
        return figures


def distance_curve(history: list[dict], after: dict):
    """The test van Rossum distance (learning off) and the training trials' mean of every run."""
    trained = np.array([h["trained_s"] for h in history])
    fig, ax = plots.plt.subplots(figsize=(5, 3.2))
    online = after["train_distances"]
    ax.plot((np.arange(len(online)) + 0.5) * float(after["chunk_seconds"]), online, "-", lw=1, color="gray",
            label="training trials (learning on), mean per run")
    floor = 1e-4  # a distance of 0 (every spike in its target's step) drawn at the floor
    ax.plot(trained, [max(h["distance"], floor) for h in history], "o-", ms=3, label="test trials (learning off)")
    ax.set_yscale("log")
    ax.set_xlabel("simulated training (s)")
    ax.set_ylabel("van Rossum distance (unmatched spikes)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def output_rasters(before: dict, after: dict):
    """Output spikes (black) against target spikes (red circles), before and after training, for
    the test trials (one row per neuron and trial)."""
    fig, axes = plots.plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    for ax, arrays, title in ((axes[0], before, "before"), (axes[1], after, "after")):
        trial, n_out = float(arrays["trial_seconds"]), int(arrays["n_out"])
        for g, style in (("target", dict(marker="o", mfc="none", color="tab:red", ms=4, ls="none")),
                         ("output", dict(marker="|", color="k", ms=5, ls="none"))):
            t, i = arrays[f"spikes_{g}_t"], arrays[f"spikes_{g}_i"]
            k = (t / trial + 1e-9).astype(int)
            ax.plot((t - k * trial) * 1e3, k * n_out + i, label=g, **style)
        ax.set_title(f"{title} training: distance {np.mean(arrays['distances']):.3g}", fontsize=9)
        ax.set_xlim(0, trial * 1e3)
        ax.set_xlabel("time in trial (ms)")
    axes[0].set_ylabel("test trial x output neuron")
    axes[1].legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def picture_figure(after: dict, before: dict, config: Config):
    """The target picture and the output raster before and after, as images of spikes per pixel bin."""
    image = after["image"]
    rows, columns = image.shape
    bin_s = float(config.pixel_duration)

    def binned(arrays):
        counts = np.zeros((rows, columns))
        t, i = arrays["spikes_output_t"], arrays["spikes_output_i"]
        c = np.minimum((t / bin_s).astype(int), columns - 1)
        np.add.at(counts, (rows - 1 - i.astype(int), c), 1)
        return counts

    fig, axes = plots.plt.subplots(3, 1, figsize=(8, 4.6), sharex=True)
    for ax, img, title in ((axes[0], image.astype(float), "target raster"), (axes[1], binned(before), "output before"),
                           (axes[2], binned(after), "output after")):
        ax.imshow(img, cmap="gray_r", aspect="auto", vmin=0, vmax=1, extent=(0, columns * bin_s * 1e3, 0, rows))
        ax.set_ylabel(title, fontsize=8)
    axes[-1].set_xlabel("time (ms)")
    fig.tight_layout()
    return fig


def hidden_raster(after: dict):
    fig, ax = plots.plt.subplots(figsize=(7, 2.8))
    ax.plot(after["spikes_hidden_t"] * 1e3, after["spikes_hidden_i"], "|", ms=3, color="k")
    ax.set_xlabel("time in the test run (ms)")
    ax.set_ylabel("hidden neuron")
    ax.set_title("hidden layer after training", fontsize=9)
    fig.tight_layout()
    return fig


EXPERIMENT = Superspike()
