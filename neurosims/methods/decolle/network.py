"""Dense DECOLLE networks in generated code (Kaiser, Mostafa & Neftci 2020): layers of LIF
neurons, each with its input traces, a fixed random local readout and its local rule; a batch
of event samples one after another per run, their events through run_args.

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
Within a step: the events, then for l = 0, 1, ...: link, traces, U_ff summed, the neurons;
then at the end of the step the layers' activity, the readouts, their errors fed back, the
rule; the optimizer applies the step's gradient at the start of the next (the authors' order:
forward, loss, backward, optimizer step, every step after the burn-in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all, parameter_names
from neurosims.models import Model, combine, structure
from neurosims.models.schedule import make_group, make_synapses, schedule_summed

LAYER_ORDER = 100  # orders of one layer's links, traces and neurons in a step: l*100 + ...


@dataclass(frozen=True)
class Shape:
    n_in: int
    hidden: tuple[int, ...]  # neurons per layer
    n_classes: int
    sample_steps: int
    batch: int  # samples per run, one after another
    capacity: int  # event entries per run
    dt: float
    record_state: bool = False  # U, S, dS of every layer (and the readouts) at every step (references)
    learning: bool = True  # False: the weights stay as set, without the rule and optimizer's code (tests)

    @property
    def steps(self) -> int:
        return self.sample_steps * self.batch

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.n_in, *self.hidden)


def plastic_groups(shape: Shape) -> list[str]:
    return [f"{kind}{l}" for l in range(len(shape.hidden)) for kind in ("dense", "bias")]


def compose(loaded: dict[str, Model]) -> dict[str, Model]:
    """The models of the network's roles, the plastic connections composed with their rule and
    optimizer; the bias connection is the same with U_b for U_ff."""
    plastic = combine(combine(loaded["synapse"], loaded["rule"]), loaded["optimizer"])
    return dict(loaded, plastic=plastic, bias_plastic=plastic.substitute(U_ff="U_b"),
                bias_synapse=loaded["synapse"].substitute(U_ff="U_b"), input_link=loaded["link"].substitute(S="s_in"))


def _connection_models(models: dict[str, Model], shape: Shape) -> tuple[Model, Model]:
    """What the weights and the biases run: with their rule and optimizer, or fixed."""
    if shape.learning:
        return models["plastic"], models["bias_plastic"]
    return models["synapse"], models["bias_synapse"]


def blueprint(name: str, shape: Shape, models: dict[str, Model]) -> Blueprint:
    from brian2 import StateMonitor, TimedArray, second

    from neurosims.data.events import event_timed_arrays

    sample = shape.sample_steps * shape.dt * second
    step = shape.dt * second
    weights_model, bias_model = _connection_models(models, shape)
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
        for l, n in enumerate(shape.hidden):
            base = l * LAYER_ORDER
            traces = make_group(models["traces"], len(source), f"traces{l}", ns, sequence=sample,
                                per_step_order=base + 10)
            link = make_synapses(link_model, source, traces, f"link{l}", ns)
            link.connect(j="i")
            layer = make_group(models["neuron"], n, f"layer{l}", ns, sequence=sample, per_step_order=base + 30)
            dense = make_synapses(weights_model, traces, layer, f"dense{l}", ns, **every)
            dense.connect(**all_to_all(len(source), n))
            bias_syn = make_synapses(bias_model, bias, layer, f"bias{l}", ns, **every)
            bias_syn.connect(**all_to_all(1, n))
            readout = make_group(models["readout"], shape.n_classes, f"readout{l}", ns)
            forward = make_synapses(models["local_readout"], layer, readout, f"readout{l}_in", ns)
            forward.connect(**all_to_all(n, shape.n_classes))
            feedback = make_synapses(models["feedback"], readout, layer, f"feedback{l}", ns)
            feedback.connect(**all_to_all(shape.n_classes, n))
            activity = make_group(models["activity"], 1, f"activity{l}", ns)
            activity_in = make_synapses(models["activity_sum"], layer, activity, f"activity{l}_in", ns)
            activity_in.connect(**all_to_all(n, 1))
            activity_out = make_synapses(models["activity_feedback"], activity, layer, f"activity{l}_out", ns)
            activity_out.connect(**all_to_all(1, n))
            schedule_summed(link, "after_groups", base + 5)
            schedule_summed(dense, "after_groups", base + 20)
            schedule_summed(bias_syn, "after_groups", base + 20)
            schedule_summed(activity_in, "end", -9)
            schedule_summed(activity_out, "end", -8)
            schedule_summed(forward, "end", -5)
            schedule_summed(feedback, "end", 5)
            objects += [traces, link, layer, dense, bias_syn, readout, forward, feedback, activity, activity_in,
                        activity_out]
            if records_readouts(shape):
                objects.append(StateMonitor(readout, ["r", "loss"], record=True, when="end", order=20,
                                            name=f"readout{l}_record"))
            if shape.record_state:
                objects.append(StateMonitor(layer, ["U", "S", "dS"], record=True, when="end", order=20,
                                            name=f"layer{l}_record"))
            source, link_model = layer, models["link"]
        return objects

    layers = range(len(shape.hidden))
    plastic = plastic_groups(shape)
    optimizer_state = ("w", *(v for _, v in OPTIMIZER_STATE)) if shape.learning else ("w",)
    settable = ["inputs.ptr", "bias_unit.P"] + [f"layer{l}.gate" for l in layers]
    settable += [f"{g}.{v}" for g in plastic for v in optimizer_state]
    settable += [f"readout{l}_in.G" for l in layers] + [f"feedback{l}.G" for l in layers]
    settable += [f"readout{l}.r_bias" for l in layers]
    settable += parameter_names(groups_of(models, shape))
    outputs = [f"{g}.{v}" for g in plastic for v in optimizer_state] + [f"layer{l}.gate" for l in layers]
    outputs += [f"layer{l}.count" for l in layers]
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


def records_readouts(shape: Shape) -> bool:
    """Whether a run records every readout and local loss at every step: the tests' networks
    do (their predictions), and the references'; a training network does not, so that its memory
    does not grow with the steps of a run."""
    return shape.record_state or not shape.learning


def groups_of(models: dict[str, Model], shape: Shape) -> dict[str, Model]:
    """The model each group of the network runs."""
    groups = {"inputs": models["input"], "bias_unit": models["bias"]}
    weights_model, bias_model = _connection_models(models, shape)
    for l in range(len(shape.hidden)):
        groups |= {f"traces{l}": models["traces"], f"layer{l}": models["neuron"], f"dense{l}": weights_model,
                   f"bias{l}": bias_model, f"readout{l}": models["readout"],
                   f"readout{l}_in": models["local_readout"], f"feedback{l}": models["feedback"],
                   f"activity{l}": models["activity"], f"activity{l}_in": models["activity_sum"],
                   f"activity{l}_out": models["activity_feedback"],
                   f"link{l}": models["input_link"] if l == 0 else models["link"]}
    return groups


def weights_to_synapses(w: np.ndarray) -> np.ndarray:
    """W[post, pre] as the synapse array of all_to_all(n_pre, n_post)."""
    return np.ascontiguousarray(w.T).ravel()


def synapses_to_weights(array: np.ndarray, n_pre: int, n_post: int) -> np.ndarray:
    return np.asarray(array).reshape(n_pre, n_post).T


ROLES = {"input": "event_stream", "bias": "bias_unit", "traces": "decolle_traces", "neuron": "decolle_lif",
         "synapse": "decolle_dense", "rule": "decolle_local", "optimizer": "adamax", "link": "spike_link",
         "readout": "decolle_readout", "local_readout": "local_readout", "feedback": "readout_error_feedback",
         "activity": "layer_activity", "activity_sum": "activity_sum", "activity_feedback": "activity_feedback"}


OPTIMIZER_STATE = (("m", "m_adamax"), ("u", "u_adamax"), ("b1", "b1_adamax"), ("g", "g"))  # Adamax's, per synapse


def fresh_optimizer(weights: list[dict]) -> list[dict]:
    """Adamax's state before the first update, per layer and parameter (W, b)."""
    return [{k: {"m": np.zeros_like(v, dtype=np.float64), "u": np.zeros_like(v, dtype=np.float64),
                 "b1": np.ones_like(v, dtype=np.float64), "g": np.zeros_like(v, dtype=np.float64)}
             for k, v in w.items()} for w in weights]


def run_values(shape: Shape, models: dict[str, Model], params: dict, weights: list[dict], readouts: list[dict],
               optimizer: list[dict], gates: list[float]) -> dict:
    """Everything a run sets but its events and labels: model parameters (plain numbers), the
    weights W[post, pre] and biases, the readouts' G and biases, Adamax's state, the gates."""
    values = {"bias_unit.P": np.ones(1)}
    for group, model in groups_of(models, shape).items():
        values |= {f"{group}.{name}": np.asarray(params[name], dtype=np.float64) for name in model.parameters}
    values["inputs.run_steps"] = float(shape.steps)
    for l, (w, ro, opt) in enumerate(zip(weights, readouts, optimizer)):
        values[f"layer{l}.gate"] = np.full(shape.hidden[l], float(gates[l]))
        for group, name in ((f"dense{l}", "W"), (f"bias{l}", "b")):
            as_matrix = (lambda a: a) if name == "W" else (lambda a: np.asarray(a)[:, None])  # b: one input
            values[f"{group}.w"] = weights_to_synapses(as_matrix(w[name]))
            for state, variable in OPTIMIZER_STATE if shape.learning else ():
                values[f"{group}.{variable}"] = weights_to_synapses(as_matrix(opt[name][state]))
        values[f"readout{l}_in.G"] = weights_to_synapses(ro["G"])
        values[f"feedback{l}.G"] = weights_to_synapses(ro["G"].T)
        values[f"readout{l}.r_bias"] = np.asarray(ro["b"], dtype=np.float64)
    return values


def state_after(shape: Shape, outputs: dict) -> tuple[list[dict], list[dict], list[float]]:
    """Weights, Adamax's state and the gates after a run, from its outputs."""
    weights, optimizer, gates = [], [], []
    for l, n in enumerate(shape.hidden):
        n_pre = shape.sizes[l]
        layer_w, layer_opt = {}, {}
        for group, name, pre in ((f"dense{l}", "W", n_pre), (f"bias{l}", "b", 1)):
            as_param = (lambda a: a) if name == "W" else (lambda a: a[:, 0])
            layer_w[name] = as_param(synapses_to_weights(outputs[f"{group}.w"], pre, n))
            layer_opt[name] = {state: as_param(synapses_to_weights(outputs[f"{group}.{variable}"], pre, n))
                               for state, variable in OPTIMIZER_STATE}
        weights.append(layer_w)
        optimizer.append(layer_opt)
        gates.append(float(np.asarray(outputs[f"layer{l}.gate"])[0]))
    return weights, optimizer, gates
