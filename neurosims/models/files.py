"""Model files: finding them, reading them and checking them.

A model file (``equations/<kind>/<name>.py``, or a user's own copy anywhere) is data only::

    \"\"\"One-line summary.  Longer description.\"\"\"
    from brian2 import Hz
    KIND = "neuron"                 # neuron | input | synapse | plasticity | optimizer
    CITATION = "Author (year). Title. Journal. doi:..."
    EQUATIONS = \"\"\"
    dV/dt = -lambda_v*V + I_ff : 1  # membrane potential
    \"\"\"
    THRESHOLD = "V > v_th"          # optional event code: THRESHOLD, RESET, REFRACTORY,
                                    # ON_PRE, ON_POST, ON_PRE_NEXT_STEP
    PER_STEP = "u = V - v_th"       # optional step code: START_OF_STEP, EVERY_WINDOW,
                                    # NEW_SEQUENCE, ON_UPDATE, PER_STEP, END_OF_STEP
    PARAMETERS = {"lambda_v": (50 * Hz, "leak rate", "Paper 2012, Eq. 1")}
    LEARNING_RATES = ("eps_r",)     # plasticity and optimizer models: the parameters whose
                                    # value 0 means no learning (models/model.py)
    PRE = "x : 1"                   # synapses and rules: what they read from their pre and
    POST = "V : 1"                  # post groups
    SYNAPSE = "w : 1"               # plasticity, optimizer: the synaptic variables changed
    TIMED_ARRAYS = {"c_in": Hz}     # functions of time the experiment provides

When each code field runs within a time step is the step schedule (models/schedule.py).
Parameters become shared variables of the group that runs the model, so every value can be
changed between runs of a compiled simulation without recompiling; the equations name them.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.resources
import re
from pathlib import Path

import numpy as np
from brian2 import Equations, Quantity

from neurosims.errors import NeurosimsError
from neurosims.models.model import CODE_FIELDS, KINDS, Model, Parameter, combine, structure
from neurosims.models.schedule import make_group, make_synapses
from neurosims.models.units import brian_error_message, unit_string

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
    namespace, lines = read_assignments(source, path)
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
        params[name] = Parameter(name, value, description, source_ref, str(path))
    code = {name: namespace.get(name) for name in CODE_FIELDS if name not in ("THRESHOLD", "REFRACTORY")}
    rates = _learning_rates(namespace.get("LEARNING_RATES"), kind, params, code, namespace.get("SYNAPSE", ""),
                            where("LEARNING_RATES"))

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
        learning_rates=rates,
    )


def _learning_rates(declared, kind: str, params: dict, code: dict, synapse: str, where: str) -> tuple[str, ...]:
    """LEARNING_RATES: the parameters of a plasticity rule or optimizer whose value 0 means no
    learning (an experiment sets them to 0 to evaluate, and scales them to anneal). A rule
    or optimizer that changes its synaptic variables (SYNAPSE) itself must name at least one:
    one that did not would keep learning while the network is evaluated. A rule that only
    accumulates a gradient for an optimizer declares an empty tuple."""
    if kind not in ("plasticity", "optimizer"):
        if declared is not None:
            raise NeurosimsError(f"{where}: LEARNING_RATES belongs to plasticity and optimizer models, "
                                 f"not to a {kind} model")
        return ()
    if not isinstance(declared, (tuple, list)) or not all(isinstance(n, str) for n in declared):
        article = "an" if kind == "optimizer" else "a"
        raise NeurosimsError(f"{where}: {article} {kind} model must declare LEARNING_RATES, a tuple of the "
                             f"names of its parameters whose value 0 means no learning, e.g. (\"eta\",)")
    unknown = sorted(set(declared) - set(params))
    if unknown:
        raise NeurosimsError(f"{where}: LEARNING_RATES names {', '.join(unknown)}, which PARAMETERS does not "
                             f"define")
    changed = sorted(_assigned(code) & (set(Equations(synapse).names) if synapse.strip() else set()))
    if changed and not declared:
        raise NeurosimsError(f"{where}: the model changes {', '.join(changed)} itself, so LEARNING_RATES must "
                             f"name the parameters that turn that off at 0")
    return tuple(declared)


def _assigned(code: dict) -> set[str]:
    """The variables that code strings assign to."""
    names = set()
    for text in code.values():
        for node in ast.walk(ast.parse("\n".join(line.split("#")[0] for line in (text or "").splitlines()))):
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def read_assignments(source: str, path: Path) -> tuple[dict, dict[str, int]]:
    """The names a model file assigns and their values, read from its syntax tree (the file is
    never run), with the line of each: its docstring (__doc__), `from brian2 import ...`,
    and assignments of strings, numbers, tuples, lists, dicts and Brian2 quantities written
    as unit arithmetic (neurosims.values). Anything else is refused, naming file and line."""
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as err:
        raise NeurosimsError(f"{path}:{err.lineno}: Python syntax error: {err.msg}") from None
    namespace, lines = {"__doc__": ast.get_docstring(tree, clean=False)}, {}
    for k, node in enumerate(tree.body):
        if k == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            continue  # the docstring
        if isinstance(node, ast.ImportFrom) and node.module == "brian2" and not node.level:
            continue  # unit names; the values below are read with Brian2's units in any case
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            namespace[name] = _literal(node.value, source, path)
            lines[name] = node.value.lineno
            continue
        raise NeurosimsError(f"{path}:{node.lineno}: a model file holds only its docstring, `from brian2 import` "
                             f"and NAME = value assignments of strings, numbers, tuples, dicts and units; "
                             f"this is {_what(node)}")
    return namespace, lines


def _literal(node: ast.AST, source: str, path: Path):
    """The value of an assignment's right-hand side (see read_assignments)."""
    from neurosims.values import value_of

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_literal(element, source, path) for element in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict):
        if not all(isinstance(key, ast.Constant) and isinstance(key.value, str) for key in node.keys):
            raise NeurosimsError(f"{path}:{node.lineno}: the keys of a dict in a model file are strings")
        return {key.value: _literal(value, source, path) for key, value in zip(node.keys, node.values)}
    text = ast.get_source_segment(source, node) or ""
    try:
        return value_of(node, text, lists=False)
    except NeurosimsError as err:
        raise NeurosimsError(f"{path}:{node.lineno}: {err}") from None


def _what(node: ast.AST) -> str:
    kinds = {ast.Import: "an import", ast.ImportFrom: "an import from another module than brian2",
             ast.FunctionDef: "a function", ast.ClassDef: "a class", ast.Expr: "an expression",
             ast.AugAssign: "an assignment that computes", ast.Assign: "an assignment to more than one name",
             ast.AnnAssign: "an annotated assignment", ast.For: "a loop", ast.While: "a loop",
             ast.If: "a condition", ast.With: "a with block", ast.Try: "a try block"}
    return next((what for kind, what in kinds.items() if isinstance(node, kind)), f"a {type(node).__name__} statement")


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


# ---------------------------------------------------------------------------------------------
# Checking a model's units on its own (the library test runs this over every model file)


def _arguments(code: str, function: str) -> int:
    """How many arguments the first call of `function` in `code` passes (2 if never called)."""
    found = re.search(rf"\b{function}\(", code)
    if not found:
        return 2
    depth, commas = 0, 0
    for char in code[found.end():]:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return commas + 1
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
    return commas + 1


def check_units(model: Model) -> None:
    """Build the model in a throwaway runtime group and let Brian2 check every unit.

    Synapse and plasticity models are built between stub groups holding what their PRE and
    POST declarations say they read; TIMED_ARRAYS are stubbed with zeros of their unit.
    A model that passed is not checked again: in the same process (a sweep worker runs many
    tasks of the same models), nor in later ones, which find its mark in the cache
    (cache.py; keyed by everything the check reads and the Brian2 and neurosims versions: a
    check builds the model's code, about a second per model, every command paid it).
    """
    from brian2 import Network, NeuronGroup, TimedArray, ms

    checked = repr((model.kind, structure(model), model.pre, model.post, model.synapse,
                    sorted((k, repr(v)) for k, v in model.timed_arrays.items())))
    mark = _unit_check_mark(checked)
    if checked in _PASSED_UNIT_CHECK or mark.exists():
        _PASSED_UNIT_CHECK.add(checked)
        return

    strings = " ".join(str(getattr(model, f.lower()) or "") for f in CODE_FIELDS) + model.equations
    namespace = {  # f(x) takes one argument (a time), f(t, i) two (one value per neuron)
        name: TimedArray((np.zeros(2) if _arguments(strings, name) == 1 else np.zeros((2, 2))) * unit, dt=1 * ms,
                         name=f"_stub_{name}")
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
        objects += _link_stubs(objects[-1], namespace)
        Network(*objects).run(0 * ms)
    except Exception as err:
        raise NeurosimsError(f"{model.path}: {brian_error_message(err)}") from None
    _PASSED_UNIT_CHECK.add(checked)
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
    except OSError:  # the mark only saves time: a cache that cannot hold it is reported where builds go
        pass


_PASSED_UNIT_CHECK: set[str] = set()


def _unit_check_mark(checked: str) -> Path:
    """The cache file whose existence says that a model with this key passed the unit check."""
    import hashlib

    import brian2

    from neurosims import __version__
    from neurosims.cache import cache_root

    key = hashlib.sha256(f"{checked}|brian2 {brian2.__version__}|neurosims {__version__}".encode()).hexdigest()
    return cache_root() / "unit-checks" / key[:32]


def _link_stubs(group, namespace) -> list:
    """A stub group for each linked variable of `group` (what an experiment links it to), of
    the variable's unit, linked to it."""
    from brian2 import NeuronGroup, linked_var

    stubs = []
    for eq in group.equations.values():
        if "linked" in eq.flags:
            stub = NeuronGroup(len(group), f"{eq.varname} : {unit_string(1 * eq.unit)}",
                               namespace=namespace, codeobj_class=_numpy_codeobject())
            setattr(group, eq.varname, linked_var(stub, eq.varname))
            stubs.append(stub)
    return stubs


def _numpy_codeobject():
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    return NumpyCodeObject
