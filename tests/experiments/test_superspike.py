"""SuperSpike's tasks on their quick forms: a single neuron learns five precisely timed spikes
(quick preset); a hidden and an output layer learn a word drawn as a target raster; the
temporal XOR needs the hidden layer (`pytest -m long`); the picture is the word; bad task
settings are one line."""

import json

import numpy as np
import pytest

from helpers import prepared
from neurosims.errors import NeurosimsError
from neurosims.experiments.superspike import picture


def test_single_neuron_learns_precisely_timed_spikes(quick_run):
    """Measured (seed 0, 2026-12-02): distance 5.00 -> 0.0035 unmatched spikes (1,436x) after
    150 s, every target spike hit, the largest timing error 0.4 ms, no extra spike."""
    out = quick_run("superspike")
    metrics = json.loads((out / "metrics.json").read_text())
    summary = metrics["summary"]
    assert summary["distance_before"] >= 4  # five unmatched target spikes, nothing learned yet
    assert summary["distance_ratio"] >= 10
    assert summary["hit_fraction_after"] == 1.0
    assert summary["max_timing_error_ms_after"] <= 5.0
    assert summary["extra_fraction_after"] == 0.0
    for name in ("distance.png", "rasters.png"):
        assert (out / "figures" / name).exists()


def test_a_hidden_layer_learns_a_target_raster(tmp_path):
    """The word "NS" at 8 rows from 50 inputs through 32 hidden neurons, 60 s at dt 0.5 ms.
    Measured (seed 0, 2026-12-02): distance 135.8 -> 30.2 (4.5x), 71% of the target spikes hit
    within 5 ms, 17% of the output spikes unmatched. The raster preset: README."""
    sets = ["task=raster", "n_in=50", "hidden=32", "picture_text=NS", "picture_rows=8", "dt=0.5*ms",
            "train_duration=60*second", "run_duration=6*second", "n_checkpoints=2"]
    result = prepared("superspike", "raster", sets).run(tmp_path / "run", seed=0, progress=False, figures=False)
    summary = result["summary"]
    assert summary["distance_ratio"] >= 3
    assert summary["hit_fraction_after"] >= 0.6


@pytest.mark.long
def test_the_temporal_xor_needs_the_hidden_layer(tmp_path):
    """The xor preset with symmetric feedback against the same task without a hidden layer
    (about 3 minutes). Measured (seed 0, 2026-12-02): 98.4% of the test trials right with the
    hidden layer; 50% without (no target spike hit: the output learned to stay silent)."""
    with_hidden = prepared("superspike", "xor").run(tmp_path / "hidden", seed=0, progress=False, figures=False)
    without = prepared("superspike", "xor", ["hidden=0"]).run(tmp_path / "none", seed=0, progress=False,
                                                              figures=False)
    assert with_hidden["summary"]["accuracy_after"] >= 0.95
    assert with_hidden["summary"]["hit_fraction_after"] >= 0.9
    assert without["summary"]["accuracy_after"] <= 0.6
    assert without["summary"]["hit_fraction_after"] <= 0.2


def test_the_target_picture_is_the_word():
    bar = picture("I", 12)  # a capital I: a vertical bar
    assert bar.shape[0] == 12 and bar.shape[1] <= 4
    assert bar.all(axis=1).sum() >= 10  # every row of the bar is dark across its width
    word = picture("SuperSpike", 16)
    assert word.shape[0] == 16 and word.shape[1] > 60
    assert 0.2 < word.mean() < 0.6
    assert not np.array_equal(picture("SuperSpike", 16), picture("SuperSpikf", 16))
    tall = picture("Zenke", 200)  # the paper preset's size: drawn large enough for every row
    assert tall.shape[0] == 200 and tall.any(axis=1).sum() >= 150
    with pytest.raises(NeurosimsError, match="picture_text is empty"):
        picture("  ", 8)


@pytest.mark.parametrize("sets, message", [
    (["task=sideways"], "task is 'sideways'; choose one of single, raster, xor"),
    (["task=xor", "hidden=10", "feedback=sideways"], "feedback is 'sideways'; choose one of symmetric, random, uniform"),
    (["task=xor", "n_in=30"], "xor needs n_in >= 2 x xor_population = 40, not 30"),
    (["run_duration=0.1*second"], "run_duration (100. ms) is shorter than one trial"),
])
def test_bad_task_settings_are_refused_in_one_line(sets, message):
    with pytest.raises(NeurosimsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        prepared("superspike", "tiny", sets)
