"""Model files are data: they are read from their syntax tree, never run. Anything but the
docstring, `from brian2 import` and assignments of literal values (strings, numbers, tuples,
lists, dicts, unit arithmetic) is refused in one line naming the file and line, so that a
file cannot exit the process, hang it, or run a command."""

import pytest

from neurosims.errors import NeurosimsError
from neurosims.models import library, load_model_file

from helpers import neurosims

HEAD = 'KIND = "neuron"\nCITATION = "test"\nEQUATIONS = "v : 1"\nPARAMETERS = {}\n'


@pytest.mark.parametrize("body, line, message", [
    ("import sys\nsys.exit(0)\n", 5, "this is an import"),
    ("import os\n", 5, "this is an import"),
    ("from os import system\n", 5, "an import from another module than brian2"),
    ("while True:\n    pass\n", 5, "this is a loop"),
    ("for k in range(10**9):\n    pass\n", 5, "this is a loop"),
    ("def f():\n    pass\n", 5, "this is a function"),
    ("print('hello')\n", 5, "this is an expression"),
    ("X = __import__('os').system('touch /tmp/owned')\n", 5, "is not a value"),
    ("X = open('/etc/passwd').read()\n", 5, "is not a value"),
    ("X = (1).__class__.__subclasses__()\n", 5, "is not a value"),
    ("X = lambda: 0\n", 5, "is not a value"),
    ("X = [c for c in 'abc']\n", 5, "is not a value"),
    ("X = f'{1 + 1}'\n", 5, "is not a value"),
    ("X = 9**9**9\n", 5, "takes a whole number as its exponent"),
    ("X = 1e400\n", 5, "is not a finite number"),
    ("X = {1: 'a'}\n", 5, "the keys of a dict in a model file are strings"),
    ("X = Y = 1\n", 5, "an assignment to more than one name"),
    ("X += 1\n", 5, "an assignment that computes"),
])
def test_a_model_file_that_is_not_data_is_refused_naming_file_and_line(tmp_path, body, line, message):
    path = tmp_path / "hostile.py"
    path.write_text(HEAD + body)
    with pytest.raises(NeurosimsError) as err:
        load_model_file(path)
    text = str(err.value)
    assert text.startswith(f"{path}:{line}: ") and message in text and "\n" not in text


def test_models_show_does_not_run_the_file(tmp_path):
    """`neurosims models show FILE` of a file that would exit 0 and write a file: one line,
    exit 2, and the file's code did not run."""
    marker = tmp_path / "ran"
    path = tmp_path / "exits.py"
    path.write_text(HEAD + f"import pathlib\npathlib.Path({str(marker)!r}).write_text('x')\nraise SystemExit(0)\n")
    proc = neurosims("models", "show", path, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"{path}:5: " in proc.stderr and not marker.exists()


def test_the_library_reads_as_data():
    """Every model of the library is read without running it: quantities written as unit
    arithmetic (0.001 / sqrt(ms), 1 / 0.9), implicitly joined strings, tuples and dicts."""
    from brian2 import ms, sqrt

    models = {name: load_model_file(path) for name, path in library().items()}
    assert models["spike_coding"].parameters["sigma_v"].value == 0.001 / sqrt(ms)
    assert models["voltage_recurrent"].parameters["beta"].value == pytest.approx(1 / 0.9)
    assert "Bourdoukan" in models["spike_coding"].citation and models["adam"].learning_rates == ("eta",)
