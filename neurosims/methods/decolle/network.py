"""DECOLLE networks in generated code (Kaiser, Mostafa & Neftci 2020): convolution layers, then
dense layers, of LIF neurons, each with its input traces, a fixed random local readout and its
local rule; a batch of event samples one after another per run, their events through run_args.

Groups and links of layer l (models in equations/):
    traces{l}  P, Q of the layer's inputs (inputs/decolle_traces), from the events (l = 0) or
               the spikes of layer l-1 through one-to-one links (link{l})
    layer{l}   the neurons (neurons/decolle_lif); dense{l}: W (synapses/decolle_dense with the
               rule plasticity/decolle_local and the optimizer); bias{l}: b, the same from the
               bias unit
    readout{l} the local readout (neurons/decolle_readout) through G (readout{l}_in) and its
               error back through G (feedback{l})
    activity{l} the layer's mean sigmoid(U) for Eq. 9's regulariser (neurons/layer_activity),
               summed from the layer (activity{l}_in) and sent back to it (activity{l}_out)
A convolution layer has shared weights instead of dense{l} and bias{l}: kernel{l} (C_out x
C_in x k x k weights) and kernel_bias{l} (one per output channel) are groups of their own
where the optimizer runs once per weight, and conv{l} and conv_bias{l}, one synapse per
(kernel entry, output neuron) pair (synapses/decolle_conv, plasticity/decolle_local_shared),
read them and sum their gradients into them. With 2x2 pooling, pool{l} (neurons/
decolle_max_pool) is the layer's output (readout, next layer, regulariser), and the layer's
neurons run neurons/decolle_lif_pooled. Neurons, channels and kernels are in torch's
row-major (C, H, W) and (C_out, C_in, k, k) order; the events' channels are tonic's, the same.
Within a step: the events, then for l = 0, 1, ...: link, traces, U_ff summed, the neurons, the pool;
then at the end of the step the layers' activity, the readouts, their errors fed back, the
rule; the optimizer applies the step's gradient at the start of the next (the authors' order:
forward, loss, backward, optimizer step, every step after the burn-in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all, parameter_names
from neurosims.models import Model, combine, structure
from neurosims.models.schedule import make_group, make_synapses, make_weight_group, schedule_summed

LAYER_ORDER = 100  # orders of one layer's links, traces and neurons in a step: l*100 + ...


@dataclass(frozen=True)
class Conv:
    """A convolution layer: stride 1, zero padding `padding` on every side, then `pool` x `pool`
    max pooling (1: none, 2: the paper's)."""

    channels: int
    kernel: int
    padding: int
    pool: int = 1


@dataclass(frozen=True)
class Shape:
    n_in: int
    hidden: tuple[int, ...]  # neurons per dense layer (after the convolution layers)
    n_classes: int
    sample_steps: int
    batch: int  # samples per run, one after another
    capacity: int  # event entries per run
    dt: float
    record_state: bool = False  # U, S, dS of every layer (and the readouts) at every step (references)
    learning: bool = True  # False: the weights stay as set, without the rule and optimizer's code (tests)
    in_shape: tuple[int, int, int] = (0, 0, 0)  # (C, H, W) of the input, for convolution layers
    conv: tuple[Conv, ...] = ()  # the convolution layers, before the dense ones

    @property
    def steps(self) -> int:
        return self.sample_steps * self.batch

    @property
    def n_layers(self) -> int:
        return len(self.conv) + len(self.hidden)

    def maps(self) -> list[tuple[tuple, tuple, tuple]]:
        """Per convolution layer: (C, H, W) of its input, of its neurons, of its output (pooled)."""
        found, shape = [], tuple(self.in_shape)
        for c in self.conv:
            height, width = shape[1] + 2 * c.padding - c.kernel + 1, shape[2] + 2 * c.padding - c.kernel + 1
            neurons = (c.channels, height, width)
            found.append((shape, neurons, (c.channels, height // c.pool, width // c.pool)))
            shape = found[-1][2]
        return found

    @property
    def neurons(self) -> tuple[int, ...]:
        """Neurons per layer (before pooling)."""
        return (*(int(np.prod(n)) for _, n, _ in self.maps()), *self.hidden)

    @property
    def sizes(self) -> tuple[int, ...]:
        """The input's size, then each layer's output (after pooling)."""
        return (self.n_in, *(int(np.prod(o)) for _, _, o in self.maps()), *self.hidden)

    def output_group(self, l: int) -> str:
        """The group whose spikes are layer l's output: its pool, or its neurons."""
        return f"pool{l}" if self.pooled(l) else f"layer{l}"

    def pooled(self, l: int) -> bool:
        return l < len(self.conv) and self.conv[l].pool > 1


def plastic_groups(shape: Shape) -> list[str]:
    return [f"{kind}{l}" for l in range(shape.n_layers)
            for kind in (("kernel", "kernel_bias") if l < len(shape.conv) else ("dense", "bias"))]


def conv_taps(in_shape: tuple, conv: Conv) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One synapse per (kernel entry, output neuron) whose input lies inside the input: the
    kernel entry (C_out, C_in, k, k row-major), the output neuron and the input neuron (int32;
    every output channel has the same taps, shifted)."""
    c_in, h_in, w_in = in_shape
    k, pad = conv.kernel, conv.padding
    h_out, w_out = h_in + 2 * pad - k + 1, w_in + 2 * pad - k + 1
    ci, dy, dx, y, x = np.meshgrid(*(np.arange(n, dtype=np.int32) for n in (c_in, k, k, h_out, w_out)),
                                   indexing="ij")
    yy, xx = y + dy - pad, x + dx - pad
    inside = (yy >= 0) & (yy < h_in) & (xx >= 0) & (xx < w_in)
    # Order: along diagonals x - dx within a row, so that consecutive synapses differ in both
    # their kernel entry and their output neuron: the sums into each (U_ff, g) then do not wait
    # on the previous synapse's addition (measured: 2x faster for the gradient).
    order = np.lexsort([a[inside] for a in (dx, x - dx, y, dy, ci)])
    kernel = (((ci * k + dy) * k + dx)[inside][order])
    out = ((y * w_out + x)[inside][order])
    source = (((ci * h_in + yy) * w_in + xx)[inside][order])
    channels = np.arange(conv.channels, dtype=np.int32)[:, None]
    return ((channels * (c_in * k * k) + kernel).ravel(), (channels * (h_out * w_out) + out).ravel(),
            np.tile(source, conv.channels))


def pool_windows(neurons: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """2x2 max pooling of (C, H, W) neurons (torch's floor mode): the four neurons of each
    pooled unit (4, units) row-major within the window, and per neuron its unit and its slot
    in the window (-1 where a last odd row or column is dropped)."""
    c, h, w = neurons
    ch, y, x = np.meshgrid(np.arange(c), np.arange(h // 2), np.arange(w // 2), indexing="ij")
    corners = [(ch * h + 2 * y + a) * w + 2 * x + b for a in (0, 1) for b in (0, 1)]
    windows = np.array([k.ravel() for k in corners])
    unit, slot = np.zeros(c * h * w, dtype=np.int64), np.full(c * h * w, -1.0)
    for s, members in enumerate(windows):
        unit[members], slot[members] = np.arange(windows.shape[1]), s
    return windows, unit, slot


def compose(loaded: dict[str, Model]) -> dict[str, Model]:
    """The models of the network's roles, the plastic connections composed with their rule and
    optimizer; the bias connection is the same with U_b for U_ff. A convolution's synapses
    carry the rule only: its optimizer runs in the weight groups."""
    plastic = combine(combine(loaded["synapse"], loaded["rule"]), loaded["optimizer"])
    conv_plastic = combine(loaded["conv"], loaded["conv_rule"])
    return dict(loaded, plastic=plastic, bias_plastic=plastic.substitute(U_ff="U_b"),
                bias_synapse=loaded["synapse"].substitute(U_ff="U_b"), input_link=loaded["link"].substitute(S="s_in"),
                conv_plastic=conv_plastic, conv_bias_plastic=conv_plastic.substitute(U_ff="U_b"),
                conv_bias=loaded["conv"].substitute(U_ff="U_b"))


def _connection_models(models: dict[str, Model], shape: Shape, conv: bool = False) -> tuple[Model, Model]:
    """What the weights and the biases run: with their rule and optimizer, or fixed."""
    prefix = "conv_" if conv else ""
    if shape.learning:
        return models[f"{prefix}plastic"], models[f"{prefix}bias_plastic"]
    return models["conv" if conv else "synapse"], models[f"{prefix}bias" if conv else "bias_synapse"]


def blueprint(name: str, shape: Shape, models: dict[str, Model]) -> Blueprint:
    from brian2 import StateMonitor, TimedArray, linked_var, second

    from neurosims.data.events import event_timed_arrays

    sample = shape.sample_steps * shape.dt * second
    step = shape.dt * second
    every = {"update_every": step} if shape.learning else {}

    def build():
        arrays = event_timed_arrays(shape.capacity)
        arrays["sample_label"] = TimedArray(np.zeros(shape.batch), dt=sample, name="sample_label")
        ns = dict(arrays)
        objects = list(arrays.values())
        inputs = make_group(models["input"], shape.n_in, "inputs", ns)
        bias = make_group(models["bias"], 1, "bias_unit", ns)
        objects += [inputs, bias]
        source, link_model = inputs, models["input_link"]
        maps = shape.maps()
        for l in range(shape.n_layers):
            base = l * LAYER_ORDER
            traces = make_group(models["traces"], len(source), f"traces{l}", ns, sequence=sample,
                                per_step_order=base + 10)
            link = make_synapses(link_model, source, traces, f"link{l}", ns)
            link.connect(j="i")
            schedule_summed(link, "after_groups", base + 5)
            neuron = models["pooled_neuron"] if shape.pooled(l) else models["neuron"]
            layer = make_group(neuron, shape.neurons[l], f"layer{l}", ns, sequence=sample,
                               per_step_order=base + 30, end_of_step_order=6 if shape.pooled(l) else 0)
            objects += [traces, link, layer]
            if l < len(shape.conv):
                objects += _conv_connections(l, shape, models, maps[l][0], traces, bias, layer, ns, every, base)
            else:
                objects += _dense_connections(l, shape, models, traces, bias, layer, ns, every, base)
            output = layer
            if shape.pooled(l):
                output = make_group(models["pool"], int(np.prod(maps[l][2])), f"pool{l}", ns,
                                    per_step_order=base + 40)
                windows, unit, slot = pool_windows(maps[l][1])
                for corner, members in zip("abcd", windows):
                    setattr(output, f"U_{corner}", linked_var(layer, "U", index=members))
                for variable in ("argmax", "err", "smask", "reg"):
                    setattr(layer, f"pool_{variable}", linked_var(output, variable, index=unit))
                layer.slot = slot
                objects.append(output)
            objects += _readout(l, shape, models, output, ns)
            if shape.record_state:
                objects.append(StateMonitor(output, ["U", "S", "dS"], record=True, when="end", order=20,
                                            name=f"layer{l}_record"))
            source, link_model = output, models["link"]
        return objects

    layers = range(shape.n_layers)
    plastic = plastic_groups(shape)
    optimizer_state = ("w", *(v for _, v in OPTIMIZER_STATE)) if shape.learning else ("w",)
    settable = ["inputs.ptr", "bias_unit.P"] + [f"layer{l}.gate" for l in layers]
    settable += [f"{g}.{v}" for g in plastic for v in optimizer_state]
    settable += [f"readout{l}_in.G" for l in layers] + [f"feedback{l}.G" for l in layers]
    settable += [f"readout{l}.r_bias" for l in layers]
    settable += parameter_names(groups_of(models, shape))
    outputs = [f"{g}.{v}" for g in plastic for v in optimizer_state] + [f"layer{l}.gate" for l in layers]
    outputs += [f"{shape.output_group(l)}.count" for l in layers]
    if records_readouts(shape):
        outputs += [f"readout{l}_record.{v}" for l in layers for v in ("r", "loss")]
    if shape.record_state:
        outputs += [f"layer{l}_record.{v}" for l in layers for v in ("U", "S", "dS")]
    return Blueprint(
        name=name,
        build=build,
        duration=shape.steps * shape.dt,
        dt=shape.dt,
        settable=tuple(settable),
        timed_arrays=("event_key", "event_count", "sample_label"),
        outputs=tuple(outputs),
        sources={group: str(model.path) for group, model in groups_of(models, shape).items()},
        key={"shape": shape.__dict__, "models": {role: structure(m) for role, m in models.items()}},
    )


def _readout(l, shape, models, output, ns) -> list:
    """The layer's local readout, its error fed back, and its activity (Eq. 9)."""
    from brian2 import StateMonitor

    n = len(output)
    readout = make_group(models["readout"], shape.n_classes, f"readout{l}", ns)
    forward = make_synapses(models["local_readout"], output, readout, f"readout{l}_in", ns)
    forward.connect(**all_to_all(n, shape.n_classes))
    feedback = make_synapses(models["feedback"], readout, output, f"feedback{l}", ns)
    feedback.connect(**all_to_all(shape.n_classes, n))
    activity = make_group(models["activity"], 1, f"activity{l}", ns)
    activity_in = make_synapses(models["activity_sum"], output, activity, f"activity{l}_in", ns)
    activity_in.connect(**all_to_all(n, 1))
    activity_out = make_synapses(models["activity_feedback"], activity, output, f"activity{l}_out", ns)
    activity_out.connect(**all_to_all(1, n))
    schedule_summed(activity_in, "end", -9)
    schedule_summed(activity_out, "end", -8)
    schedule_summed(forward, "end", -5)
    schedule_summed(feedback, "end", 5)
    objects = [readout, forward, feedback, activity, activity_in, activity_out]
    if records_readouts(shape):
        objects.append(StateMonitor(readout, ["r", "loss"], record=True, when="end", order=20,
                                    name=f"readout{l}_record"))
    return objects


def _dense_connections(l, shape, models, traces, bias, layer, ns, every, base) -> list:
    """W and b of a dense layer, each synapse its own weight and optimizer state."""
    weights_model, bias_model = _connection_models(models, shape)
    dense = make_synapses(weights_model, traces, layer, f"dense{l}", ns, **every)
    dense.connect(**all_to_all(len(traces), len(layer)))
    bias_syn = make_synapses(bias_model, bias, layer, f"bias{l}", ns, **every)
    bias_syn.connect(**all_to_all(1, len(layer)))
    schedule_summed(dense, "after_groups", base + 20)
    schedule_summed(bias_syn, "after_groups", base + 20)
    return [dense, bias_syn]


def _conv_connections(l, shape, models, in_shape, traces, bias, layer, ns, every, base) -> list:
    """The kernel and the channels' biases of a convolution layer: weight groups (with the
    optimizer while learning) read by one synapse per (kernel entry, output neuron)."""
    from brian2 import NeuronGroup, linked_var

    conv = shape.conv[l]
    kernel_index, out_index, in_index = conv_taps(in_shape, conv)
    channel_of = np.arange(len(layer)) // (len(layer) // conv.channels)
    weights_model, bias_model = _connection_models(models, shape, conv=True)
    objects = []
    for group, size, model, taps in (
            (f"kernel{l}", conv.channels * in_shape[0] * conv.kernel ** 2, weights_model,
             (kernel_index, out_index, in_index, traces)),
            (f"kernel_bias{l}", conv.channels, bias_model, (channel_of, np.arange(len(layer)),
                                                            np.zeros(len(layer), dtype=np.int64), bias))):
        if shape.learning:
            weights = make_weight_group(models["optimizer"], size, group, ns, every["update_every"])
            weights.gate = linked_var(layer, "gate", index=np.zeros(size, dtype=np.int64))
        else:
            weights = NeuronGroup(size, "w : 1", name=group)
        pre, post, read, read_from = taps
        syn = make_synapses(model, weights, layer, group.replace("kernel", "conv"), ns)
        syn.connect(i=pre, j=post)
        syn.j_in = read
        syn.P = linked_var(read_from, "P", index="j_in")
        schedule_summed(syn, "after_groups", base + 20, names=("U_ff_post", "U_b_post"))
        schedule_summed(syn, "end", 10, names=("g_pre",))
        objects += [weights, syn]
    return objects


def records_readouts(shape: Shape) -> bool:
    """Whether a run records every readout and local loss at every step: the tests' networks
    do (their predictions), and the references'; a training network does not, so that its memory
    does not grow with the steps of a run."""
    return shape.record_state or not shape.learning


def groups_of(models: dict[str, Model], shape: Shape) -> dict[str, Model]:
    """The model each group of the network runs (the weight groups: their optimizer's)."""
    groups = {"inputs": models["input"], "bias_unit": models["bias"]}
    for l in range(shape.n_layers):
        conv = l < len(shape.conv)
        weights_model, bias_model = _connection_models(models, shape, conv)
        groups |= {f"traces{l}": models["traces"], f"readout{l}": models["readout"],
                   f"layer{l}": models["pooled_neuron" if shape.pooled(l) else "neuron"],
                   f"readout{l}_in": models["local_readout"], f"feedback{l}": models["feedback"],
                   f"activity{l}": models["activity"], f"activity{l}_in": models["activity_sum"],
                   f"activity{l}_out": models["activity_feedback"],
                   f"link{l}": models["input_link"] if l == 0 else models["link"]}
        if conv:
            groups |= {f"conv{l}": weights_model, f"conv_bias{l}": bias_model}
            if shape.learning:
                groups |= {f"kernel{l}": models["optimizer"], f"kernel_bias{l}": models["optimizer"]}
        else:
            groups |= {f"dense{l}": weights_model, f"bias{l}": bias_model}
        if shape.pooled(l):
            groups[f"pool{l}"] = models["pool"]
    return groups


def weights_to_synapses(w: np.ndarray) -> np.ndarray:
    """W[post, pre] as the synapse array of all_to_all(n_pre, n_post)."""
    return np.ascontiguousarray(w.T).ravel()


def synapses_to_weights(array: np.ndarray, n_pre: int, n_post: int) -> np.ndarray:
    return np.asarray(array).reshape(n_pre, n_post).T


ROLES = {"input": "event_stream", "bias": "bias_unit", "traces": "decolle_traces", "neuron": "decolle_lif",
         "synapse": "decolle_dense", "rule": "decolle_local", "optimizer": "adamax", "link": "spike_link",
         "readout": "decolle_readout", "local_readout": "local_readout", "feedback": "readout_error_feedback",
         "activity": "layer_activity", "activity_sum": "activity_sum", "activity_feedback": "activity_feedback",
         "conv": "decolle_conv", "conv_rule": "decolle_local_shared", "pool": "decolle_max_pool",
         "pooled_neuron": "decolle_lif_pooled"}


OPTIMIZER_STATE = (("m", "m_adamax"), ("u", "u_adamax"), ("b1", "b1_adamax"), ("g", "g"))  # Adamax's, per synapse


def fresh_optimizer(weights: list[dict]) -> list[dict]:
    """Adamax's state before the first update, per layer and parameter (W, b)."""
    return [{k: {"m": np.zeros_like(v, dtype=np.float64), "u": np.zeros_like(v, dtype=np.float64),
                 "b1": np.ones_like(v, dtype=np.float64), "g": np.zeros_like(v, dtype=np.float64)}
             for k, v in w.items()} for w in weights]


def run_values(shape: Shape, models: dict[str, Model], params: dict, weights: list[dict], readouts: list[dict],
               optimizer: list[dict], gates: list[float]) -> dict:
    """Everything a run sets but its events and labels: model parameters (plain numbers), the
    weights (dense: W[post, pre]; convolution: W[C_out, C_in, k, k]) and biases, the readouts' G
    and biases, Adamax's state, the gates."""
    values = {"bias_unit.P": np.ones(1)}
    for group, model in groups_of(models, shape).items():
        values |= {f"{group}.{name}": np.asarray(params[name], dtype=np.float64) for name in model.parameters}
    values["inputs.run_steps"] = float(shape.steps)
    for l, (w, ro, opt) in enumerate(zip(weights, readouts, optimizer)):
        values[f"layer{l}.gate"] = np.full(shape.neurons[l], float(gates[l]))
        for group, name in _weight_groups(shape, l):
            as_array = _to_array(shape, l, name)
            values[f"{group}.w"] = as_array(w[name])
            for state, variable in OPTIMIZER_STATE if shape.learning else ():
                values[f"{group}.{variable}"] = as_array(opt[name][state])
        values[f"readout{l}_in.G"] = weights_to_synapses(ro["G"])
        values[f"feedback{l}.G"] = weights_to_synapses(ro["G"].T)
        values[f"readout{l}.r_bias"] = np.asarray(ro["b"], dtype=np.float64)
    return values


def _weight_groups(shape: Shape, l: int) -> tuple[tuple[str, str], ...]:
    """The groups holding layer l's weights and biases, with their parameter's name."""
    if l < len(shape.conv):
        return (f"kernel{l}", "W"), (f"kernel_bias{l}", "b")
    return (f"dense{l}", "W"), (f"bias{l}", "b")


def _to_array(shape: Shape, l: int, name: str):
    """A parameter (W or b) of layer l as its group's array."""
    if l < len(shape.conv):
        return lambda a: np.asarray(a, dtype=np.float64).ravel()
    if name == "W":
        return weights_to_synapses
    return lambda a: weights_to_synapses(np.asarray(a)[:, None])  # b: one input


def _from_array(shape: Shape, l: int, name: str):
    """The inverse of _to_array."""
    if l < len(shape.conv):
        (in_channels, _, _), _, _ = shape.maps()[l]
        c = shape.conv[l]
        dims = (c.channels, in_channels, c.kernel, c.kernel) if name == "W" else (c.channels,)
        return lambda a: np.asarray(a).reshape(dims)
    n = shape.neurons[l]
    if name == "W":
        return lambda a: synapses_to_weights(a, shape.sizes[l], n)
    return lambda a: synapses_to_weights(a, 1, n)[:, 0]


def state_after(shape: Shape, outputs: dict) -> tuple[list[dict], list[dict], list[float]]:
    """Weights, Adamax's state and the gates after a run, from its outputs."""
    weights, optimizer, gates = [], [], []
    for l in range(shape.n_layers):
        layer_w, layer_opt = {}, {}
        for group, name in _weight_groups(shape, l):
            as_param = _from_array(shape, l, name)
            layer_w[name] = as_param(outputs[f"{group}.w"])
            layer_opt[name] = {state: as_param(outputs[f"{group}.{variable}"]) for state, variable in OPTIMIZER_STATE}
        weights.append(layer_w)
        optimizer.append(layer_opt)
        gates.append(float(np.asarray(outputs[f"layer{l}.gate"])[0]))
    return weights, optimizer, gates
