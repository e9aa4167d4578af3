"""Evidence accumulation: e-prop with adaptive neurons learns to report the side with more cues."""

import json

import numpy as np
import pytest

from conftest import neurosims
from neurosims.experiments import eprop_evidence


def test_trials_follow_the_protocol():
    """Cues of 100 ms every 150 ms on the cue's side only, recall in the last 150 ms, labels
    from the majority of the 7 cues."""
    config = eprop_evidence.Config()
    x, target, labels, conditions = eprop_evidence.trials(np.random.default_rng(0), config, 200)
    assert x.shape == (200, 2250, 40) and config.window_steps == 150
    left, right, recall, noise = (x[:, :, g * 10:(g + 1) * 10] for g in range(4))
    assert recall[:, :2100].sum() == 0 and recall[:, 2100:].mean() == pytest.approx(0.04, rel=0.1)
    assert noise.mean() == pytest.approx(0.01, rel=0.1)
    cue_steps = np.zeros(2250, bool)
    for c in range(7):
        cue_steps[150 * c + 50:150 * c + 150] = True
    assert (left + right)[:, ~cue_steps].sum() == 0  # no cue input outside the cue windows
    for c in range(7):  # each cue window has spikes from one side only
        window = slice(150 * c + 50, 150 * c + 150)
        assert np.all((left[:, window].sum(axis=(1, 2)) == 0) | (right[:, window].sum(axis=(1, 2)) == 0))
    right_cues = np.array([[right[t, 150 * c + 50:150 * c + 150].sum() > left[t, 150 * c + 50:150 * c + 150].sum()
                            for c in range(7)] for t in range(200)])
    assert np.mean((right_cues.sum(axis=1) > 3) == labels) > 0.97  # (a cue can, rarely, emit no spike)
    assert np.all(target[np.arange(200), :, labels] == 1)
    assert 0.35 < labels.mean() < 0.65


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("eprop-evidence") / "run"
    neurosims("run", "eprop-evidence", "--preset", "quick", "--out", out)
    return out


def test_quick_preset_learns_above_chance(quick_run):
    """40 updates of 16 trials (about a minute): the cross-entropy falls and the test error on
    32 fresh trials is clearly below chance (measured: loss 0.694 -> 0.567, error 0.31)."""
    summary = json.loads((quick_run / "metrics.json").read_text())["summary"]
    assert summary["loss_after"] < summary["loss_before"] - 0.05
    assert summary["test_error"] <= 0.4
    assert (quick_run / "figures" / "raster_and_readout.png").exists()


def test_killed_training_resumes_to_the_same_result(tmp_path):
    """Adam's moments, the weights and the stopping state come back from the checkpoint: a run
    killed halfway and resumed ends with the same metrics and weights as an uninterrupted one
    (wall-clock times aside)."""
    import signal
    import subprocess
    import sys
    import time

    from neurosims.store import read_npz

    args = ["run", "eprop-evidence", "--preset", "quick", "--quiet", "--seed", "3", "--set", "batch=4",
            "--set", "iterations=12", "--set", "validate_every=4", "--no-figures"]
    neurosims(*args, "--out", tmp_path / "whole")

    def chunk(out):
        try:
            return int(read_npz(out / "checkpoint.npz")["chunk"])
        except (OSError, KeyError, ValueError):
            return -1

    cut = tmp_path / "cut"
    proc = subprocess.Popen([sys.executable, "-m", "neurosims.cli", *args, "--out", cut],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while chunk(cut) < 5 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 <= chunk(cut) < 12, "the run was not interrupted"
    neurosims(*args, "--out", cut, "--resume")

    def without_wall(path):
        history = json.loads((path / "metrics.json").read_text())["history"]
        return [{k: v for k, v in h.items() if k != "wall_s"} for h in history]

    assert without_wall(cut) == without_wall(tmp_path / "whole")
    for key in ("rec", "m_adam_recrec", "n_updates"):
        np.testing.assert_array_equal(read_npz(cut / "checkpoint.npz")[key],
                                      read_npz(tmp_path / "whole" / "checkpoint.npz")[key])
