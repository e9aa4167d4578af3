"""Careless and hostile use of `neurosims run`, `export` and the run folders: each is refused in
one line, before anything is compiled or written where it can be, and never runs as code or
leaves a wrong result. (Values and model files: tests/test_values.py and
tests/models/test_hostile_model_files.py; sweeps: tests/batch/test_sweep.py.)"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from neurosims.store import read_npz

from helpers import neurosims

RUN = ["run", "predictive-coding", "--preset", "tiny", "--quiet", "--no-figures"]


def refused(proc, message):
    """The command was refused with exit 2 and one error line that says `message`; nothing but
    neurosims' own lines (no traceback, no warnings)."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("neurosims: error: ")]
    assert proc.returncode == 2, proc.stderr
    assert len(errors) == 1 and message in errors[0], proc.stderr
    assert all(line.startswith("neurosims: ") for line in lines), proc.stderr
    return errors[0]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished tiny predictive-coding run."""
    out = tmp_path_factory.mktemp("hostile") / "run"
    neurosims(*RUN, "--out", out)
    return out


@pytest.mark.parametrize("args, message", [
    (["--set", "eps_r=2e-3"], "its params differ from this command's (eps_r: 0.001 there, 0.002 here)"),
    (["--seed", "4"], "its seed differs from this command's (0 there, 4 here)"),
    (["--set", "n_neurons=10"], "its config differ from this command's (n_neurons: 20 there, 10 here)"),
    (["--device", "runtime"], "its device differs"),
])
def test_resume_refuses_a_run_defined_otherwise(finished, args, message):
    """Before, a resume with another --set or model file exited 0 and mixed two configurations."""
    refused(neurosims(*RUN, "--out", finished, "--resume", *args, check=False), message)


def test_resume_refuses_another_model_file_even_under_the_same_name(finished, tmp_path):
    from neurosims.models import library

    mine = tmp_path / "voltage_recurrent.py"
    mine.write_text(library()["voltage_recurrent"].read_text())
    refused(neurosims(*RUN, "--out", finished, "--resume", "--model", f"recurrent_rule={mine}", check=False),
            "its models differ from this command's (recurrent_rule: ")


def test_run_json_records_every_role_and_the_final_state_is_measured(tmp_path):
    """Every --model role is in run.json (some were missing), and with n_checkpoints=1 the last
    measurement is still the end of training (it was chunk 1 of 12, reported as the result)."""
    out = tmp_path / "run"
    neurosims("run", "eprop-pattern", "--preset", "tiny", "--quiet", "--no-figures", "--set", "n_checkpoints=1",
              "--model", "rule=eprop_nonadaptive", "--out", out)
    run = json.loads((out / "run.json").read_text())
    assert set(run["models"]) == {"input", "neuron", "readout", "synapse", "rule", "readout_rule", "optimizer",
                                  "feedback"}
    assert run["models"]["rule"].endswith("eprop_nonadaptive.py") and len(run["model_hashes"]) == 8
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["history"][-1]["chunk"] == 12 and metrics["summary"]["iterations"] == 12


def test_two_runs_into_one_folder_do_not_mix(tmp_path):
    """Started together into one --out, one run writes the folder and the other is refused;
    before, both exited 0 with the run.json of one and the metrics of the other."""
    out = tmp_path / "run"
    procs = [subprocess.Popen([sys.executable, "-m", "neurosims.cli", *RUN, "--seed", str(seed), "--out", out],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in (1, 2)]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 2], results
    winner = [seed for seed, (code, _) in zip((1, 2), results) if code == 0][0]
    loser_error = [err for code, err in results if code == 2][0]
    assert "is being written by another neurosims run" in loser_error or "already holds a run" in loser_error
    assert json.loads((out / "run.json").read_text())["seed"] == winner


def test_a_resume_while_the_run_goes_on_is_refused(tmp_path):
    out = tmp_path / "run"
    first = subprocess.Popen([sys.executable, "-m", "neurosims.cli", *RUN, "--set", "training=5000*second",
                              "--set", "n_checkpoints=2", "--out", out], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (out / "checkpoint.npz").exists() and time.time() < deadline:
            time.sleep(0.05)
        proc = neurosims(*RUN, "--set", "training=5000*second", "--set", "n_checkpoints=2", "--out", out, "--resume",
                         check=False)
        refused(proc, "is being written by another neurosims run")
    finally:
        first.kill()
        first.wait()


@pytest.mark.parametrize("damage, message", [
    (lambda run: (run / "checkpoint.npz").write_bytes(b""), "checkpoint.npz: not a readable checkpoint"),
    (lambda run: (run / "checkpoint.npz").write_bytes((run / "checkpoint.npz").read_bytes()[:100]),
     "checkpoint.npz: not a readable checkpoint"),
    (lambda run: (run / "run.json").write_text('"a string"'), "run.json: not a run record"),
    (lambda run: (run / "run.json").write_text("{"), "run.json: not a readable run record"),
    (lambda run: np.savez(run / "checkpoint.npz", chunk=np.array(3), history=np.array("[]")),
     "checkpoint.npz: this experiment's checkpoint holds"),
])
def test_a_damaged_run_folder_is_one_line_and_leaves_no_brian2_files(finished, tmp_path, damage, message):
    """Before, each of these was a traceback with Brian2's 'please report' banner, which left
    brian_debug_*.log and brian_script_*.py in the temporary folder."""
    run = tmp_path / "run"
    subprocess.run(["cp", "-r", str(finished), str(run)], check=True)
    damage(run)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    proc = subprocess.run([sys.executable, "-m", "neurosims.cli", *RUN, "--out", run, "--resume"],
                          capture_output=True, text=True, env=dict(os.environ, TMPDIR=str(temporary)))
    refused(proc, message)
    assert not list(temporary.glob("brian_*"))


@pytest.mark.parametrize("args, message", [
    (["--set", "input_amplitude=1e400*Hz"], "cannot read a value for input_amplitude: '1e400*Hz' is not a finite"),
    (["--set", "input_amplitude=0*Hz"], "input_amplitude must be positive"),
    (["--set", "n_neurons=10**12"], "n_neurons='10**12' is out of range: whole numbers here go from 0 to 100,000,000"),
    (["--set", "n_neurons=9**9**9"], "takes a whole number as its exponent"),
    (["--seed", "-1"], "the seed must be a whole number from 0 to 4294967295, not -1"),
    (["--set", "eps_r=__import__('os').getcwd()"], "cannot read a value for eps_r"),
])
def test_values_are_refused_before_anything_is_built(tmp_path, args, message, build_cache):
    before = sorted(build_cache.glob("*")) if build_cache.exists() else []
    refused(neurosims(*RUN, *args, "--out", tmp_path / "out", check=False), message)
    assert not (tmp_path / "out").exists()
    assert (sorted(build_cache.glob("*")) if build_cache.exists() else []) == before


def test_paths_that_cannot_hold_a_run_are_refused_before_compiling(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    refused(neurosims(*RUN, "--out", a_file, check=False), "exists and is not a folder")
    refused(neurosims(*RUN, "--out", tmp_path / ("x" * 300), check=False), "cannot use output folder")
    refused(neurosims(*RUN, "--out", a_file / "run", check=False), "cannot use output folder")
    refused(neurosims("export", "predictive-coding", "--preset", "tiny", "--out", a_file, check=False),
            "export folder")
    env = dict(os.environ, NEUROSIMS_CACHE=str(a_file))
    proc = subprocess.run([sys.executable, "-m", "neurosims.cli", *RUN, "--out", tmp_path / "out"],
                          capture_output=True, text=True, env=env)
    refused(proc, "cannot use the build cache")
    assert not (tmp_path / "out").exists()


def test_a_relative_or_empty_build_cache_works(tmp_path, build_cache):
    for value, where in (("relative-cache", tmp_path / "relative-cache" / "builds"), ("", None)):
        env = dict(os.environ, NEUROSIMS_CACHE=value)
        if not value:  # the default cache, in a home of this test's own
            env["HOME"] = str(tmp_path / "home")
            where = tmp_path / "home" / ".cache" / "neurosims" / "builds"
        proc = subprocess.run([sys.executable, "-m", "neurosims.cli", *RUN, "--set", "training=2*second",
                               "--set", "n_checkpoints=1", "--out", tmp_path / f"out-{value or 'empty'}"],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert list(where.glob("*/manifest.json"))


def test_an_exported_task_runs_in_folders_with_spaces(tmp_path, build_cache):
    from neurosims.batch.export import export

    from helpers import bash_alone

    folder = export("predictive-coding", "tiny", ["training=3*second"], [1], tmp_path / "my exports" / "pc one",
                    cache_dir=build_cache)
    proc = bash_alone(tmp_path, folder, "1", "my results/seed 1")
    assert proc.returncode == 0, proc.stderr
    assert (folder / "my results" / "seed 1" / "done").read_text().strip() == "3"


def test_collect_does_not_run_an_override_someone_else_wrote(tmp_path, build_cache):
    """`collect` reads the overrides a task recorded; a crafted one was run as code."""
    from neurosims.batch.export import collect, export
    from neurosims.errors import NeurosimsError

    from helpers import bash_alone

    folder = export("predictive-coding", "tiny", ["training=2*second"], [1], tmp_path / "exported",
                    cache_dir=build_cache)
    assert bash_alone(tmp_path, folder, "1", "results/seed-1").returncode == 0
    marker = tmp_path / "owned"
    (folder / "results" / "seed-1" / "overrides.txt").write_text(f"eps_r=__import__('os').system('touch {marker}')\n")
    with pytest.raises(NeurosimsError, match="cannot read a value for eps_r"):
        collect(folder)
    assert not marker.exists()


def test_the_summary_gives_units_and_real_times(tmp_path):
    proc = neurosims("run", "eprop-pattern", "--preset", "tiny", "--quiet", "--no-figures", "--out", tmp_path / "o")
    assert "rate_after" in proc.stdout and " Hz" in proc.stdout.split("rate_after")[1].splitlines()[0]
    times = [h["time"] for h in json.loads((tmp_path / "o" / "metrics.json").read_text())["history"]]
    assert times == [0.0, 1.0, 12.0]  # trials of 1 s; not 1.001 s (a run's extra step)
    assert read_npz(tmp_path / "o" / "checkpoint.npz")["chunk"] == 12
