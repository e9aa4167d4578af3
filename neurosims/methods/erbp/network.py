"""eRBP networks in generated code (Neftci et al. 2017): a visible layer of stochastic data and
label neurons, hidden layers and an output layer of two-compartment neurons, and error
neurons in positive/negative pairs per class; a batch of samples one after another per run,
their pixels and labels as the visible neurons' drive (one row per sample).

Groups and connections (models in equations/):
    visible         data neurons (the first n_pixels) and label neurons (inputs/srm0_escape);
                    with event data, the label neurons only, and
    data            the events' channels as spike sources (inputs/event_spikes)
    layer{l}        hidden layers l < L and the output layer L (neurons/erbp_two_compartment)
    ff{l}           visible (data) or layer{l-1} -> layer{l}, all to all, plastic
                    (synapses/erbp_feedforward with plasticity/erbp or erbp_quantized)
    error           2 x classes error neurons (neurons/erbp_error): positive ones first
    label_error     label k -> error k (+w_err), error k + C (-w_err)   (synapses/error_drive)
    output_error    output k -> error k (-w_err), error k + C (+w_err)  (synapses/error_drive)
    error_out       error k -> output dendrite k (+w_err), error k + C -> k (-w_err)
    error_hidden{l} every error neuron -> every dendrite of layer l: +B (positive), -B (negative),
                    B fixed random (synapses/error_to_dendrite)
With `record`, spike monitors on every group (rasters, test predictions) and, with
`record_state`, V, I and U of every layer at every step (the NumPy reference's test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.blueprint import Blueprint, all_to_all, parameter_names
from neurosims.models import Model, combine, structure
from neurosims.models.schedule import make_group, make_synapses

ROLES = {"visible": "srm0_escape", "events": "event_spikes", "neuron": "erbp_two_compartment", "error": "erbp_error",
         "synapse": "erbp_feedforward", "rule": "erbp", "quantized_rule": "erbp_quantized",
         "error_drive": "error_drive", "feedback": "error_to_dendrite"}


@dataclass(frozen=True)
class Shape:
    n_pixels: int
    hidden: tuple[int, ...]
    n_classes: int
    sample_steps: int
    batch: int  # samples per run, one after another
    dt: float
    quantized: bool = False  # 8-bit weights during learning (plasticity/erbp_quantized)
    record: bool = False  # spike monitors on every group
    record_state: bool = False  # V, I, U of every layer at every step
    event_capacity: int = 0  # event data: room for a run's event entries (0: images, the visible layer's drive)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Data neurons, each hidden layer, the output layer."""
        return (self.n_pixels, *self.hidden, self.n_classes)

    @property
    def n_layers(self) -> int:
        return len(self.hidden) + 1

    @property
    def events(self) -> bool:
        return self.event_capacity > 0

    @property
    def n_visible(self) -> int:
        """Neurons of the visible group: data and labels, or (event data) the labels only."""
        return self.n_classes + (0 if self.events else self.n_pixels)

    @property
    def steps(self) -> int:
        return self.sample_steps * self.batch


def compose(loaded: dict[str, Model]) -> dict[str, Model]:
    return dict(loaded, plastic=combine(loaded["synapse"], loaded["rule"]),
                quantized_plastic=combine(loaded["synapse"], loaded["quantized_rule"]))


def groups_of(models: dict[str, Model], shape: Shape) -> dict[str, Model]:
    """The model each group of the network runs."""
    groups = {"visible": models["visible"], "error": models["error"], "label_error": models["error_drive"],
              "output_error": models["error_drive"], "error_out": models["feedback"]}
    if shape.events:
        groups["data"] = models["events"]
    plastic = models["quantized_plastic" if shape.quantized else "plastic"]
    for l in range(shape.n_layers):
        groups |= {f"layer{l}": models["neuron"], f"ff{l}": plastic}
        if l < len(shape.hidden):
            groups[f"error_hidden{l}"] = models["feedback"]
    return groups


def blueprint(name: str, shape: Shape, models: dict[str, Model]) -> Blueprint:
    from brian2 import SpikeMonitor, StateMonitor, TimedArray, second

    from neurosims.data.events import event_timed_arrays

    groups = groups_of(models, shape)
    c = shape.n_classes
    spiking = ("visible", "data", "error") if shape.events else ("visible", "error")  # groups with spike monitors

    def build():
        drive = TimedArray(np.zeros((shape.batch, shape.n_visible)), dt=shape.sample_steps * shape.dt * second,
                           name="drive")
        ns = {"drive": drive}
        visible = make_group(models["visible"], shape.n_visible, "visible", ns)
        layers = [make_group(models["neuron"], n, f"layer{l}", ns) for l, n in enumerate(shape.sizes[1:])]
        error = make_group(models["error"], 2 * c, "error", ns)
        objects = [drive, visible, error, *layers]
        if shape.events:
            arrays = event_timed_arrays(shape.event_capacity)
            ns |= arrays
            data = make_group(models["events"], shape.n_pixels, "data", ns)
            objects += [*arrays.values(), data]
            inputs, labels = data, visible
        else:
            inputs, labels = visible[:shape.n_pixels], visible[shape.n_pixels:]
        source = inputs
        for l, layer in enumerate(layers):
            ff = make_synapses(groups[f"ff{l}"], source, layer, f"ff{l}", ns)
            ff.connect(**all_to_all(len(source), len(layer)))
            ff.transmit = 1
            objects.append(ff)
            source = layer
        classes = np.arange(c)
        for name_, pre in (("label_error", labels), ("output_error", layers[-1])):
            syn = make_synapses(models["error_drive"], pre, error, name_, ns)
            syn.connect(i=np.tile(classes, 2), j=np.arange(2 * c))  # k -> positive k, k -> negative k
            objects.append(syn)
        out = make_synapses(models["feedback"], error, layers[-1], "error_out", ns)
        out.connect(i=np.arange(2 * c), j=np.tile(classes, 2))
        objects.append(out)
        for l in range(len(shape.hidden)):
            syn = make_synapses(models["feedback"], error, layers[l], f"error_hidden{l}", ns)
            syn.connect(**all_to_all(2 * c, len(layers[l])))
            objects.append(syn)
        if shape.record:
            by_name = {"visible": visible, "error": error, "data": inputs}
            objects += [SpikeMonitor(by_name[g], name=f"{g}_spikes") for g in spiking]
            objects += [SpikeMonitor(layer, name=f"layer{l}_spikes") for l, layer in enumerate(layers)]
        if shape.record_state:
            objects += [StateMonitor(layer, ["V", "I", "U"], record=True, when="end", name=f"layer{l}_state")
                        for l, layer in enumerate(layers)]
        return objects

    layers = range(shape.n_layers)
    settable = [f"ff{l}.w" for l in layers] + [f"error_hidden{l}.g" for l in range(len(shape.hidden))]
    settable += ["label_error.w_e", "output_error.w_e", "error_out.g"]
    settable += parameter_names(groups)
    outputs = [f"ff{l}.w" for l in layers]
    outputs += [f"layer{l}.{v}" for l in layers for v in ("count",)] + [f"ff{l}.updates" for l in layers]
    outputs += [f"{g}.count" for g in spiking]
    if shape.events:
        settable += ["data.ptr"]
    if shape.record:
        outputs += [f"{g}_spikes.{v}" for g in (*spiking, *(f"layer{l}" for l in layers)) for v in ("i", "t")]
    if shape.record_state:
        outputs += [f"layer{l}_state.{v}" for l in layers for v in ("V", "I", "U")]
    return Blueprint(
        name=name, build=build, duration=shape.steps * shape.dt, dt=shape.dt, settable=tuple(settable),
        timed_arrays=("drive", "event_key", "event_count") if shape.events else ("drive",), outputs=tuple(outputs),
        sources={group: str(model.path) for group, model in groups.items()},
        key={"shape": shape.__dict__, "models": {role: structure(m) for role, m in models.items()}},
    )


def weights_to_synapses(w: np.ndarray) -> np.ndarray:
    """W[post, pre] as the synapse array of all_to_all(n_pre, n_post)."""
    return np.ascontiguousarray(np.asarray(w, dtype=np.float64).T).ravel()


def synapses_to_weights(array: np.ndarray, n_pre: int, n_post: int) -> np.ndarray:
    return np.asarray(array).reshape(n_pre, n_post).T


def run_values(shape: Shape, models: dict[str, Model], params: dict, weights: list[np.ndarray],
               feedback: list[np.ndarray], w_err: float, overrides: dict | None = None) -> dict:
    """Everything a run sets but the drive: model parameters (plain numbers; `overrides` maps
    "group.parameter" to a value that departs from `params` for that group), the weights
    W[post, pre] of every layer, the hidden layers' feedback B[neuron, class], the error
    pathway's fixed weights (+-w_err)."""
    c = shape.n_classes
    values = {}
    for group, model in groups_of(models, shape).items():
        values |= {f"{group}.{p}": float(np.asarray(params[p])) for p in model.parameters}
    values |= overrides or {}
    for l, w in enumerate(weights):
        values[f"ff{l}.w"] = weights_to_synapses(w)
    for l, b in enumerate(feedback):
        values[f"error_hidden{l}.g"] = weights_to_synapses(np.hstack([b, -b]))  # positive, then negative
    sign = np.repeat([1.0, -1.0], c)
    values["label_error.w_e"] = w_err * sign
    values["output_error.w_e"] = -w_err * sign
    values["error_out.g"] = w_err * sign
    return values


def drive(pixels: np.ndarray | None, labels: np.ndarray | None, n_classes: int, beta: float = 0.5,
          p0: float = 0.43, label_on: float = 0.98, label_off: float = 1e-5) -> np.ndarray:
    """The visible neurons' drive, one row per sample (the authors' encoding, experimentLib.
    create_data_rbp): beta (p - p0) for a pixel p > 0 and -1 (silent) for p = 0 (`pixels`
    None: event data, no pixel neurons); the label neurons label_on - 0.5 for the class and
    label_off - 0.5 for the others, -10 (silent) where `labels` is None."""
    if pixels is None:
        return drive(np.zeros((len(labels), 0)), labels, n_classes, beta, p0, label_on, label_off)
    pixels = np.asarray(pixels, dtype=np.float64)
    data = np.where(pixels > 0, beta * (pixels - p0), -1.0)
    if labels is None:
        label = np.full((len(pixels), n_classes), -10.0)
    else:
        label = np.where(np.eye(n_classes)[np.asarray(labels, dtype=int)] > 0, label_on, label_off) - 0.5
    return np.hstack([data, label])
