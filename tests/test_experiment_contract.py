"""What every experiment and learner in the registry owes its users, held for all of them (an
experiment added to experiments/__init__.py is covered here): its quick preset runs and writes
a complete run folder; a run killed midway resumes to the same result; export + run_task.sh +
collect gives what `neurosims run` gives, or export refuses in one line before anything is
compiled or written; bad --set, --model and --preset input is refused in one line."""

import json
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from brian2 import Quantity

from neurosims.batch.export import collect, export
from neurosims.errors import NeurosimsError
from neurosims.experiment import load_experiment
from neurosims.experiments import variants
from neurosims.store import read_npz

from helpers import bash_alone, neurosims, prepared

VARIANTS = variants()
IDS = [name + (f"-{learner}" if learner else "") for name, learner in VARIANTS]
LEARNER = lambda learner: ["--learner", learner] if learner else []  # noqa: E731


def without_wall_clock(value):
    """A run's record without the keys that measure wall-clock time."""
    if isinstance(value, dict):
        return {k: without_wall_clock(v) for k, v in value.items() if not k.endswith("wall_s")}
    if isinstance(value, list):
        return [without_wall_clock(v) for v in value]
    return value


@pytest.mark.parametrize("name, learner", VARIANTS, ids=IDS)
def test_presets_and_what_a_run_records(name, learner):
    """Every experiment has the tiny, quick, default and paper presets, each of which resolves
    (units checked); the record of a run gives a source for every value."""
    experiment = load_experiment(name, learner)
    assert {"tiny", "quick", "default", "paper"} <= set(experiment.presets)
    for preset in experiment.presets:
        record = prepared(name, preset, learner=learner).record
        assert set(record["sources"]) == set(record["config"]) | set(record["params"])
        assert all(record["sources"].values())


@pytest.mark.parametrize("name, learner", VARIANTS, ids=IDS)
def test_quick_preset_writes_a_complete_run_folder(name, learner, quick_run):
    out = quick_run(name, learner)
    run = json.loads((out / "run.json").read_text())
    assert run["experiment"] == name and run["preset"] == "quick" and run["seed"] == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["history"]) >= 2 and metrics["summary"]
    assert set(metrics["summary"]) == set(load_experiment(name, learner).summary_keys)  # what sweep --plot checks
    assert all(isinstance(v, (bool, int, float)) for v in metrics["summary"].values())
    arrays = read_npz(out / "arrays.npz")
    assert any(k.startswith("before_") for k in arrays) and any(k.startswith("after_") for k in arrays)
    assert int(read_npz(out / "checkpoint.npz")["chunk"]) >= 1
    assert len(list((out / "evaluations").iterdir())) == len(metrics["history"])
    figures = list((out / "figures").iterdir())
    assert len(figures) >= 2 and all(f.stat().st_size > 5_000 for f in figures)
    assert not list(out.glob("**/*.tmp"))


def _checkpointed_chunk(out) -> int:
    try:
        return int(read_npz(out / "checkpoint.npz")["chunk"])
    except (OSError, KeyError, ValueError):
        return -1


@pytest.mark.parametrize("name, learner", VARIANTS, ids=IDS)
def test_a_killed_run_resumes_to_the_same_result(name, learner, tmp_path):
    """The tiny preset (12 chunks), killed (SIGKILL) after its second checkpoint and resumed,
    ends with the metrics and the state of an uninterrupted run (wall-clock times aside)."""
    args = ["run", name, *LEARNER(learner), "--preset", "tiny", "--quiet", "--no-figures", "--seed", "3"]
    neurosims(*args, "--out", tmp_path / "whole")
    cut = tmp_path / "cut"
    proc = subprocess.Popen([sys.executable, "-m", "neurosims.cli", *args, "--out", cut],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while _checkpointed_chunk(cut) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 <= _checkpointed_chunk(cut) < 12, "the run was not interrupted"
    neurosims(*args, "--out", cut, "--resume")

    def record(folder):
        return without_wall_clock(json.loads((folder / "metrics.json").read_text()))

    assert record(cut) == record(tmp_path / "whole")
    whole, resumed = read_npz(tmp_path / "whole" / "checkpoint.npz"), read_npz(cut / "checkpoint.npz")
    assert set(whole) == set(resumed)
    for key in whole:
        if key not in ("wall_s", "history"):
            np.testing.assert_array_equal(resumed[key], whole[key], err_msg=key)


@pytest.mark.parametrize("name, learner", VARIANTS, ids=IDS)
def test_export_and_collect_give_what_run_gives_or_refuse(name, learner, tmp_path, build_cache):
    """Exported (tiny preset, seed 1), run by run_task.sh with bash and the binary alone, and
    collected: the summary of `neurosims run` with the same seed, to 1e-6. An experiment whose
    training the binary cannot replay is refused in one line, before anything is compiled or
    written, with the reason its registry entry gives."""
    experiment = load_experiment(name, learner)
    folder = tmp_path / "exported"
    if experiment.export_refusal:
        builds_before = sorted(build_cache.glob("*")) if build_cache.exists() else []
        with pytest.raises(NeurosimsError, match=re.escape(f"cannot be exported: {experiment.export_refusal}")):
            export(name, "tiny", [], [1], folder, cache_dir=build_cache, learner=learner)
        proc = neurosims("export", name, *LEARNER(learner), "--preset", "tiny", "--out", folder, check=False)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "cannot be exported" in proc.stderr
        assert not folder.exists() and not list(tmp_path.glob("*.partial"))
        assert (sorted(build_cache.glob("*")) if build_cache.exists() else []) == builds_before
        return
    export(name, "tiny", [], [1], folder, cache_dir=build_cache, learner=learner)
    proc = bash_alone(tmp_path, folder, "1", "results/seed-1")
    assert proc.returncode == 0, proc.stderr
    row = collect(folder)[0]
    assert row["status"] == "done"
    direct = prepared(name, "tiny", learner=learner).run(tmp_path / "direct", seed=1, progress=False,
                                                         figures=False)["summary"]
    for key, value in direct.items():
        assert row[key] == pytest.approx(value, rel=1e-6), key


def _a_field_with_a_unit(experiment, prep):
    """A config field or model parameter whose value has a unit, to give it a wrong one."""
    for name, value in [*vars(prep.config).items(), *prep.params.items()]:
        if isinstance(value, Quantity) and not value.is_dimensionless:
            return name
    raise AssertionError(f"{experiment.label} has no value with a unit")


@pytest.mark.parametrize("name, learner", VARIANTS, ids=IDS)
def test_bad_input_is_refused_in_one_line_and_writes_nothing(name, learner, tmp_path, capsys):
    from neurosims.cli import main

    experiment = load_experiment(name, learner)
    prep = prepared(name, "tiny", learner=learner)
    field, role = _a_field_with_a_unit(experiment, prep), next(iter(experiment.roles))
    cases = [
        (["--set", "no_such_name=1"], "unknown parameter 'no_such_name'; valid names: "),
        (["--set", f"{field}=3*mV"], rf"unit mismatch for {field}: '3\*mV' has unit volt, expected "),
        (["--set", f"{field}"], "--set expects name=value"),
        (["--model", "no_such_role=mine.py"], "unknown model role 'no_such_role'; roles of "),
        (["--model", f"{role}=missing.py"], "model file not found: missing.py"),
        (["--preset", "nope"], "unknown preset 'nope'; available: tiny, quick"),
    ]
    for args, message in cases:
        out = tmp_path / "out"
        assert main(["run", name, *LEARNER(learner), *args, "--out", str(out)]) == 2, args
        err = capsys.readouterr().err
        errors = [line for line in err.splitlines() if line.startswith("neurosims: error: ")]
        assert len(errors) == 1 and re.search(message, errors[0]), (args, err)
        assert "Traceback" not in err and not out.exists(), args
