"""The step schedule: when, within a time step, each field of a model file runs; and the Brian2
groups and synapses that run models by it.

A time step runs the rows of `STEP` from top to bottom. Each row is a slot of Brian2's clock
(start, groups, thresholds, synapses, resets, end) and an order within it; the fields of
neuron and input models run in neuron groups ("group"), those of synapse, plasticity and
optimizer models in the synapses they are composed into ("synapses"); an optimizer of shared
weights runs its ON_UPDATE code in the weight group instead (make_weight_group), at the same
row. Code that runs once per trial (NEW_SEQUENCE), per weight update (ON_UPDATE) or per window
of steps (EVERY_WINDOW) runs in the first step of each, t = 0 included; the experiment gives
those periods. `neurosims models show` prints the row of every field a model uses, and
tests/models/test_schedule.py runs one network with every field and checks this order.
"""

from __future__ import annotations

import dataclasses
import re
from contextlib import contextmanager
from dataclasses import dataclass

from neurosims.errors import NeurosimsError
from neurosims.models.model import Model
from neurosims.models.units import brian_error_message


@dataclass(frozen=True)
class Field:
    """One row of the step schedule."""

    name: str  # the field of the model file
    models: str  # the kinds of model that use it
    holder: str  # "group", "synapses", or the synaptic pathway that runs it
    when: str  # Brian2's slot
    order: int  # the order within the slot
    runs: str  # when it runs, in words
    example: str


STEP = (
    Field("START_OF_STEP", "neuron, input", "group", "start", -6,
          "at the start of every step, before anything else, on the last step's values",
          "acc_A += kappa_u*L"),
    Field("EVERY_WINDOW", "synapse, plasticity", "synapses", "start", -5,
          "at the start of every window of steps (the experiment sets its length)",
          "g += H*(acc_A_post - A_s)"),
    Field("EVERY_WINDOW", "neuron, input", "group", "start", -4,
          "at the start of every window of steps, after the synapses' EVERY_WINDOW", "acc_A = 0"),
    Field("NEW_SEQUENCE", "synapse, plasticity", "synapses", "start", -3,
          "at the start of every trial: finish the last one", "g += c_reg*e_sum"),
    Field("ON_UPDATE", "optimizer", "synapses", "start", -2,
          "at every weight update (the start of every batch of trials)", "w -= eta*g"),
    Field("NEW_SEQUENCE", "neuron, input", "group", "start", -1,
          "at the start of every trial, after the synapses' and the update: reset", "v = 0"),
    Field("EQUATIONS", "all", "group", "groups", 0,
          "every step: differential equations are integrated", "dV/dt = -lambda_v*V : 1"),
    Field("PER_STEP", "neuron, input", "group", "after_groups", 0,
          "every step, after integration", "u = V - v_th"),
    Field("PER_STEP", "synapse, plasticity", "synapses", "after_groups", 1,
          "every step, after integration and the groups' PER_STEP", "Omega_s += eps_s*I_fb_post*r_pre*dt"),
    Field("THRESHOLD", "neuron, input", "group", "thresholds", 0,
          "every step: the spike condition is tested", "v >= v_th"),
    Field("ON_PRE", "plasticity", "learn_pre", "synapses", -3,
          "at a presynaptic spike, before any spike of the step is transmitted",
          "Omega -= eps_r*(beta*V_post + Omega)"),
    Field("ON_POST", "plasticity", "learn_post", "synapses", -2,
          "at a postsynaptic spike, before any spike of the step is transmitted",
          "F += eps_f*(alpha*x_pre - F)"),
    Field("ON_PRE", "synapse", "pre", "synapses", -1,
          "at a presynaptic spike: transmission", "kick_post += Omega"),
    Field("ON_PRE_NEXT_STEP", "plasticity", "learn_pre_next", "synapses", 0,
          "one step after a presynaptic spike, after that step's integration",
          "Zs = zbar_pre/alpha_u_post"),
    Field("ON_POST", "synapse", "post", "synapses", 1,
          "at a postsynaptic spike, after the presynaptic transmissions", "w += A_pre"),
    Field("RESET", "neuron, input", "group", "resets", 0,
          "after a spike, once the step's spikes were transmitted", "r += 1"),
    Field("END_OF_STEP", "neuron, input", "group", "end", 0,
          "at the end of every step, with the step's spikes", "zk = exp(-dt/tau_out)*zk + z"),
    Field("END_OF_STEP", "synapse, plasticity", "synapses", "end", 10,
          "at the end of every step, after the groups' END_OF_STEP and the summed variables "
          "an experiment schedules between them (learning signals)", "g += L_post*ebar"),
)
# Code a model runs at a period the experiment gives: the field, and the argument naming it.
PERIODIC = {"EVERY_WINDOW": "window", "NEW_SEQUENCE": "sequence", "ON_UPDATE": "update_every"}


def rows_of(model: Model) -> list[Field]:
    """The rows of the schedule that the fields of `model` use, in the order they run."""
    holder = "group" if model.kind in ("neuron", "input") else "synapses"
    used = []
    for row in STEP:
        if row.name == "EQUATIONS":
            continue
        if row.holder in ("group", "synapses"):
            mine = row.holder == holder and model.kind in row.models
        else:  # a pathway: the model's own event code or, for a plasticity rule, its pathways'
            mine = model.kind in row.models
        if mine and _code(model, row.name):
            used.append(row)
    return used


def _code(model: Model, field_name: str) -> str | None:
    return getattr(model, field_name.lower())


def make_group(model: Model, n: int, name: str, namespace: dict, sequence=None, window=None,
               per_step_order: int = 0, end_of_step_order: int = 0, **kwargs):
    """A NeuronGroup running a neuron or input model, with an explicit namespace.
    `sequence`: the duration of one trial, for models with NEW_SEQUENCE code; `window`: the
    period of EVERY_WINDOW code; `per_step_order` and `end_of_step_order`: added to the order of
    its PER_STEP and END_OF_STEP code, for groups an experiment chains within a step (the layers
    of a feedforward network, a group that reads what synapses summed at the end of the step)."""
    from brian2 import NeuronGroup

    if model.kind not in ("neuron", "input"):
        raise NeurosimsError(f"{model.path}: a {model.kind} model cannot run as a neuron group")
    with _naming(model, name):
        group = NeuronGroup(n, model.brian_equations(), threshold=model.threshold, reset=model.reset,
                            refractory=model.refractory or False, name=name, namespace=namespace,
                            **kwargs)
    _schedule(group, model, name, "group", {"sequence": sequence, "window": window},
              {"PER_STEP": per_step_order, "END_OF_STEP": end_of_step_order})
    return group


def make_weight_group(optimizer: Model, n: int, name: str, namespace: dict, update_every):
    """A NeuronGroup of `n` shared weights (a convolution's kernel) running an optimizer: the
    weights and the optimizer's state once per weight, not once per synapse that reads them
    (synapses/decolle_conv). What the optimizer reads from a synapse's post group (POST, the
    gate) is a linked variable here, which the experiment links to that group."""
    from brian2 import NeuronGroup

    if optimizer.kind != "optimizer":
        raise NeurosimsError(f"{optimizer.path}: a {optimizer.kind} model is not an optimizer")
    linked = "\n".join(f"{line.split('#')[0].strip()} (linked)" for line in optimizer.post.splitlines()
                       if line.split("#")[0].strip())
    in_group = lambda code: re.sub(r"\b(\w+)_post\b", r"\1", code)  # noqa: E731
    model = dataclasses.replace(optimizer, kind="neuron", on_update=None,
                                equations="\n".join((optimizer.synapse, optimizer.equations, linked)))
    with _naming(optimizer, name):
        group = NeuronGroup(n, model.brian_equations(), name=name, namespace=namespace)
        row = next(r for r in STEP if r.name == "ON_UPDATE")
        group.run_regularly(in_group(optimizer.on_update), dt=update_every, when=row.when, order=row.order,
                            name=f"{name}_on_update")
    return group


def make_synapses(model: Model, source, target, name: str, namespace: dict, sequence=None,
                  update_every=None, window=None, **kwargs):
    """Synapses running a synapse model with the plasticity rule and optimizer attached to it
    (models.combine). `update_every`: the period of the optimizer's weight updates."""
    from brian2 import Synapses, defaultclock

    if model.kind != "synapse":
        raise NeurosimsError(f"{model.path}: a {model.kind} model cannot run as synapses")
    pathways = {"pre": {}, "post": {}}
    for side in pathways:
        if getattr(model, f"on_{side}"):
            pathways[side][side] = getattr(model, f"on_{side}")
        if getattr(model, f"learn_on_{side}"):
            pathways[side][f"learn_{side}"] = getattr(model, f"learn_on_{side}")
    if model.on_pre_next_step:
        pathways["pre"]["learn_pre_next"] = model.on_pre_next_step
        kwargs["delay"] = {"learn_pre_next": kwargs.get("dt", defaultclock.dt)}
    with _naming(model, name):
        syn = Synapses(source, target, model.brian_equations(), on_pre=pathways["pre"] or None,
                       on_post=pathways["post"] or None, name=name, namespace=namespace, **kwargs)
    orders = {row.holder: row.order for row in STEP}
    for pathway in syn._pathways:
        pathway.order = orders[pathway.name[len(name) + 1:]]
    _schedule(syn, model, name, "synapses",
              {"sequence": sequence, "window": window, "update_every": update_every})
    return syn


def schedule_summed(synapses, when: str, order: int = 0, names: tuple[str, ...] | None = None):
    """When the summed variables of `synapses` (all, or those `names`: "U_ff_post") are computed
    in a step (Brian2 computes them in the groups' slot by default): for an experiment that
    chains them with its groups' code."""
    for name, updater in synapses.summed_updaters.items():
        if names is not None and name not in names:
            continue
        updater.when = when
        updater.order = order


def _schedule(obj, model: Model, name: str, holder: str, periods: dict, orders: dict | None = None):
    """The model's code that is not integration or an event, each at its row of STEP."""
    with _naming(model, name):
        for row in STEP:
            code = _code(model, row.name) if row.holder == holder and row.name != "EQUATIONS" else None
            if not code or row.name in ("THRESHOLD", "RESET"):
                continue
            every = None
            if row.name in PERIODIC:
                every = periods.get(PERIODIC[row.name])
                if every is None:
                    raise NeurosimsError(f"{model.path} (group {name}): the model's {row.name} code runs "
                                         f"once per {PERIODIC[row.name]}; the experiment must give it")
            order = row.order + (orders or {}).get(row.name, 0)
            obj.run_regularly(code, dt=every, when=row.when, order=order, name=f"{name}_{row.name.lower()}")


@contextmanager
def _naming(model: Model, group: str):
    """Errors Brian2 raises while creating a group, as one line naming the model file."""
    try:
        yield
    except NeurosimsError:
        raise
    except Exception as err:
        raise NeurosimsError(f"{model.path} (group {group}): {brian_error_message(err)}") from None
