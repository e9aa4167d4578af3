"""RFLO's quick presets. The periodic task (1,000 trials of the authors'): the loss falls and
stays within 2x of the same network trained by BPTT from the same weights for the same
trials. The interval-matching task (2,000 trials, a fresh interval every trial): the output's
bump moves to one interval after the second cue, about as close as BPTT's."""

import json

from helpers import neurosims


def test_quick_preset_learns_the_periodic_output_nearly_as_well_as_bptt(quick_run):
    """Measured (seed 0, 2026-12-02): loss 0.314 -> 0.0115, BPTT 0.0109 (1.06x), W_out . B^T
    cosine 0.61."""
    out = quick_run("rflo")
    summary = json.loads((out / "metrics.json").read_text())["summary"]
    assert summary["trials"] == 1000
    assert summary["loss_after"] <= 0.1 * summary["loss_before"]
    assert summary["loss_ratio_to_bptt"] <= 2.0
    assert summary["readout_alignment"] > 0  # W_out turned towards B^T (feedback alignment)
    for name in ("loss.png", "output.png"):
        assert (out / "figures" / name).exists()


def test_the_interval_task_learns_the_timing(tmp_path):
    """Measured (seed 0, 2026-12-07, 16 s): loss 0.0212 -> 0.0120 (BPTT 0.0126, 0.96x), the
    peak 35.5 -> 3.5 steps from the target's centre (BPTT 2.8), over six test intervals of
    15-40 steps."""
    neurosims("run", "rflo", "--preset", "interval-quick", "--quiet", "--out", tmp_path / "run")
    summary = json.loads((tmp_path / "run" / "metrics.json").read_text())["summary"]
    assert summary["trials"] == 2000
    assert summary["loss_after"] <= 0.7 * summary["loss_before"]
    assert summary["loss_ratio_to_bptt"] <= 2.0
    assert summary["peak_error_steps_before"] > 20
    assert summary["peak_error_steps_after"] <= 6
