"""The pattern-generation task: e-prop learns the target, and bad input is refused."""

import json

import numpy as np
import pytest

from helpers import neurosims


@pytest.fixture(scope="module")
def quick(quick_run):
    return quick_run("eprop-pattern")


def test_quick_preset_learns_the_pattern(quick):
    """100 trials of 1 s: the loss falls at least 5x (measured: 174 -> 12, 14.5x), the output
    follows the target, and the rate regularisation brings the rate down towards 10 Hz."""
    summary = json.loads((quick / "metrics.json").read_text())["summary"]
    assert summary["loss_reduction"] >= 5
    assert summary["rate_after"] < summary["rate_before"]
    assert 5 < summary["rate_after"] < 25
    arrays = np.load(quick / "arrays.npz")
    assert np.corrcoef(arrays["after_y"][:, 0], arrays["after_target"][:, 0])[0, 1] > 0.9
    assert np.corrcoef(arrays["before_y"][:, 0], arrays["before_target"][:, 0])[0, 1] < 0.5
    losses = arrays["after_training_loss"]
    assert len(losses) == 100 and np.mean(losses[-10:]) < np.mean(losses[:10]) / 5
    assert {"loss.png", "output_vs_target.png"} <= {p.name for p in (quick / "figures").iterdir()}


def test_bad_protocol_is_refused_in_one_line(tmp_path):
    proc = neurosims("run", "eprop-pattern", "--set", "iterations=30", "--out", tmp_path / "bad", check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "multiple of iterations_per_run" in proc.stderr
    assert not (tmp_path / "bad").exists()
