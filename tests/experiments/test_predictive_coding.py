"""The predictive-coding experiment (Bourdoukan et al. 2012): the science on the quick preset
and the default preset, what a run writes, and the user's own model files."""

import json

import pytest

from neurosims.store import read_npz

from helpers import REPO, neurosims, prepared


@pytest.fixture(scope="module")
def quick(quick_run):
    out = quick_run("predictive-coding")
    metrics = json.loads((out / "metrics.json").read_text())
    return out, metrics["summary"], metrics["history"]


def test_quick_preset_learns_an_efficient_code(quick):
    """Card targets for the quick preset: error >= 3x lower, distance to optimum >= 5x lower;
    and, as in the paper, fewer spikes and more irregular spiking after learning."""
    _, summary, history = quick
    assert len(history) >= 8
    times = [h["time"] for h in history]
    assert times[0] == 0 and times == sorted(times)
    assert summary["error_reduction"] >= 3
    assert summary["distance_reduction"] >= 5
    assert summary["rate_after"] < summary["rate_before"]
    assert summary["isi_cv_after"] > summary["isi_cv_before"]
    # the recurrent weights approach -F^T F
    distances = [h["distance_to_optimum"] for h in history]
    assert distances[-1] < 0.1 < distances[0]


def test_run_writes_config_metrics_arrays_and_figures(quick):
    out, summary, _ = quick
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 0 and "brian2" in run["versions"]
    arrays = read_npz(out / "arrays.npz")
    assert arrays["after_Omega"].shape == (20, 20) and arrays["before_x_hat"].shape[1] == 2
    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == ["learning_curves.png", "raster_and_decoding.png", "recurrent_weights.png"]
    assert all((out / "figures" / f).stat().st_size > 10_000 for f in figures)
    assert not list(out.glob("**/*.tmp"))


def _edited_neuron(tmp_path, name, old, new):
    """A user's copy of the library's neuron model, with one edit."""
    source = (REPO / "equations" / "neurons" / "spike_coding.py").read_text()
    assert old in source
    path = tmp_path / name
    path.write_text(source.replace(old, new))
    return path


def test_own_model_file_runs_without_touching_the_package(tmp_path):
    mine = _edited_neuron(tmp_path, "my_neuron.py", '"v_th": (0.5,', '"v_th": (0.6,')
    proc = neurosims("run", "predictive-coding", "--preset", "tiny", "--quiet", "--model", f"neuron={mine}",
                     "--out", tmp_path / "out")
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["models"]["neuron"] == str(mine)
    assert run["params"]["v_th"] == 0.6
    assert "error_reduction" in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["--preset", "fast"], "unknown preset 'fast'; available: tiny, quick, default, paper"),
    (["--set", "lambda_v=3*mV"], "unit mismatch for lambda_v: '3\\*mV' has unit volt, expected hertz"),
    (["--set", "training=2.5*second"], "training .* must be a whole number of chunks"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    import re

    out = tmp_path / "out"
    proc = neurosims("run", "predictive-coding", *args, "--out", out, check=False)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("neurosims: error")]
    assert len(lines) == 1 and re.search(message, lines[0]), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_unknown_experiment(tmp_path):
    proc = neurosims("run", "balance-typo", "--out", tmp_path / "o", check=False)
    assert proc.returncode == 2 and "unknown experiment 'balance-typo'; available: predictive-coding" in proc.stderr


def test_bad_equation_in_own_model_file_names_file_and_line(tmp_path):
    mine = _edited_neuron(tmp_path, "bad_neuron.py", "dr/dt = -lambda_v*r : 1", "dr/dt = -lambda_v*r : ")
    proc = neurosims("run", "predictive-coding", "--model", f"neuron={mine}", "--out", tmp_path / "o",
                     check=False)
    assert proc.returncode == 2
    assert f"{mine}:" in proc.stderr and "cannot parse equation 'dr/dt" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unit_mismatch_in_own_model_file_names_file_variable_and_units(tmp_path):
    mine = _edited_neuron(tmp_path, "volt_neuron.py", "I_ff : Hz ", "I_ff : volt")
    proc = neurosims("run", "predictive-coding", "--model", f"neuron={mine}", "--out", tmp_path / "o",
                     check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{mine}: " in proc.stderr and "'I_ff' has unit V" in proc.stderr and "has unit Hz" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_default_preset_reaches_the_issue_targets(tmp_path):
    """Default preset (1000 s simulated, about a minute once built): error >= 10x lower,
    distance to optimum >= 50x lower, lower rate, more irregular spiking under constant input."""
    summary = prepared("predictive-coding", "default").run(tmp_path / "default", seed=0, progress=False)["summary"]
    assert summary["simulated_training_s"] <= 1000
    assert summary["error_reduction"] >= 10
    assert summary["distance_reduction"] >= 50
    assert summary["rate_after"] < summary["rate_before"]
    assert summary["isi_cv_after"] > summary["isi_cv_before"]
