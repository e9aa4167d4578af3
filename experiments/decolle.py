"""DECOLLE: deep continuous local learning on event data (Kaiser, Mostafa & Neftci 2020).

Layers of LIF neurons, each trained online, at every time step after a burn-in, by the
gradient of its own local loss: a fixed random readout of the layer's spikes against the
one-hot label (smooth L1), through the surrogate derivative and the presynaptic traces only;
no gradient crosses layers or time steps. Adamax with betas (0, 0.95). Convolution layers
(`conv`: channels per layer, shared weights; stride 1, `padding` zeros, 2x2 max pooling where
`pool` says 2, spikes after pooling), then dense layers (`hidden`).

Data (`--set data=...`, neurosims/data/): digits-saccades (default; scikit-learn's digits
recorded like N-MNIST and read by the N-MNIST reader), braille (the real tactile
recordings), nmnist:DIR, dvsgesture:DIR, shd:DIR (tonic's layout; never downloaded).

Protocol (the authors' params_nmnist.yml where it applies): dt 1 ms, 300 steps per sample,
burn-in 60 steps, alpha 0.97, beta 0.92, alpha_rp 0.65, readouts uniform +-0.5/sqrt(fan-in),
dropout 0.5 into the readouts, lr 1e-3, initialisation as the authors' LSUV (orthogonal
weights, zero bias, then scaled and shifted until U has variance 1 and mean 0 on a few
training samples; here over all steps after the burn-in instead of the last step only). One
sample at a time (batch 1: the rule as the paper writes it); a chunk of training is one
compiled run of `samples_per_run` samples. Test: per layer, the most common per-step argmax
of the readout after the burn-in (the authors' test), on held-out samples.

Models (equations/): event_stream, decolle_traces, bias_unit (inputs), decolle_lif,
decolle_lif_pooled, decolle_max_pool, decolle_readout, layer_activity (neurons),
decolle_dense, decolle_conv, spike_link, local_readout, readout_error_feedback, activity_sum,
activity_feedback (synapses), decolle_local, decolle_local_shared (rules), adamax
(optimizer). NumPy reference: neurosims/methods/decolle/reference.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms

from neurosims import plots
from neurosims.config import Preset, Setting, quantity
from neurosims.data import N_CLASSES, default_duration_us, open_events, parse_spec, sensor_size
from neurosims.data.events import event_run_values, pack
from neurosims.errors import NeurosimsError
from neurosims.experiment import Experiment, Schedule
from neurosims.methods.decolle import network as decolle
from neurosims.methods.decolle import reference
from neurosims.training import log_spaced_chunks, samples_of_chunk

PARAMS_NMNIST = "decolle-public scripts/parameters/params_nmnist.yml"


@dataclass(frozen=True)
class Config:
    data: str = "digits-saccades"  # NAME or NAME:PATH (neurosims/data)
    conv: tuple = ()  # channels per convolution layer (the first layers)
    kernel_size: int = 7  # of every convolution layer (params_nmnist.yml: 7)
    padding: int = -1  # zeros on each side of a convolution's input (-1: (kernel_size-1)/2, the authors' code)
    pool: tuple = ()  # per convolution layer: 1 (none) or 2 (2x2 max pooling); () none
    hidden: tuple = (200, 200)  # neurons per dense layer (after the convolution layers)
    dt: Quantity = quantity(1 * ms)
    sample_duration: Quantity = quantity(0 * ms)  # 0: the data's own (N-MNIST-like: the authors' 300 ms)
    first_saccade: bool = False  # N-MNIST-like data: the first 100 ms only (other data: no effect)
    downsample: int = 1  # camera data: sum blocks of downsample x downsample pixels (other data: no effect)
    epochs: int = 5
    lr_drop_interval: int = 30  # epochs between drops of the learning rate (params_nmnist.yml: 30)
    lr_drop_factor: float = 5.0  # the learning rate is divided by this at each drop (params_nmnist.yml: 5)
    n_train: int = 0  # training samples per epoch (0: all)
    n_test: int = 0  # held-out samples tested at each evaluation (0: all)
    samples_per_run: int = 20  # samples of one compiled run (one chunk of training)
    entries_per_sample: int = 6000  # room for a sample's event entries in a run
    lc_ampl: float = 0.5  # readout weights uniform +-lc_ampl/sqrt(fan-in)
    init_samples: int = 8  # training samples the initialisation measures U on
    n_checkpoints: int = 5

    def __post_init__(self):
        parse_spec(self.data)
        if not (self.hidden or self.conv) or any(int(n) != n or n < 1 for n in (*self.conv, *self.hidden)):
            raise ValueError("conv and hidden must list at least one layer, every size a whole number >= 1")
        if self.pool and len(self.pool) != len(self.conv):
            raise ValueError(f"pool has {len(self.pool)} entries, conv {len(self.conv)} layers: give one per layer")
        if any(p not in (1, 2) for p in self.pool):
            raise ValueError("pool entries must be 1 (none) or 2 (2x2 max pooling)")
        if self.kernel_size < 1 or self.padding < -1:
            raise ValueError("kernel_size must be at least 1 and padding -1 (the authors') or more")
        if self.lr_drop_factor < 1:
            raise ValueError("lr_drop_factor must be at least 1 (1: no drop)")
        for name in ("epochs", "lr_drop_interval", "samples_per_run", "entries_per_sample", "init_samples",
                     "n_checkpoints", "downsample"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("n_train", "n_test"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 (all) or more")
        if float(self.sample_duration) < 0:
            raise ValueError("sample_duration must be 0 (the data's own) or more")
        if self.steps < 2:
            raise ValueError("a sample must last at least two time steps")
        sensor_size(self.data, self.downsample)
        if self.conv:
            for l, (_, neurons, pooled) in enumerate(conv_shape(self).maps()):
                if min(neurons[1:]) < 1 or min(pooled[1:]) < 1:
                    raise ValueError(f"convolution layer {l + 1} has no neurons left ({neurons[1]}x{neurons[2]} "
                                     f"before pooling): the input is too small for kernel_size and padding")

    @property
    def conv_layers(self) -> tuple:
        pools = self.pool or (1,) * len(self.conv)
        pad = (self.kernel_size - 1) // 2 if self.padding == -1 else self.padding
        return tuple(decolle.Conv(int(c), self.kernel_size, pad, int(p)) for c, p in zip(self.conv, pools))

    @property
    def n_layers(self) -> int:
        return len(self.conv) + len(self.hidden)

    @property
    def duration_us(self) -> float:
        return float(self.sample_duration) * 1e6 or default_duration_us(self.data, self.first_saccade)

    @property
    def steps(self) -> int:
        return int(round(self.duration_us / (float(self.dt) * 1e6)))


SMALL = dict(downsample=2, first_saccade=True,  # where the data has them (camera data, saccades)
             burnin=Setting(20, "20 steps (the authors: 60 of 300); the first saccade is 100 steps"))
PRESETS = {
    "tiny": Preset("every stage in seconds (16x16 input, first saccade, one layer of 16, 40 samples)",
                   dict(SMALL, hidden=(16,), n_train=40, n_test=20, epochs=1, samples_per_run=10,
                        init_samples=2, n_checkpoints=2)),
    "quick": Preset("digits-saccades at 16x16, first saccade, two layers of 64, 400 samples: learning in a minute",
                    dict(SMALL, hidden=(64, 64), n_train=400, n_test=100, epochs=1, samples_per_run=20,
                         n_checkpoints=3)),
    "default": Preset("digits-saccades (or --set data=...) at 16x16, first saccade, two dense layers of 200, "
                      "10 epochs, the learning rate divided by 5 every 4 epochs",
                      dict(SMALL, epochs=10, lr_drop_interval=4, n_checkpoints=8)),
    "paper": Preset("the authors' N-MNIST protocol (params_nmnist.yml): 32x32, 300 steps, burn-in 60, 100 epochs, "
                    "the learning rate divided by 5 every 30 (dense layers)", dict(epochs=100)),
    "conv-quick": Preset("a small convolution network (8-16 channels, 5x5 kernels, 2x2 pooling after each) on "
                         "digits-saccades at 16x16, first saccade, 300 samples",
                         dict(SMALL, conv=(8, 16), kernel_size=5, pool=(2, 2), hidden=(), n_train=300, n_test=100,
                              epochs=1, samples_per_run=20, n_checkpoints=1)),
    "conv": Preset("digits-saccades at 16x16, first saccade, two convolution layers of 16-32 channels (5x5 "
                   "kernels, 2x2 pooling after each), 6 epochs, the learning rate divided by 5 every 2",
                   dict(SMALL, conv=(16, 32), kernel_size=5, pool=(2, 2), hidden=(), epochs=6,
                        lr_drop_interval=2, n_checkpoints=6)),
    "nmnist-conv": Preset("the paper's N-MNIST network and protocol (params_nmnist.yml): 32x32 input, convolution "
                          "layers of 64-128-128 channels with 7x7 kernels, 2x2 pooling after the first and the last, "
                          "a dense layer of 10, 300 steps, burn-in 60, 100 epochs (--set data=nmnist:DIR)",
                          dict(conv=(64, 128, 128), kernel_size=7, pool=(2, 1, 2), hidden=(10,), epochs=100)),
    "dvsgesture-conv": Preset(
        "the paper's DVSGesture network and protocol (params_dvsgestures_torchneuromorphic.yml): 32x32 input, "
        "convolution layers of 64-128-128 channels with 7x7 kernels, 2x2 pooling after the first and the last, "
        "500 ms samples, burn-in 100, 200 epochs (--set data=dvsgesture:DIR)",
        dict(conv=(64, 128, 128), kernel_size=7, pool=(2, 1, 2), hidden=(), epochs=200,
             sample_duration=500 * ms, lc_ampl=2.0, entries_per_sample=60000,
             burnin=Setting(100, "decolle-public params_dvsgestures_torchneuromorphic.yml (burnin_steps 100)"),
             eta=Setting(3.6e-4, "decolle-public params_dvsgestures_torchneuromorphic.yml (learning_rate 3.6e-4)"))),
}


def shape(config: Config, samples: int | None = None, record_state: bool = False,
          learning: bool = True) -> decolle.Shape:
    width, height, polarities = sensor_size(config.data, config.downsample)
    samples = samples or config.samples_per_run
    return decolle.Shape(n_in=width * height * polarities, hidden=tuple(int(n) for n in config.hidden),
                         n_classes=N_CLASSES[parse_spec(config.data)[0]], sample_steps=config.steps,
                         batch=samples, capacity=samples * config.entries_per_sample, dt=float(config.dt),
                         record_state=record_state, learning=learning, in_shape=(polarities, height, width),
                         conv=config.conv_layers)


def conv_shape(config: Config) -> decolle.Shape:
    """The geometry of the network (its maps), before the data is opened."""
    width, height, polarities = sensor_size(config.data, config.downsample)
    return decolle.Shape(width * height * polarities, (), 1, 1, 1, 1, 1.0, in_shape=(polarities, height, width),
                         conv=config.conv_layers)


class Network:
    """The compiled network, the data and what the seed draws (initial weights, readouts, the
    training subset and order)."""

    def __init__(self, config: Config, models: dict, params: dict, sim, seed: int):
        self.config, self.models, self.sim, self.seed = config, models, sim, seed
        self.params = {k: float(np.asarray(v)) for k, v in params.items()}
        self.params |= {"sample_steps": float(config.steps)}
        self.shape = shape(config)
        self.data = open_data(config)
        if self.data.channels != self.shape.n_in or len(self.data.classes) != self.shape.n_classes:
            raise NeurosimsError(f"{config.data}: {self.data.channels} channels and {len(self.data.classes)} classes, "
                                 f"the network expects {self.shape.n_in} and {self.shape.n_classes}")
        rng = np.random.default_rng([seed, 0])
        n_train = config.n_train or len(self.data.train)
        if n_train > len(self.data.train):
            raise NeurosimsError(f"n_train is {n_train}, {config.data} has {len(self.data.train)} training samples")
        self.train_index = np.sort(rng.permutation(len(self.data.train))[:n_train])
        n_test = config.n_test or len(self.data.test)
        if n_test > len(self.data.test):
            raise NeurosimsError(f"n_test is {n_test}, {config.data} has {len(self.data.test)} test samples")
        self.test_index = np.linspace(0, len(self.data.test) - 1, n_test).round().astype(int)  # every class
        self._binned = {}
        self._tester = self._raster = None  # networks without the learning code, built when first used

    def sample(self, split: str, index: int):
        key = (split, int(index))
        if key not in self._binned:
            self._binned[key] = getattr(self.data, split)[int(index)]
        return self._binned[key]

    def runs_per_epoch(self) -> int:
        return int(np.ceil(len(self.train_index) / self.config.samples_per_run))

    def training_samples(self, chunk: int) -> np.ndarray:
        """The samples of training chunk `chunk` (1, 2, ...): a new order every epoch."""
        return samples_of_chunk(self.train_index, self.config.samples_per_run, self.seed, chunk)

    def tester(self, record_state: bool = False):
        """(simulator, shape) of the network that tests: no rule or optimizer code, the
        training network's build cache; with `record_state`, one sample that records it."""
        from neurosims.simulators import open_beside

        which = "_raster" if record_state else "_tester"
        if getattr(self, which) is None:
            one = shape(self.config, samples=1 if record_state else None, record_state=record_state, learning=False)
            name = "decolle-raster" if record_state else "decolle-test"
            setattr(self, which, (open_beside(self.sim, decolle.blueprint(name, one, self.models)), one))
        return getattr(self, which)

    def learning_rate(self, chunk: int) -> float:
        """The learning rate of training chunk `chunk`: divided by lr_drop_factor every
        lr_drop_interval epochs (the authors' schedule)."""
        epoch = (chunk - 1) // self.runs_per_epoch()
        return self.params["eta"] / self.config.lr_drop_factor ** (epoch // self.config.lr_drop_interval)

    def run(self, state: dict, split: str, indices, training: bool, record_state: bool = False,
            eta: float | None = None) -> tuple[dict, dict]:
        """One compiled run of the samples `indices`; the state after it (training, at the
        learning rate `eta`, the model's when None) and the outputs."""
        sim, shape_ = (self.sim, self.shape) if training else self.tester(record_state)
        samples = [self.sample(split, i) for i in indices]
        labels = np.array([label for _, label in samples], dtype=float)
        events, timed = event_run_values(pack([s for s, _ in samples], shape_.capacity), "inputs")
        weights, readouts, optimizer, gates = unflatten(state, shape_.n_layers)
        params = dict(self.params, training=float(training), eta=(self.params["eta"] if eta is None else eta))
        if not training:
            params |= {"eta": 0.0}
        values = events | decolle.run_values(shape_, self.models, params, weights, readouts, optimizer, gates)
        out = sim.run(values, timed | {"sample_label": labels}, seed=self.seed)
        if not training:
            return state, out
        weights, optimizer, gates = decolle.state_after(shape_, out)
        return flatten(weights, readouts, optimizer, gates), out


def flatten(weights, readouts, optimizer, gates) -> dict:
    """The training state as flat arrays (checkpoints)."""
    state = {"gates": np.asarray(gates, dtype=float)}
    for l, (w, ro, opt) in enumerate(zip(weights, readouts, optimizer)):
        state |= {f"W{l}": w["W"], f"b{l}": w["b"], f"G{l}": ro["G"], f"bG{l}": ro["b"]}
        for name in ("W", "b"):
            state |= {f"{s}_{name}{l}": opt[name][s] for s in ("m", "u", "b1", "g")}
    return state


def unflatten(state: dict, n_layers: int):
    weights = [{"W": state[f"W{l}"], "b": state[f"b{l}"]} for l in range(n_layers)]
    readouts = [{"G": state[f"G{l}"], "b": state[f"bG{l}"]} for l in range(n_layers)]
    optimizer = [{name: {s: state[f"{s}_{name}{l}"] for s in ("m", "u", "b1", "g")} for name in ("W", "b")}
                 for l in range(n_layers)]
    return weights, readouts, optimizer, list(state["gates"])


def initial_weights(net: Network) -> dict:
    """The authors' initialisation: readouts uniform +-lc_ampl/sqrt(fan-in) (weights and bias),
    dense layers' weights orthogonal, convolution kernels uniform +-1/sqrt(fan-in) (torch's
    Conv2d default), zero biases, then LSUV: each layer's weights scaled to var(U) = 1 and its
    bias moved by half the mean of U, until |var - 1| <= 0.1 and |mean| <= 0.2, with U (after
    pooling) measured by the NumPy reference on `init_samples` training samples."""
    config, shape_ = net.config, net.shape
    rng = np.random.default_rng([net.seed, 2])
    readouts = [{"G": rng.uniform(-1, 1, (shape_.n_classes, n)) * config.lc_ampl / np.sqrt(n),
                 "b": rng.uniform(-1, 1, shape_.n_classes) * config.lc_ampl / np.sqrt(n)} for n in shape_.sizes[1:]]
    weights = []
    for (c_in, _, _), c in zip((m[0] for m in shape_.maps()), shape_.conv):
        fan_in = c_in * c.kernel ** 2
        weights.append({"W": rng.uniform(-1, 1, (c.channels, c_in, c.kernel, c.kernel)) / np.sqrt(fan_in),
                        "b": np.zeros(c.channels)})
    dense_sizes = shape_.sizes[len(shape_.conv):]
    weights += [{"W": _orthogonal(rng, n, m), "b": np.zeros(n)} for m, n in zip(dense_sizes[:-1], dense_sizes[1:])]
    samples = [net.sample("train", i) for i in net.train_index[:config.init_samples]]
    frames = np.concatenate([s.dense() for s, _ in samples])
    labels = np.array([label for _, label in samples])
    params = dict(net.params, eta=0.0, training=0.0)
    burnin = int(params["burnin"])
    after = (np.arange(len(frames)) % config.steps) >= burnin
    for _ in range(50):
        u = reference.run(params, weights, readouts, frames, labels, in_shape=shape_.in_shape, conv=shape_.conv)["U"]
        done = True
        for w, ul in zip(weights, u):
            var, mean = float(np.var(ul[after])), float(np.mean(ul[after]))
            if abs(var - 1) > 0.1:
                w["W"] *= 1 / np.sqrt(max(var, 1e-3))
                done = False
            if abs(mean) > 0.2:
                w["b"] -= 0.5 * mean
                done = False
        if done:
            break
    return flatten(weights, readouts, decolle.fresh_optimizer(weights), [0.0] * len(weights))


def _orthogonal(rng, rows: int, cols: int) -> np.ndarray:
    """A (rows, cols) matrix with orthonormal rows or columns (torch.nn.init.orthogonal_)."""
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    return q if rows >= cols else q.T


def predictions(r: np.ndarray, samples: int, steps: int, burnin: int) -> np.ndarray:
    """Per sample, the most common per-step argmax of the readout after the burn-in (the
    authors' prediction_mostcommon; sigmoid does not change the argmax)."""
    per_step = r.reshape(samples, steps, -1)[:, burnin:].argmax(axis=2)
    return np.array([np.bincount(p, minlength=r.shape[1]).argmax() for p in per_step])


def evaluate(net: Network, state: dict) -> tuple[dict, dict]:
    """Test accuracy, local loss and firing rate of every layer on the held-out samples."""
    config, n_layers = net.config, net.shape.n_layers
    burnin, batch = int(net.params["burnin"]), config.samples_per_run
    predicted = [[] for _ in range(n_layers)]
    losses, counts, labels = np.zeros(n_layers), np.zeros(n_layers), []
    for first in range(0, len(net.test_index), batch):
        indices = net.test_index[first:first + batch]
        padded = np.resize(indices, batch)
        _, out = net.run(state, "test", padded, training=False)
        labels += [net.sample("test", i)[1] for i in indices]
        for l in range(n_layers):
            r = out[f"readout{l}_record.r"][:len(indices) * config.steps]
            predicted[l] += list(predictions(r, len(indices), config.steps, burnin))
            loss = out[f"readout{l}_record.loss"].sum(axis=1).reshape(batch, config.steps)[:len(indices), burnin:]
            losses[l] += loss.sum()
            counts[l] += float(np.sum(out[f"{net.shape.output_group(l)}.count"])) * len(indices) / batch
    labels = np.array(labels)
    n = len(labels)
    result = {}
    for l in range(n_layers):
        result[f"accuracy_{l}"] = float(np.mean(np.array(predicted[l]) == labels))
        result[f"loss_{l}"] = float(losses[l] / (n * (config.steps - burnin)))
        result[f"rate_{l}"] = float(counts[l] / (n * config.steps * float(config.dt) * net.shape.sizes[l + 1]))
    top = np.array(predicted[-1])
    confusion = np.zeros((net.shape.n_classes, net.shape.n_classes), dtype=int)
    np.add.at(confusion, (labels, top), 1)
    arrays = {"confusion": confusion, "labels": labels, **{f"predicted_{l}": np.array(p) for l, p in enumerate(predicted)},
              **raster(net, state)}
    return result, arrays


def raster(net: Network, state: dict) -> dict:
    """Every layer's spikes and the readouts of the first test sample (a network of one sample
    that records its state, built beside the training one)."""
    _, out = net.run(state, "test", net.test_index[:1], training=False, record_state=True)
    arrays = {"dt": np.array(float(net.config.dt)), "label": np.array(net.sample("test", net.test_index[0])[1])}
    for l in range(net.shape.n_layers):
        arrays[f"spikes_{l}"] = out[f"layer{l}_record.S"]
        arrays[f"readout_{l}"] = out[f"readout{l}_record.r"]
    arrays["input"] = net.sample("test", net.test_index[0])[0].dense()
    return arrays


class Decolle(Experiment):
    """One chunk = one compiled run of `samples_per_run` training samples, learning at every
    step after each sample's burn-in."""

    name = "decolle"
    Config = Config
    presets = PRESETS
    roles = dict(decolle.ROLES)
    summary_keys = ("samples_trained", "accuracy_top_before", "accuracy_top_after", "accuracy_best_after",
                    "best_layer", "accuracy_first_after", "loss_top_before", "loss_top_after", "rate_top_after")

    def compose(self, loaded):
        return decolle.compose(loaded)

    def check(self, config, params, models):
        """The blueprint, and the data: a missing or empty folder is refused before compiling."""
        super().check(config, params, models)
        open_data(config)

    def blueprint(self, config, models, params):
        return decolle.blueprint(self.name, shape(config), models)

    def network(self, config, models, params, simulator, seed):
        return Network(config, models, params, simulator, seed)

    def initial_state(self, net):
        return initial_weights(net)

    def train(self, net, state, chunk):
        return net.run(state, "train", net.training_samples(chunk), training=True, eta=net.learning_rate(chunk))[0]

    def schedule(self, config):
        # chunks per epoch need the data's size: n_train, or the dataset's training samples
        per_epoch = int(np.ceil((config.n_train or len(open_data(config).train)) / config.samples_per_run))
        total = per_epoch * config.epochs
        return Schedule(total, log_spaced_chunks(total, config.n_checkpoints),
                        config.samples_per_run * config.duration_us * 1e-6)

    def evaluate(self, net, state, chunk):
        result, arrays = evaluate(net, state)
        return {"samples": chunk * net.config.samples_per_run, **result}, arrays

    export_refusal = ("its training reads the samples of every chunk from the dataset in Python "
                      "(packed into each run's events), which the exported binary cannot do alone")

    def summarise(self, history):
        first, last = history[0], history[-1]
        layers = sorted(int(k.split("_")[1]) for k in last if k.startswith("accuracy_"))
        top = layers[-1]
        best = max(layers, key=lambda l: last[f"accuracy_{l}"])
        return {
            "samples_trained": last["samples"],
            "accuracy_top_before": first[f"accuracy_{top}"],
            "accuracy_top_after": last[f"accuracy_{top}"],
            "accuracy_best_after": last[f"accuracy_{best}"],
            "best_layer": best,
            "accuracy_first_after": last["accuracy_0"],
            "loss_top_before": first[f"loss_{top}"],
            "loss_top_after": last[f"loss_{top}"],
            "rate_top_after": last[f"rate_{top}"],
        }

    def figures(self, config, history, before, after):
        layers = sorted(int(k.split("_")[1]) for k in history[-1] if k.startswith("accuracy_"))
        return {
            "accuracy_per_layer.png": per_layer_curves(history, layers),
            "rasters.png": rasters(after, layers),
            "confusion.png": confusion_figure(after["confusion"]),
        }


def open_data(config: Config):
    """The dataset the config names, binned and transformed as it says."""
    return open_events(config.data, float(config.dt) * 1e6, config.duration_us, config.first_saccade,
                       config.downsample)


def per_layer_curves(history: list[dict], layers):
    """Test accuracy and local loss of every layer against the training samples seen."""
    samples = np.array([h["samples"] for h in history])
    fig, (acc, loss) = plots.plt.subplots(1, 2, figsize=(8, 3.2))
    for l in layers:
        acc.plot(samples, [h[f"accuracy_{l}"] for h in history], "o-", ms=3, label=f"layer {l + 1}")
        loss.plot(samples, [h[f"loss_{l}"] for h in history], "o-", ms=3, label=f"layer {l + 1}")
    acc.set_ylabel("test accuracy")
    loss.set_ylabel("local loss per step (smooth L1)")
    for ax in (acc, loss):
        ax.set_xlabel("training samples")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def rasters(arrays: dict, layers) -> object:
    """The input events and every layer's spikes for one test sample, after training."""
    fig, axes = plots.plt.subplots(len(layers) + 1, 1, figsize=(7, 2 + 1.6 * len(layers)), sharex=True)
    dt_ms = float(arrays["dt"]) * 1e3
    step, channel = np.nonzero(arrays["input"])
    axes[0].plot(step * dt_ms, channel, "|", ms=2, color="k")
    axes[0].set_ylabel("input channel")
    axes[0].set_title(f"test sample of class {int(arrays['label'])}")
    for ax, l in zip(axes[1:], layers):
        step, neuron = np.nonzero(arrays[f"spikes_{l}"])
        ax.plot(step * dt_ms, neuron, "|", ms=3, color="tab:blue")
        ax.set_ylabel(f"layer {l + 1}")
    axes[-1].set_xlabel("time (ms)")
    fig.tight_layout()
    return fig


def confusion_figure(confusion: np.ndarray):
    fig, ax = plots.plt.subplots(figsize=(4.5, 4))
    image = ax.imshow(confusion, cmap="Blues")
    ax.set_xlabel("predicted class (top layer)")
    ax.set_ylabel("true class")
    fig.colorbar(image, ax=ax, label="test samples")
    fig.tight_layout()
    return fig


EXPERIMENT = Decolle()
