"""A model, loaded: its equations, code strings and parameters; variants by substitution;
synapses composed with the plasticity rule and the optimizer attached to them."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from brian2 import Equations, Quantity

from neurosims.errors import NeurosimsError
from neurosims.models.units import same_value, unit_string

KINDS = ("neuron", "input", "synapse", "plasticity", "optimizer")
CODE_FIELDS = ("THRESHOLD", "RESET", "REFRACTORY", "ON_PRE", "ON_POST", "PER_STEP", "END_OF_STEP",
               "NEW_SEQUENCE", "ON_UPDATE", "START_OF_STEP", "EVERY_WINDOW", "ON_PRE_NEXT_STEP")


@dataclass(frozen=True)
class Parameter:
    """One entry of a model's parameter table."""

    name: str
    value: Quantity
    description: str
    source: str
    path: str = ""  # the model file that defines it

    @property
    def unit(self) -> str:
        return unit_string(self.value)


@dataclass(frozen=True)
class Model:
    """A model file, loaded: equations, code strings and parameters, with where they came from."""

    name: str
    kind: str
    path: Path
    description: str
    citation: str
    equations: str
    parameters: dict[str, Parameter]
    threshold: str | None = None
    reset: str | None = None
    refractory: str | None = None
    on_pre: str | None = None
    on_post: str | None = None
    per_step: str | None = None
    end_of_step: str | None = None
    new_sequence: str | None = None
    on_update: str | None = None
    start_of_step: str | None = None
    every_window: str | None = None
    on_pre_next_step: str | None = None
    pre: str = ""
    post: str = ""
    synapse: str = ""
    learn_on_pre: str | None = None  # a plasticity rule's code, once attached to a synapse
    learn_on_post: str | None = None
    timed_arrays: dict[str, Quantity] = field(default_factory=dict)
    learning_rates: tuple[str, ...] = ()  # parameters whose value 0 means no learning

    @property
    def summary(self) -> str:
        return first_sentence(self.description)

    def brian_equations(self) -> Equations:
        """The model's equations plus one shared variable per parameter."""
        lines = [self.equations]
        lines += [f"{p.name} : {p.unit} (shared)" for p in self.parameters.values()]
        return Equations("\n".join(lines))

    def substitute(self, **names: str) -> Model:
        """A variant with variables and parameters renamed (``tau='tau_e'``), as Brian2's
        ``Equations(EQS, tau='tau_e')`` does, applied to every string of the model; a synapse
        model's references to a renamed variable of its pre or post group (``S_pre``) follow."""
        bad = sorted(set(names) - self.names())
        if bad:
            raise NeurosimsError(
                f"{self.path}: cannot substitute {', '.join(bad)}: model {self.name} has no such "
                f"name (it has {', '.join(sorted(self.names()))})"
            )
        names = names | {f"{old}{side}": f"{new}{side}" for old, new in names.items() for side in ("_pre", "_post")
                         if re.search(rf"\b{re.escape(old + side)}\b", self.equations)}
        sub = lambda code: _word_substitute(code, names) if code else code  # noqa: E731
        params = {
            names.get(k, k): dataclasses.replace(p, name=names.get(k, k))
            for k, p in self.parameters.items()
        }
        return dataclasses.replace(
            self,
            equations=equations_text(Equations(self.equations, **names)) if self.equations.strip() else "",
            parameters=params,
            **{f.lower(): sub(getattr(self, f.lower())) for f in CODE_FIELDS},
            pre=sub(self.pre),
            post=sub(self.post),
            synapse=sub(self.synapse),
            learning_rates=tuple(names.get(k, k) for k in self.learning_rates),
        )

    def names(self) -> set[str]:
        """Variables and parameters this model defines or declares (SYNAPSE, PRE, POST)."""
        defined = set(self.parameters)
        for text in (self.equations, self.synapse, self.pre, self.post):
            if text.strip():
                defined |= set(Equations(text).names)
        return defined


def equations_text(equations: Equations) -> str:
    """Equations as text that parses back to the same equations: Brian2's str() writes an
    integer or boolean variable's type as its unit, 1, and so loses it."""
    lines = []
    for eq in equations.ordered:
        line = str(eq)
        if eq.var_type in ("integer", "boolean"):
            line = line.replace(f"{eq.varname} : 1", f"{eq.varname} : {eq.var_type}", 1)
        lines.append(line)
    return "\n".join(lines)


def first_sentence(text: str) -> str:
    """The first sentence of a docstring's first paragraph, on one line."""
    paragraph = " ".join((text or "").strip().split("\n\n")[0].split())
    end = re.search(r"\.(?=\s+[A-Z]|\s*$)", paragraph)
    return paragraph[:end.start() + 1] if end else paragraph


def structure(model: Model) -> dict:
    """What of a model goes into compiled code: its strings and its parameters' names and units.
    Parameter values do not (they are set at every run), so they are not part of a build key."""
    fields = ("equations", "threshold", "reset", "refractory", "on_pre", "on_post", "per_step",
              "end_of_step", "new_sequence", "on_update", "learn_on_pre", "learn_on_post",
              "start_of_step", "every_window", "on_pre_next_step")
    return {f: getattr(model, f) for f in fields} | {
        "parameters": {k: p.unit for k, p in model.parameters.items()}}


def combine(synapse: Model, rule: Model) -> Model:
    """A synapse model with a plasticity rule or an optimizer attached.

    A plasticity rule's event code runs in pathways of its own that are scheduled before any
    transmission (models/schedule.py): in a time step, every weight change sees the values
    before any of that step's spikes arrive, and the spikes then arrive through the updated
    weights (the order of the authors' code for the rules in this library), identically in
    runtime and standalone mode. Its PER_STEP code runs after the synapse's own.
    An optimizer's ON_UPDATE code turns the gradient a rule accumulated into a weight change
    at every weight update (`make_synapses(..., update_every=...)`). The learning rates of
    both are the composed model's.
    """
    if synapse.kind != "synapse" or rule.kind not in ("plasticity", "optimizer"):
        raise NeurosimsError(
            f"cannot attach {rule.name} ({rule.kind}) to {synapse.name} ({synapse.kind}): "
            "expected a synapse model and a plasticity or optimizer model"
        )
    needed = set(Equations(rule.synapse).names) if rule.synapse.strip() else set()
    own = set(Equations(synapse.equations).names) if synapse.equations.strip() else set()
    missing = sorted(needed - own)
    if missing:
        raise NeurosimsError(
            f"{rule.path}: {rule.kind} {rule.name} changes {', '.join(missing)}, which synapse "
            f"model {synapse.name} ({synapse.path}) does not define"
        )
    if rule.kind == "optimizer" and synapse.on_update:
        raise NeurosimsError(f"{rule.path}: synapse model {synapse.name} already has an optimizer")
    join = lambda a, b: "\n".join(s for s in (a, b) if s) or None  # noqa: E731
    return dataclasses.replace(
        synapse,
        name=f"{synapse.name}+{rule.name}",
        description=f"{synapse.summary} with {rule.summary}",
        citation=join(synapse.citation, rule.citation),
        equations=join(synapse.equations, rule.equations) or "",
        parameters=merge_parameters([synapse, rule]),
        learn_on_pre=join(synapse.learn_on_pre, rule.on_pre),
        learn_on_post=join(synapse.learn_on_post, rule.on_post),
        per_step=join(synapse.per_step, rule.per_step),
        end_of_step=join(synapse.end_of_step, rule.end_of_step),
        new_sequence=join(synapse.new_sequence, rule.new_sequence),
        every_window=join(synapse.every_window, rule.every_window),
        on_pre_next_step=join(synapse.on_pre_next_step, rule.on_pre_next_step),
        on_update=rule.on_update if rule.kind == "optimizer" else synapse.on_update,
        pre=_merge_interface(synapse.pre, rule.pre),
        post=_merge_interface(synapse.post, rule.post),
        learning_rates=tuple(dict.fromkeys(synapse.learning_rates + rule.learning_rates)),
    )


def _merge_interface(a: str, b: str) -> str:
    """PRE/POST declarations of two models, each variable once."""
    lines = {}
    for line in (a + "\n" + b).splitlines():
        if line.split("#")[0].strip():
            lines.setdefault(line.split(":")[0].strip(), line.strip())
    return "\n".join(lines.values())


def learning_rates(models) -> set[str]:
    """The parameters, over several models, whose value 0 means no learning: every run with
    learning off sets them to 0, and an experiment that anneals learning scales them."""
    return {name for model in models for name in model.learning_rates}


def merge_parameters(models: list[Model]) -> dict[str, Parameter]:
    """All parameters of several models; a name used by two models is one quantity (one
    vocabulary across the library), so their defaults must agree."""
    merged: dict[str, tuple[Parameter, Model]] = {}
    for model in models:
        for name, p in model.parameters.items():
            if name in merged:
                other, where = merged[name]
                if not same_value(other.value, p.value):
                    raise NeurosimsError(
                        f"parameter {name} is {other.value!r} in {where.path} but {p.value!r} "
                        f"in {model.path}: one name must mean one quantity"
                    )
            else:
                merged[name] = (p, model)
    return {name: p for name, (p, _) in merged.items()}


def _word_substitute(code: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        code = re.sub(rf"\b{re.escape(old)}\b", new, code)
    return code
