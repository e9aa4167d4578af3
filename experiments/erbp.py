"""eRBP: event-driven random back-propagation in two-compartment neurons (Neftci et al. 2017).

Stochastic data neurons turn each pixel into a spike train (escape-noise SRM0 neurons, the
authors' encoding), label neurons fire for the sample's class while training, and error
neurons in positive/negative pairs per class integrate label minus prediction. Their spikes
reach the output layer's dendrites one to one and every hidden layer's through fixed random
weights. On every presynaptic spike a plastic synapse adds eta U_post to its weight if the
postsynaptic synaptic current I lies in the boxcar (b_min, b_max): one addition and two
comparisons per synaptic event, no learning in each sample's first 50 ms.

Data (`--data`): digits (default; scikit-learn's digits, real, offline), mnist:DIR (the four
IDX files a user has downloaded; neurosims/data/images.py), or event data (digits-saccades,
braille, nmnist:DIR, ...; neurosims/data), whose events are the data neurons' spikes.

Protocol (the authors' Auryn driver run_classification_mnist_deep_dual.py and Table 2 where
they apply; HBPNeurorobotics/auryn d7c2e58): dt 0.1 ms; 250 ms per training sample without
pause, a new order every epoch; test: 400 ms per held-out sample, the output neuron with the
most spikes over the whole sample. Initial weights uniform +-sqrt(7/(n_in + n_out)) (the
visible layer's n_in counts the label neurons); the hidden layers' feedback B uniform
+-sqrt(7/(classes + n)), each neuron's mean over classes removed; w_err 90 mV. Neuron states
start at 0 at the start of every run of `samples_per_run` samples (the authors start every
epoch in a new process). Departures, each for the data's size: digits has 1,437 training
samples (MNIST 50,000 per epoch); the learning rate and epochs of each preset say theirs.
While testing the label neurons stay on: they drive only the error neurons, which reach only
the dendrites, so with learning off the prediction is the one the authors measure (labels
silent) and the error neurons' activity is measured in the same pass.

Models (equations/): srm0_escape (inputs), erbp_two_compartment, erbp_error (neurons),
erbp_feedforward, error_drive, error_to_dendrite (synapses), erbp, erbp_quantized (rules).
NumPy reference: neurosims/methods/erbp/reference.py; the non-spiking comparison:
neurosims/methods/erbp/random_backprop.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, mV, volt

from neurosims import plots
from neurosims.config import Preset, Setting, quantity
from neurosims.data import open_events, parse_spec
from neurosims.data.events import event_run_values, pack
from neurosims.data.images import NAMES as IMAGE_DATA
from neurosims.data.images import open_images
from neurosims.errors import NeurosimsError
from neurosims.experiment import Experiment, Schedule
from neurosims.methods.erbp import network as erbp
from neurosims.training import log_spaced_chunks, samples_of_chunk

AURYN = "HBPNeurorobotics/auryn d7c2e58"
DRIVER = f"{AURYN} experiments/run_classification_mnist_deep_dual.py"


@dataclass(frozen=True)
class Config:
    data: str = "digits"  # digits, mnist:DIR (neurosims/data/images.py), or event data (neurosims/data)
    downsample: int = 1  # camera data: sum blocks of downsample x downsample pixels (other data: no effect)
    entries_per_sample: int = 20000  # event data: room for a sample's event entries in a run
    hidden: tuple = (100,)  # neurons per hidden layer
    dt: Quantity = quantity(0.1 * ms)  # Auryn's time step (auryn_definitions.cpp)
    train_duration: Quantity = quantity(250 * ms)  # per training sample, no pause (the driver)
    test_duration: Quantity = quantity(400 * ms)  # per test sample (the driver)
    epochs: int = 40  # 57,480 samples of digits (after 20 the test error was still falling: 4.4%, seed 0)
    n_train: int = 0  # training samples per epoch (0: all)
    n_test: int = 0  # held-out samples tested at each evaluation (0: all)
    samples_per_run: int = 50  # samples of one compiled run (one chunk of training)
    w_err: Quantity = quantity(90 * mV)  # the error pathway's weights (Table 2: w_E, w_L)
    init_gain: float = 7.0  # initial weights uniform +-sqrt(init_gain/(n_in + n_out)) (the driver's std_weight 7)
    hidden_boxcar: Quantity = quantity(25 * volt)  # boxcar of hidden-to-hidden connections (exp_rbp_dual.cpp 287-288)
    quantized: bool = False  # 8-bit weights during learning (plasticity/erbp_quantized)
    rbp_epochs: int = 100  # of the non-spiking comparison (random back-propagation in NumPy)
    n_checkpoints: int = 8

    def __post_init__(self):
        data_kind(self.data)
        if any(int(n) != n or n < 1 for n in self.hidden):
            raise ValueError("hidden must list whole numbers >= 1 (one per hidden layer; () for none)")
        for name in ("epochs", "samples_per_run", "n_checkpoints", "rbp_epochs", "downsample",
                     "entries_per_sample"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("n_train", "n_test"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 (all) or more")
        for name in ("train_duration", "test_duration"):
            if self.steps(getattr(self, name)) < 2:
                raise ValueError(f"{name} must last at least two time steps")
        if self.init_gain <= 0 or float(self.w_err) <= 0 or float(self.hidden_boxcar) <= 0:
            raise ValueError("init_gain, w_err and hidden_boxcar must be positive")

    def steps(self, duration) -> int:
        return int(round(float(duration) / float(self.dt)))


PRESETS = {
    "tiny": Preset("every stage in seconds: 64-20-10, 120 training samples in 12 runs, 20 test samples",
                   dict(hidden=(20,), n_train=120, n_test=20, epochs=1, samples_per_run=10, n_checkpoints=2,
                        rbp_epochs=5)),
    "quick": Preset("64-100-10 on 500 digits for two epochs, tested on 150: the test error falls in a minute",
                    dict(n_train=500, n_test=150, epochs=2, samples_per_run=50, n_checkpoints=3)),
    "default": Preset("digits, 64-100-10, 40 epochs (57,480 samples of 250 ms), tested on all 360 held-out digits",
                      dict()),
    "deep": Preset("digits, 64-200-200-10 (the driver's network on digits), boxcar +-0.6 on the first and last "
                   "connections and +-25 between the hidden layers, 40 epochs",
                   dict(hidden=(200, 200),
                        b_min=Setting(-0.6 * volt, f"{DRIVER} lines 101-102 (gate -0.6)"),
                        b_max=Setting(0.6 * volt, f"{DRIVER} lines 101-102 (gate 0.6)"))),
    "saccades": Preset("digits-saccades (event data) at 16x16, 512-100-10: the events as the data neurons' spikes, "
                       "250 ms presentations for training and testing (the recordings last 315 ms), 10 epochs",
                       dict(data="digits-saccades", downsample=2, hidden=(100,), test_duration=250 * ms, epochs=10)),
    "paper": Preset("the driver's MNIST protocol (--data mnist:DIR): 784-200-200-10, 50,000 samples per epoch "
                    "drawn from the training set, 60 epochs, tested on all test images",
                    dict(hidden=(200, 200), epochs=60, n_train=50000, samples_per_run=200,
                         b_min=Setting(-0.6 * volt, f"{DRIVER} lines 101-102 (gate -0.6)"),
                         b_max=Setting(0.6 * volt, f"{DRIVER} lines 101-102 (gate 0.6)"))),
}
# The 8-bit weights' ranges per connection (the authors' exp_rbp_dual_rr.cpp): from the visible
# layer +-0.75 (lines 213-215), between hidden layers +-2 (lines 295-297), into the output +-1 (227-229)
QUANTIZED_RANGE = {"first": 0.75, "hidden": 2.0, "last": 1.0}


def data_kind(spec: str) -> str:
    """"images" or "events": which reader a --data spec goes to (an unknown name is refused)."""
    from neurosims.data.images import parse_image_spec

    if spec.partition(":")[0] in IMAGE_DATA:
        parse_image_spec(spec)
        return "images"
    try:
        parse_spec(spec)
    except NeurosimsError as err:
        if "unknown data" in str(err):
            raise NeurosimsError(f"unknown data {spec.partition(':')[0]!r}; erbp reads images (digits, mnist:DIR) "
                                 f"or event data (braille, digits-saccades, nmnist:DIR, dvsgesture:DIR, shd:DIR)") from None
        raise
    return "events"


class EventData:
    """Event data as eRBP reads it: each sample's events binned at dt over the training and
    the test presentation; as vectors (events per channel, scaled to 0-1 per sample) for the
    non-spiking comparison."""

    def __init__(self, config: Config):
        dt_us = float(config.dt) * 1e6
        self.train_set, self.test_set = (
            open_events(config.data, dt_us, float(d) * 1e6, downsample=config.downsample)
            for d in (config.train_duration, config.test_duration))
        self.pixels, self.n_classes = self.train_set.channels, len(self.train_set.classes)
        self.train_y, self.test_y = self.train_set.train.labels, self.test_set.test.labels
        self._vectors = {}

    def samples(self, split: str, indices) -> list:
        dataset = self.train_set.train if split == "train" else self.test_set.test
        return [dataset[int(k)][0] for k in indices]

    def vectors(self, split: str, indices) -> np.ndarray:
        rows = []
        for k in indices:
            if (split, int(k)) not in self._vectors:
                binned = self.samples(split, [k])[0]
                row = np.bincount(binned.channel, weights=binned.count, minlength=self.pixels)
                self._vectors[split, int(k)] = row / max(row.max(), 1.0)
            rows.append(self._vectors[split, int(k)])
        return np.array(rows)


def open_data(config: Config):
    return open_images(config.data) if data_kind(config.data) == "images" else EventData(config)


def shape(config: Config, data, testing: bool = False) -> erbp.Shape:
    duration = config.test_duration if testing else config.train_duration
    capacity = config.samples_per_run * config.entries_per_sample if isinstance(data, EventData) else 0
    return erbp.Shape(n_pixels=data.pixels, hidden=tuple(int(n) for n in config.hidden), n_classes=data.n_classes,
                      sample_steps=config.steps(duration), batch=config.samples_per_run, dt=float(config.dt),
                      quantized=config.quantized, record=testing, event_capacity=capacity)


def weight_ranges(n_layers: int) -> list[float]:
    """The 8-bit weights' range of each connection (QUANTIZED_RANGE)."""
    ranges = [QUANTIZED_RANGE["hidden"]] * n_layers
    ranges[0], ranges[-1] = QUANTIZED_RANGE["first"], QUANTIZED_RANGE["last"]
    return ranges if n_layers > 1 else [QUANTIZED_RANGE["first"]]


def quantize(w: np.ndarray, w_max: float, rng) -> np.ndarray:
    """Stochastic rounding to the 256 levels of [-w_max, w_max) (plasticity/erbp_quantized)."""
    res = 2 * w_max / 256
    return np.clip(np.sign(w) * np.floor(np.abs(w) / res + rng.random(w.shape)) * res, -w_max, w_max - res)


class Network:
    """The compiled networks (training, testing), the data and what the seed draws (initial
    weights, the feedback, the training subset and order)."""

    def __init__(self, config: Config, models: dict, params: dict, sim, seed: int):
        self.config, self.models, self.sim, self.seed = config, models, sim, seed
        self.data = open_data(config)
        self.params = {k: float(np.asarray(v)) for k, v in params.items()}
        self.params["sample_steps"] = float(config.steps(config.train_duration))
        self.params["quiet_steps"] = float(int(round(self.params["quiet_steps"])))
        self.shape = shape(config, self.data)
        self.test_shape = shape(config, self.data, testing=True)
        self._tester = None  # the test network, built beside the training one when first used
        rng = np.random.default_rng([seed, 0])
        n_train = config.n_train or len(self.data.train_y)
        # more samples per epoch than the data has: drawn with replacement (the driver's MNIST epochs)
        self.train_index = np.sort(rng.choice(len(self.data.train_y), n_train,
                                              replace=n_train > len(self.data.train_y)))
        n_test = config.n_test or len(self.data.test_y)
        if n_test > len(self.data.test_y):
            raise NeurosimsError(f"n_test is {n_test}, {config.data} has {len(self.data.test_y)} test samples")
        self.test_index = np.linspace(0, len(self.data.test_y) - 1, n_test).round().astype(int)
        self._rbp = None
        ranges = weight_ranges(self.shape.n_layers)
        self.overrides = {}
        for l in range(self.shape.n_layers):
            if 0 < l < self.shape.n_layers - 1:  # between hidden layers (the driver's +-25)
                self.overrides |= {f"ff{l}.b_min": -float(config.hidden_boxcar), f"ff{l}.b_max": float(config.hidden_boxcar)}
            if config.quantized:
                self.overrides[f"ff{l}.w_max"] = ranges[l]

    def rbp_test_error(self) -> float:
        """The non-spiking comparison's test error (computed once)."""
        if self._rbp is None:
            self._rbp = rbp_test_error(self)
        return self._rbp

    def training_samples(self, chunk: int) -> np.ndarray:
        """The samples of training chunk `chunk` (1, 2, ...): a new order every epoch."""
        return samples_of_chunk(self.train_index, self.config.samples_per_run, self.seed, chunk)

    def values(self, state: dict, shape_: erbp.Shape, eta: float) -> dict:
        weights = [state[f"W{l}"] for l in range(shape_.n_layers)]
        feedback = [state[f"B{l}"] for l in range(len(shape_.hidden))]
        params = dict(self.params, eta=eta)
        return erbp.run_values(shape_, self.models, params, weights, feedback, float(self.config.w_err),
                               self.overrides)

    def tester(self):
        from neurosims.simulators import open_beside

        if self._tester is None:
            self._tester = open_beside(self.sim, erbp.blueprint("erbp-test", self.test_shape, self.models))
        return self._tester

    def inputs(self, split: str, indices) -> np.ndarray:
        """The samples as vectors 0-1 (images; event data: events per channel, scaled)."""
        if isinstance(self.data, EventData):
            return self.data.vectors(split, indices)
        return getattr(self.data, f"{split}_x")[indices]

    def run(self, state: dict, indices, training: bool, seed: int) -> dict:
        """One compiled run of the samples `indices` (training: learning on); its outputs."""
        split = "train" if training else "test"
        y = getattr(self.data, f"{split}_y")[indices]
        sim, shape_ = (self.sim, self.shape) if training else (self.tester(), self.test_shape)
        values = self.values(state, shape_, self.params["eta"] if training else 0.0)
        if shape_.events:
            events, timed = event_run_values(pack(self.data.samples(split, indices), shape_.event_capacity), "data")
            values |= events
            timed["drive"] = erbp.drive(None, y, self.data.n_classes)
        else:
            timed = {"drive": erbp.drive(self.inputs(split, indices), y, self.data.n_classes)}
        return sim.run(values, timed, seed=seed)


def initial_state(net: Network) -> dict:
    rng = np.random.default_rng([net.seed, 2])
    sizes, gain, c = net.shape.sizes, net.config.init_gain, net.shape.n_classes
    fan_in = [sizes[0] + c, *sizes[1:-1]]  # the visible layer counts its label neurons (the driver)
    state = {}
    for l, (m, n, f) in enumerate(zip(sizes[:-1], sizes[1:], fan_in)):
        w = rng.uniform(-1, 1, (n, m)) * np.sqrt(gain / (f + n))
        state[f"W{l}"] = quantize(w, weight_ranges(net.shape.n_layers)[l], rng) if net.config.quantized else w
    for l, n in enumerate(net.shape.hidden):
        b = rng.uniform(-1, 1, (n, c)) * np.sqrt(gain / (c + n))
        state[f"B{l}"] = b - b.mean(axis=1, keepdims=True)
    state["events"] = np.zeros(net.shape.n_layers)
    state["updates"] = np.zeros(net.shape.n_layers)
    return state


def train(net: Network, state: dict, chunk: int) -> dict:
    indices = net.training_samples(chunk)
    out = net.run(state, indices, training=True, seed=int(np.random.default_rng([net.seed, 3, chunk]).integers(2**31)))
    shape_ = net.shape
    state = dict(state)
    data_count = out["data.count"] if shape_.events else out["visible.count"][:shape_.n_pixels]
    sources = [data_count] + [out[f"layer{l}.count"] for l in range(shape_.n_layers - 1)]
    events, updates = state["events"].copy(), state["updates"].copy()
    for l in range(shape_.n_layers):
        state[f"W{l}"] = erbp.synapses_to_weights(out[f"ff{l}.w"], shape_.sizes[l], shape_.sizes[l + 1])
        events[l] += float(np.sum(sources[l])) * shape_.sizes[l + 1]  # every spike reaches every target
        updates[l] += float(np.sum(out[f"ff{l}.updates"]))
    state["events"], state["updates"] = events, updates
    return state


def evaluate(net: Network, state: dict) -> tuple[dict, dict]:
    """Test error, firing rates per layer (and of the error neurons) on the held-out samples;
    the fraction of training events that changed a weight; rasters of the first sample."""
    shape_, batch = net.test_shape, net.config.samples_per_run
    duration = shape_.sample_steps * shape_.dt
    predicted, counts = [], np.zeros(shape_.n_layers + 2)  # layers, error neurons, data neurons
    arrays = {}
    for first in range(0, len(net.test_index), batch):
        indices = net.test_index[first:first + batch]
        out = net.run(state, np.resize(indices, batch), training=False, seed=net.seed)
        t, i = out[f"layer{shape_.n_layers - 1}_spikes.t"], out[f"layer{shape_.n_layers - 1}_spikes.i"]
        sample = np.minimum((t / duration).astype(int), batch - 1)
        per_sample = np.zeros((batch, shape_.n_classes))
        np.add.at(per_sample, (sample, i), 1)
        predicted += list(per_sample[:len(indices)].argmax(axis=1))
        share = len(indices) / batch
        counts[:shape_.n_layers] += [float(np.sum(out[f"layer{l}.count"])) * share for l in range(shape_.n_layers)]
        counts[-2] += float(np.sum(out["error.count"])) * share
        data_count = out["data.count"] if shape_.events else out["visible.count"][:shape_.n_pixels]
        counts[-1] += float(np.sum(data_count)) * share
        if first == 0:
            arrays = raster(out, shape_, duration)
    labels = net.data.test_y[net.test_index]
    predicted = np.array(predicted)
    seconds = len(labels) * duration
    result = {"test_error": float(np.mean(predicted != labels))}
    for l, n in enumerate(shape_.sizes[1:]):
        result[f"rate_{l}"] = float(counts[l] / (seconds * n))
    result["rate_error"] = float(counts[-2] / (seconds * 2 * shape_.n_classes))
    result["rate_data"] = float(counts[-1] / (seconds * shape_.n_pixels))
    events, updates = state["events"], state["updates"]
    result["update_fraction"] = float(updates.sum() / events.sum()) if events.sum() else 0.0
    confusion = np.zeros((shape_.n_classes, shape_.n_classes), dtype=int)
    np.add.at(confusion, (labels, predicted), 1)
    arrays |= {"confusion": confusion, "labels": labels, "predicted": predicted,
               "update_fraction_per_layer": np.divide(updates, events, out=np.zeros_like(events), where=events > 0),
               "label": np.array(labels[0]), "image": net.inputs("test", net.test_index[:1])[0]}
    return result, arrays


def rbp_test_error(net: Network) -> float:
    """The test error of a non-spiking network of the same shape trained by random
    back-propagation on the same training samples, tested on the same held-out ones."""
    from neurosims.methods.erbp import random_backprop

    data = net.data
    result = random_backprop.train(net.inputs("train", net.train_index), data.train_y[net.train_index],
                                   net.inputs("test", net.test_index), data.test_y[net.test_index],
                                   net.shape.hidden, seed=net.seed, epochs=net.config.rbp_epochs,
                                   n_classes=data.n_classes)
    return result["test_error"]


def raster(out: dict, shape_: erbp.Shape, duration: float) -> dict:
    """The spikes of every group during the first sample of a test run."""
    arrays = {"duration": np.array(duration)}
    groups = [*(["data"] if shape_.events else []), "visible", *(f"layer{l}" for l in range(shape_.n_layers)),
              "error"]
    for g in groups:
        t, i = out[f"{g}_spikes.t"], out[f"{g}_spikes.i"]
        first = t < duration
        arrays[f"spikes_{g}_t"], arrays[f"spikes_{g}_i"] = t[first], i[first]
    return arrays


class Erbp(Experiment):
    """One chunk = one compiled run of `samples_per_run` training samples of 250 ms."""

    name = "erbp"
    Config = Config
    presets = PRESETS
    roles = dict(erbp.ROLES)
    summary_keys = ("samples_trained", "test_error_before", "test_error_after", "test_error_best",
                    "rate_error_before", "rate_error_after", "update_fraction", "rbp_test_error", "gap_to_rbp")
    export_refusal = ("its training packs the samples of every chunk into each run's drive in Python, which "
                      "the exported binary cannot do alone")

    def compose(self, loaded):
        return erbp.compose(loaded)

    def check(self, config, params, models):
        data = open_data(config)  # a missing or bad file is refused before compiling
        erbp.blueprint(self.name, shape(config, data), models)

    def blueprint(self, config, models, params):
        return erbp.blueprint(self.name, shape(config, open_data(config)), models)

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        return initial_state(net)

    def train(self, net, state, chunk):
        return train(net, state, chunk)

    def schedule(self, config):
        n_train = config.n_train or len(open_data(config).train_y)
        total = int(np.ceil(n_train / config.samples_per_run)) * config.epochs
        return Schedule(total, log_spaced_chunks(total, config.n_checkpoints),
                        config.samples_per_run * float(config.train_duration))

    def evaluate(self, net, state, chunk):
        result, arrays = evaluate(net, state)
        result["rbp_test_error"] = net.rbp_test_error()  # the same at every measurement
        return {"samples": chunk * net.config.samples_per_run, **result}, arrays

    def summarise(self, history):
        first, last = history[0], history[-1]
        return {"samples_trained": last["samples"], "test_error_before": first["test_error"],
                "test_error_after": last["test_error"], "test_error_best": min(h["test_error"] for h in history),
                "rate_error_before": first["rate_error"], "rate_error_after": last["rate_error"],
                "update_fraction": last["update_fraction"], "rbp_test_error": first["rbp_test_error"],
                "gap_to_rbp": last["test_error"] - first["rbp_test_error"]}

    def figures(self, config, history, before, after):
        return {"test_error.png": error_curves(history), "rasters.png": rasters(after),
                "rasters_before.png": rasters(before)}


def error_curves(history: list[dict]):
    """Test error and the error neurons' rate against the training samples seen."""
    samples = np.array([h["samples"] for h in history])
    fig, (err, rate) = plots.plt.subplots(1, 2, figsize=(8, 3.2))
    err.plot(samples, [100 * h["test_error"] for h in history], "o-", ms=3, label="eRBP (spiking)")
    err.axhline(100 * history[0]["rbp_test_error"], ls="--", color="gray", label="random BP (non-spiking)")
    err.set_ylabel("test error (%)")
    err.legend(fontsize=7)
    rate.plot(samples, [h["rate_error"] for h in history], "o-", ms=3, color="tab:red")
    rate.set_ylabel("error neurons' rate on held-out samples (Hz)")
    for ax in (err, rate):
        ax.set_xlabel("training samples")
        ax.set_xscale("symlog", linthresh=max(1, samples[1] if len(samples) > 1 else 1))
    fig.tight_layout()
    return fig


def rasters(arrays: dict):
    """Data, hidden, output and error neurons' spikes for one held-out sample."""
    groups = [k[len("spikes_"):-2] for k in arrays if k.startswith("spikes_") and k.endswith("_t")]
    fig, axes = plots.plt.subplots(len(groups), 1, figsize=(7, 1.5 + 1.4 * len(groups)), sharex=True)
    names = {"visible": "label" if "data" in groups else "data + label", "data": "data (events)",
             "error": "error (+ then -)", groups[-2]: "output"}
    for ax, g in zip(axes, groups):
        ax.plot(arrays[f"spikes_{g}_t"] * 1e3, arrays[f"spikes_{g}_i"], "|", ms=2, color="k")
        ax.set_ylabel(names.get(g, g.replace("layer", "layer ")), fontsize=8)
    axes[0].set_title(f"held-out sample of class {int(arrays['label'])}")
    axes[-1].set_xlabel("time (ms)")
    fig.tight_layout()
    return fig


EXPERIMENT = Erbp()
