"""The model library: load model files, check them, compose them, hand them to Brian2.

A model file (``equations/<kind>/<name>.py``, or a user's own copy anywhere) is data only::

    \"\"\"One-line summary.  Longer description.\"\"\"
    from brian2 import Hz
    KIND = "neuron"                      # neuron | input | synapse | plasticity
    CITATION = "Author (year). Title. Journal. doi:..."
    EQUATIONS = \"\"\"
    dV/dt = -lambda_v*V + I_ff : 1       # membrane potential
    \"\"\"
    THRESHOLD = "V > v_th"               # optional: THRESHOLD, RESET, REFRACTORY, ON_PRE, ON_POST
    PER_STEP = "u = V - v_th"            # optional: code run every step after integration
                                         # (neurons, synapses and continuous plasticity rules)
    END_OF_STEP = "zk = kappa*zk + z"    # optional: code run at the end of every step, after
                                         # the step's spikes have been delivered
    NEW_SEQUENCE = "v = 0"               # optional: code run at the start of every trial
                                         # (sequence) of a task: finish the last one, reset
    START_OF_STEP = "acc += L"           # optional (neurons): code run at the start of every
                                         # step, before anything else, on the last step's values
    EVERY_WINDOW = "acc = 0"             # optional: code run at the start of every window of
                                         # steps the experiment sets (synapses, then groups)
    ON_PRE_NEXT_STEP = "g += x"          # optional (plasticity): code run one step after a
                                         # presynaptic spike, after the groups' update
    PARAMETERS = {"lambda_v": (50 * Hz, "leak rate", "Paper 2012, Eq. 1")}
    PRE = "x : 1"                        # synapses: what they read from their pre/post groups
    POST = "V : 1"
    SYNAPSE = "w : 1"                    # plasticity, optimizer: the synaptic variables changed
    ON_UPDATE = "w -= eta*g"             # optimizer: code run at every weight update (the
                                         # start of every batch of trials)
    TIMED_ARRAYS = {"c_in": Hz}          # functions of time the experiment provides

Parameters become shared variables of the group that runs the model, so every value can be
changed between runs of a compiled simulation without recompiling; the equations name them.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.resources
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import brian2
import numpy as np
from brian2 import Equations, Quantity, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit

from neurosims.errors import NeurosimsError

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

    @property
    def summary(self) -> str:
        return self.description.strip().splitlines()[0] if self.description.strip() else ""

    def brian_equations(self) -> Equations:
        """The model's equations plus one shared variable per parameter."""
        lines = [self.equations]
        lines += [f"{p.name} : {p.unit} (shared)" for p in self.parameters.values()]
        return Equations("\n".join(lines))

    def substitute(self, **names: str) -> Model:
        """A variant with variables and parameters renamed (``tau='tau_e'``), as Brian2's
        ``Equations(EQS, tau='tau_e')`` does, applied to every string of the model."""
        bad = sorted(set(names) - self.names())
        if bad:
            raise NeurosimsError(
                f"{self.path}: cannot substitute {', '.join(bad)}: model {self.name} has no such "
                f"name (it has {', '.join(sorted(self.names()))})"
            )
        sub = lambda code: _word_substitute(code, names) if code else code  # noqa: E731
        params = {
            names.get(k, k): dataclasses.replace(p, name=names.get(k, k))
            for k, p in self.parameters.items()
        }
        return dataclasses.replace(
            self,
            equations=str(Equations(self.equations, **names)) if self.equations.strip() else "",
            parameters=params,
            **{f.lower(): sub(getattr(self, f.lower())) for f in CODE_FIELDS},
            pre=sub(self.pre),
            post=sub(self.post),
            synapse=sub(self.synapse),
        )

    def names(self) -> set[str]:
        """Variables and parameters this model defines or declares (SYNAPSE, PRE, POST)."""
        defined = set(self.parameters)
        for text in (self.equations, self.synapse, self.pre, self.post):
            if text.strip():
                defined |= set(Equations(text).names)
        return defined


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

    A plasticity rule's event code runs in pathways of its own that are scheduled before the
    synapse's transmission: in a time step, every weight change sees the voltages before any
    of that step's spikes arrive, and the spikes then arrive through the updated weights (the
    order of the authors' code for the rules in this library), identically in runtime and
    standalone mode. Its PER_STEP code runs after the synapse's own.
    An optimizer's ON_UPDATE code turns the gradient a rule accumulated into a weight change
    at every weight update (`make_synapses(..., update_every=...)`).
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
    )


def _merge_interface(a: str, b: str) -> str:
    """PRE/POST declarations of two models, each variable once."""
    lines = {}
    for line in (a + "\n" + b).splitlines():
        if line.split("#")[0].strip():
            lines.setdefault(line.split(":")[0].strip(), line.strip())
    return "\n".join(lines.values())


def merge_parameters(models: list[Model]) -> dict[str, Parameter]:
    """All parameters of several models; a name used by two models is one quantity (one
    vocabulary across the library), so their defaults must agree."""
    merged: dict[str, tuple[Parameter, Model]] = {}
    for model in models:
        for name, p in model.parameters.items():
            if name in merged:
                other, where = merged[name]
                if not _same_value(other.value, p.value):
                    raise NeurosimsError(
                        f"parameter {name} is {other.value!r} in {where.path} but {p.value!r} "
                        f"in {model.path}: one name must mean one quantity"
                    )
            else:
                merged[name] = (p, model)
    return {name: p for name, (p, _) in merged.items()}


# ---------------------------------------------------------------------------------------------
# Finding and loading model files


def load_roles(defaults: dict[str, str], overrides: dict[str, str] | None, experiment: str) -> dict[str, Model]:
    """The model of each role of an experiment: the library's default, or the user's file
    (`--model ROLE=PATH`); every one checked for units before anything is built."""
    names = dict(defaults)
    for role, source in (overrides or {}).items():
        if role not in defaults:
            raise NeurosimsError(f"unknown model role {role!r}; roles of {experiment}: {', '.join(defaults)}")
        names[role] = source
    loaded = {role: find_model(source) for role, source in names.items()}
    for model in loaded.values():
        check_units(model)
    return loaded


def library() -> dict[str, Path]:
    """Every model file shipped with neurosims, by name."""
    root = Path(str(importlib.resources.files("neurosims.equations")))
    found = {}
    for path in sorted(root.glob("*/*.py")):
        if not path.name.startswith("_"):
            found[path.stem] = path
    return found


def find_model(name_or_path: str | Path) -> Model:
    """A model by library name (``spike_coding``) or by the path of a model file."""
    text = str(name_or_path)
    if text.endswith(".py") or "/" in text or "\\" in text:
        path = Path(text).expanduser()
        if not path.is_file():
            raise NeurosimsError(f"model file not found: {path}")
        return load_model_file(path)
    models = library()
    if text not in models:
        raise NeurosimsError(f"unknown model {text!r}; available: {', '.join(sorted(models))}")
    return load_model_file(models[text])


def load_model_file(path: Path) -> Model:
    """Read and check one model file."""
    path = Path(path)
    try:
        source = path.read_text()
    except OSError as err:
        raise NeurosimsError(f"cannot read model file {path}: {err.strerror}") from None
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as err:
        raise NeurosimsError(f"{path}:{err.lineno}: Python syntax error: {err.msg}") from None
    namespace: dict = {"__file__": str(path), "__name__": f"neurosims_model_{path.stem}"}
    try:
        exec(code, namespace)
    except Exception as err:  # a model file is user input: any failure is reported as one line
        raise NeurosimsError(f"{path}: error while reading the model: {err}") from None
    lines = _string_lines(source)
    where = lambda name: f"{path}:{lines.get(name, 1)}"  # noqa: E731

    kind = namespace.get("KIND")
    if kind not in KINDS:
        raise NeurosimsError(f"{where('KIND')}: KIND must be one of {', '.join(KINDS)}, not {kind!r}")
    for required in ("CITATION", "EQUATIONS", "PARAMETERS"):
        if required not in namespace:
            raise NeurosimsError(f"{path}: model file has no {required}")
    equations = namespace["EQUATIONS"]
    _check_equations(equations, path, lines.get("EQUATIONS", 1))
    for name in CODE_FIELDS:
        if namespace.get(name):
            _check_code(namespace[name], name, path, lines.get(name, 1))

    params = {}
    table = namespace["PARAMETERS"]
    if not isinstance(table, dict):
        raise NeurosimsError(f"{where('PARAMETERS')}: PARAMETERS must be a dict name -> (value, description, source)")
    for name, entry in table.items():
        if not (isinstance(entry, tuple) and len(entry) == 3):
            raise NeurosimsError(f"{where('PARAMETERS')}: parameter {name} must be (value, description, source)")
        value, description, source_ref = entry
        if not isinstance(value, (Quantity, float, int)) or isinstance(value, bool):
            raise NeurosimsError(f"{where('PARAMETERS')}: parameter {name} has no numeric value with a unit: {value!r}")
        if not (isinstance(description, str) and description.strip()):
            raise NeurosimsError(f"{where('PARAMETERS')}: parameter {name} has no description")
        if not (isinstance(source_ref, str) and source_ref.strip()):
            raise NeurosimsError(f"{where('PARAMETERS')}: parameter {name} has no source")
        params[name] = Parameter(name, value, description, source_ref)

    return Model(
        name=path.stem,
        kind=kind,
        path=path,
        description=namespace.get("__doc__") or "",
        citation=namespace["CITATION"],
        equations=equations,
        parameters=params,
        threshold=namespace.get("THRESHOLD"),
        reset=namespace.get("RESET"),
        refractory=namespace.get("REFRACTORY"),
        on_pre=namespace.get("ON_PRE"),
        on_post=namespace.get("ON_POST"),
        per_step=namespace.get("PER_STEP"),
        end_of_step=namespace.get("END_OF_STEP"),
        new_sequence=namespace.get("NEW_SEQUENCE"),
        on_update=namespace.get("ON_UPDATE"),
        start_of_step=namespace.get("START_OF_STEP"),
        every_window=namespace.get("EVERY_WINDOW"),
        on_pre_next_step=namespace.get("ON_PRE_NEXT_STEP"),
        pre=namespace.get("PRE", ""),
        post=namespace.get("POST", ""),
        synapse=namespace.get("SYNAPSE", ""),
        timed_arrays=dict(namespace.get("TIMED_ARRAYS", {})),
    )


def _string_lines(source: str) -> dict[str, int]:
    """Line where each module-level ``NAME = "string"`` literal starts."""
    lines = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            lines[node.targets[0].id] = node.value.lineno
    return lines


def _check_equations(equations: str, path: Path, first_line: int):
    """Parse each equation line alone, so an error names the file and the line."""
    _check_lines(equations, "EQUATIONS", "equation", Equations, path, first_line)
    try:
        Equations(equations)
    except Exception as err:
        raise NeurosimsError(f"{path}:{first_line}: invalid equations: {_first_line(err)}") from None


def _check_code(code: str, name: str, path: Path, first_line: int):
    _check_lines(code, name, f"{name} code", ast.parse, path, first_line)


def _check_lines(text, name: str, what: str, parse, path: Path, first_line: int):
    """Parse a model string line by line; the first line that fails is reported with its place."""
    if not isinstance(text, str):
        raise NeurosimsError(f"{path}:{first_line}: {name} must be a string")
    for offset, line in enumerate(text.split("\n")):
        statement = line.split("#")[0].strip()
        if not statement:
            continue
        try:
            parse(statement)
        except Exception as err:  # Brian2 raises EquationError, ValueError, KeyError, ...
            reason = err.msg if isinstance(err, SyntaxError) else _first_line(err)
            raise NeurosimsError(
                f"{path}:{first_line + offset}: cannot parse {what} {statement!r}: {reason}"
            ) from None


def _first_line(err: Exception) -> str:
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip() and ln.strip() != "^"]
    # Brian2's parse errors read "Parsing failed: / <equation> / ^ / Expected ...": keep the reason
    reasons = [ln for ln in lines if ln.startswith("Expected") or "error" in ln.lower()]
    return (reasons or lines or [type(err).__name__])[-1]


def _word_substitute(code: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        code = re.sub(rf"\b{re.escape(old)}\b", new, code)
    return code


# ---------------------------------------------------------------------------------------------
# Handing models to Brian2


# Where the step codes of a model run within a time step. Brian2's step: start, groups
# (integration), thresholds, synapses (spike delivery), resets, end. At the start of a new
# sequence: synapses finish the old one, then optimizers update weights, then groups reset.
# At the end of a step: groups first (readouts, traces of this step's spikes), then anything an
# experiment schedules in between (summed variables such as learning signals), then synapses.
# At the start of a step: groups' START_OF_STEP first, then EVERY_WINDOW (synapses, groups),
# then NEW_SEQUENCE.
END_ORDER = {"group": 0, "synapses": 10}
NEW_SEQUENCE_ORDER = {"synapses": -3, "optimizer": -2, "group": -1}
START_ORDER = -6
WINDOW_ORDER = {"synapses": -5, "group": -4}


def make_group(model: Model, n: int, name: str, namespace: dict, sequence=None, window=None, **kwargs):
    """A NeuronGroup running a neuron or input model, with an explicit namespace.
    `sequence`: the duration of one trial, for models with NEW_SEQUENCE code; `window`: the
    period of EVERY_WINDOW code."""
    from brian2 import NeuronGroup

    if model.kind not in ("neuron", "input"):
        raise NeurosimsError(f"{model.path}: a {model.kind} model cannot run as a neuron group")
    with _naming(model, name):
        group = NeuronGroup(n, model.brian_equations(), threshold=model.threshold, reset=model.reset,
                            refractory=model.refractory or False, name=name, namespace=namespace,
                            **kwargs)
    _add_step_code(group, model, name, "group", sequence, window=window)
    return group


def _add_step_code(obj, model: Model, name: str, role: str, sequence, update_every=None, window=None):
    """The model's START_OF_STEP, PER_STEP, END_OF_STEP, EVERY_WINDOW, NEW_SEQUENCE and
    ON_UPDATE code, scheduled."""
    with _naming(model, name):
        if model.start_of_step:
            obj.run_regularly(model.start_of_step, when="start", order=START_ORDER,
                              name=f"{name}_start_of_step")
        if model.per_step:
            obj.run_regularly(model.per_step, when="after_groups", name=f"{name}_per_step")
        if model.end_of_step:
            obj.run_regularly(model.end_of_step, when="end", order=END_ORDER[role],
                              name=f"{name}_end_of_step")
        for code, every, what, field_name, order in (
                (model.every_window, window, "window", "every_window", WINDOW_ORDER[role]),
                (model.new_sequence, sequence, "sequence", "new_sequence", NEW_SEQUENCE_ORDER[role]),
                (model.on_update, update_every, "update_every", "on_update", NEW_SEQUENCE_ORDER["optimizer"])):
            if code:
                if every is None:
                    raise NeurosimsError(f"{model.path} (group {name}): the model's code runs once "
                                         f"per {what}; the experiment must give {what}")
                obj.run_regularly(code, dt=every, when="start", order=order, name=f"{name}_{field_name}")


def make_synapses(model: Model, source, target, name: str, namespace: dict, sequence=None,
                  update_every=None, window=None, **kwargs):
    """Synapses running a synapse model (with its rule and optimizer, if attached).

    The rule's pathways ('learn_pre', 'learn_post') are scheduled before transmission; its
    ON_PRE_NEXT_STEP code ('learn_pre_next') runs one step after the presynaptic spike. An
    optimizer's update runs at the start of every `update_every` of simulated time (t = 0
    included), after the synapses' NEW_SEQUENCE code and before the groups'.
    """
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
    for pathway in syn._pathways:
        if pathway.name.endswith(("_learn_pre", "_learn_post")):
            pathway.order -= 1
    _add_step_code(syn, model, name, "synapses", sequence, update_every, window)
    return syn


@contextmanager
def _naming(model: Model, group: str):
    """Errors Brian2 raises while creating a group, as one line naming the model file."""
    try:
        yield
    except NeurosimsError:
        raise
    except Exception as err:
        raise NeurosimsError(f"{model.path} (group {group}): {brian_error_message(err)}") from None


# ---------------------------------------------------------------------------------------------
# Units


def unit_string(value) -> str:
    """The unit of a value as Brian2 equations write it ('Hz', '1', 'second ** -0.5')."""
    dim = get_dimensions(value)
    return "1" if dim is DIMENSIONLESS else repr(get_unit(dim))


def _same_value(a, b) -> bool:
    return get_dimensions(a) is get_dimensions(b) and np.allclose(np.asarray(a), np.asarray(b))


_UNITS_NAMESPACE = {
    name: getattr(brian2, name)
    for name in dir(brian2)
    if isinstance(getattr(brian2, name), Quantity) or name in ("sqrt", "exp", "log", "pi")
}


def parse_quantity(text: str, expected, name: str):
    """Read ``--set name=text``: a number or a Brian2 expression with units (``40*Hz``), checked
    against the unit of the default value ``expected``."""
    if isinstance(expected, str):  # a text field (a matrix, a file): its owner checks it
        return text
    try:
        value = eval(text, {"__builtins__": {}}, dict(_UNITS_NAMESPACE))  # units and numbers only
    except Exception:
        raise NeurosimsError(f"cannot read a value for {name} from {text!r}: expected a number "
                             f"or an expression with units such as 40*Hz") from None
    if isinstance(expected, bool):
        if value not in (0, 1, True, False):
            raise NeurosimsError(f"{name} must be true or false (1 or 0), not {text!r}")
        return bool(value)
    if not isinstance(value, (int, float, np.number, Quantity)) or isinstance(value, bool):
        raise NeurosimsError(f"cannot read a value for {name} from {text!r}: not a number")
    want, got = get_dimensions(expected), get_dimensions(value)
    if want is not got:
        raise NeurosimsError(
            f"unit mismatch for {name}: {text!r} has unit {unit_string(value)}, "
            f"expected {unit_string(expected)}"
        )
    if isinstance(expected, int) and not isinstance(expected, bool) and want is DIMENSIONLESS:
        if float(value) != int(value):
            raise NeurosimsError(f"{name} must be a whole number, not {text!r}")
        return int(value)
    return value if isinstance(value, Quantity) else float(value)


# ---------------------------------------------------------------------------------------------
# Checking a model's units on its own (the library test runs this over every model file)


def check_units(model: Model) -> None:
    """Build the model in a throwaway runtime group and let Brian2 check every unit.

    Synapse and plasticity models are built between stub groups holding what their PRE and
    POST declarations say they read; TIMED_ARRAYS are stubbed with zeros of their unit.
    A model that passed is not checked again in the same process (a sweep worker runs many
    tasks of the same models).
    """
    from brian2 import Network, NeuronGroup, TimedArray, ms

    checked = repr((model.kind, structure(model), model.pre, model.post, model.synapse,
                    sorted((k, repr(v)) for k, v in model.timed_arrays.items())))
    if checked in _PASSED_UNIT_CHECK:
        return

    strings = " ".join(str(getattr(model, f.lower()) or "") for f in CODE_FIELDS) + model.equations
    namespace = {  # f(t) is a function of time, f(t, i) one per neuron
        name: TimedArray((np.zeros(2) if re.search(rf"\b{name}\(\s*t\s*\)", strings) else np.zeros((2, 2)))
                         * unit, dt=1 * ms, name=f"_stub_{name}")
        for name, unit in model.timed_arrays.items()
    }
    objects = []
    if model.kind in ("plasticity", "optimizer"):  # check on a stub synapse holding what it changes
        stub = dataclasses.replace(model, kind="synapse", equations=model.synapse, parameters={},
                                   on_pre=None, on_post=None, per_step=None, end_of_step=None,
                                   new_sequence=None, on_update=None, every_window=None,
                                   on_pre_next_step=None,
                                   name="stub", synapse="")
        model = combine(stub, model)
    try:
        if model.kind in ("neuron", "input"):
            objects.append(make_group(model, 2, "stub_group", namespace, sequence=1 * ms, window=1 * ms,
                                      codeobj_class=_numpy_codeobject()))
        else:
            pre = NeuronGroup(2, model.pre or "", threshold="False", reset="", namespace=namespace,
                              codeobj_class=_numpy_codeobject())
            post = NeuronGroup(2, model.post or "", threshold="False", reset="", namespace=namespace,
                               codeobj_class=_numpy_codeobject())
            syn = make_synapses(model, pre, post, "stub_synapses", namespace, sequence=1 * ms, update_every=1 * ms,
                                window=1 * ms,
                                codeobj_class=_numpy_codeobject())
            syn.connect()
            objects += [pre, post, syn]
        Network(*objects).run(0 * ms)
    except Exception as err:
        raise NeurosimsError(f"{model.path}: {brian_error_message(err)}") from None
    _PASSED_UNIT_CHECK.add(checked)


_PASSED_UNIT_CHECK: set[str] = set()


def _numpy_codeobject():
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    return NumpyCodeObject


def brian_error_message(err: BaseException) -> str:
    """The informative line of a Brian2 error, which may be wrapped several times."""
    messages = []
    while err is not None:
        text = " ".join(str(err).split())
        if text and not text.startswith("An error occurred when preparing an object"):
            messages.append(text)
        err = err.__cause__ or err.__context__
    # the innermost message says what is wrong; unit errors name variable and both units
    return messages[-1] if messages else "unknown Brian2 error"
