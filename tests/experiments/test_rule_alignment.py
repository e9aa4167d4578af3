"""rule-alignment's quick preset (the default network, 50 iterations): every rule's gradient
against exact RTRL on one network. The gradients of the e-prop rules and of RFLO are the
compiled network's and equal their NumPy forms; the ordering the review predicts holds but for one pair; exact RTRL
without the reset's derivative explodes; the exact gradient trains the network."""

import json


def test_quick_preset_orders_the_rules_as_the_review_predicts(quick_run):
    """Measured (seed 0, 2026-12-07), cosine over W_in and W_rec before training: OSTL 0.918,
    e-prop ALIF 0.819, SuperSpike 0.803, e-prop LIF 0.799, DECOLLE -0.028, RFLO -0.111, e-prop
    random -0.158; RTRL without the reset 0.470 at 16.7x the norm; compiled e-prop vs NumPy
    2.8e-15; exact RTRL's loss 150.6 -> 67.4."""
    out = quick_run("rule-alignment")
    s = json.loads((out / "metrics.json").read_text())["summary"]
    assert s["iterations"] == 50
    assert s["compiled_vs_numpy"] < 1e-9
    assert s["ostl_cos_layer_before"] > s["eprop-alif_cos_layer_before"] > 0.7
    assert s["eprop-alif_cos_layer_before"] > s["eprop-random_cos_layer_before"] + 0.5
    assert s["predicted_pairs_holding"] >= s["predicted_pairs"] - 1
    assert s["rtrl-no-reset_norm_layer_before"] > 5
    assert s["rtrl_loss_after"] < 0.6 * s["rtrl_loss_before"]
    for rule in ("ostl", "eprop-alif", "decolle"):
        assert s[f"{rule}_cos_out_before"] > 1 - 1e-9  # the readout's delta rule is exact for every rule
    assert s["rtrl_state_per_synapse"] == 42 and s["eprop-alif_state_per_synapse"] == 2
    assert (out / "figures" / "alignment.png").exists()
