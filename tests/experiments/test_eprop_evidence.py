"""Evidence accumulation: e-prop with adaptive neurons learns to report the side with more cues."""

import json

import numpy as np
import pytest

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


def test_quick_preset_learns_above_chance(quick_run):
    """40 updates of 16 trials (about a minute): the cross-entropy falls and the test error on
    32 fresh trials is clearly below chance (measured: loss 0.694 -> 0.567, error 0.31)."""
    out = quick_run("eprop-evidence")
    summary = json.loads((out / "metrics.json").read_text())["summary"]
    assert summary["loss_after"] < summary["loss_before"] - 0.05
    assert summary["test_error"] <= 0.4
    assert (out / "figures" / "raster_and_readout.png").exists()
