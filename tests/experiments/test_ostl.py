"""OSTL in generated code (plasticity/ostl) on scikit-learn's handwritten digits: the compiled
layer's accumulated gradient is BPTT's (with the reset's derivative) to 1e-6, as the paper
says it must be for one layer whose loss at a step depends on that step's spikes, for LIF and
for ALIF neurons; and the layer learns the digits."""

import json

import numpy as np

from neurosims.experiments import ostl
from neurosims.methods.eprop.classification import TEST, TRAIN, VALIDATE

from helpers import prepared


def test_quick_preset_learns_digits_with_bptts_gradient(quick_run):
    """Measured (seed 0, 2026-12-07): test error 20.3% (128 held-out digits, chance 90%) after
    100 updates; compiled gradient vs BPTT 4e-16 relative."""
    out = quick_run("ostl")
    s = json.loads((out / "metrics.json").read_text())["summary"]
    assert s["iterations"] == 100
    assert s["brian2_vs_exact_max"] < 1e-6 and s["brian2_vs_rule_max"] < 1e-6
    assert s["alignment_all_before"] > 1 - 1e-9
    assert s["test_error"] < 0.4
    assert s["loss_after"] < 0.8 * s["loss_before"]


def test_ostl_with_adaptive_neurons_is_bptt_too(tmp_path):
    """The adaptation's sensitivity (eps_a) in the compiled rule: half the neurons ALIF, with a
    strong adaptation so that its term is not negligible."""
    prep = prepared("ostl", "tiny", ["n_adaptive=10", "adapt_beta=0.3", "iterations=4", "validate_every=2"])
    result = prep.run(tmp_path / "run", seed=2, progress=False, figures=False)
    s = result["summary"]
    assert s["brian2_vs_exact_max"] < 1e-6, s


def test_the_splits_do_not_overlap():
    n = 1797
    train, validate, test = (set(ostl.split(stream, n)) for stream in (TRAIN, VALIDATE, TEST))
    assert len(test) == 360 and len(validate) == 180 and len(train) == n - 540
    assert not (train & validate) and not (train & test) and not (validate & test)
    x, target, labels, _ = ostl.EXPERIMENT.trials(np.random.default_rng(0), ostl.Config(), 8, TEST)
    assert x.shape == (8, 50, 64) and target.shape == (8, 50, 10)
    assert np.all(target[np.arange(8), 0, labels] == 1)
