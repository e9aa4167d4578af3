"""The compiled eRBP network held to the NumPy reference of its neurons, error pathway and rule
(neurosims/methods/erbp/reference.py): V, I and U of every layer at every step and the learned
weights agree to 1e-6 over 3,000 steps with learning on, two hidden layers (each connection
with its own boxcar), given the visible neurons' spikes the compiled run drew. Runtime mode: `pytest -m long` (15 s;
passed on 2026-12-01)."""

import numpy as np
import pytest

from neurosims.data.images import open_images
from neurosims.methods.erbp import network as erbp
from neurosims.methods.erbp import reference
from neurosims.models import load_roles, merge_parameters
from neurosims.simulators import open_simulator

DT = 1e-4
SAMPLE_STEPS = 1500  # 150 ms per sample, learning after the first 50 ms: 2 x 1,000 learning steps


def network_and_values(device: str, cache_dir):
    models = erbp.compose(load_roles(erbp.ROLES, None, "erbp"))
    params = {k: float(np.asarray(p.value)) for k, p in merge_parameters(list(models.values())).items()}
    params |= {"eta": 5e-3, "sample_steps": float(SAMPLE_STEPS)}  # large enough that the weights move
    shape = erbp.Shape(64, (20, 15), 10, SAMPLE_STEPS, 2, DT, record=True, record_state=True)
    sim = open_simulator(erbp.blueprint("erbp-reference", shape, models), device, cache_dir)
    rng = np.random.default_rng(4)
    weights = [rng.uniform(-1, 1, (n, m)) * 0.3 for m, n in zip(shape.sizes[:-1], shape.sizes[1:])]
    feedback = [rng.uniform(-1, 1, (n, 10)) * 0.4 for n in shape.hidden]
    overrides = {"ff1.b_min": -25.0, "ff1.b_max": 25.0}  # the hidden-to-hidden boxcar
    values = erbp.run_values(shape, models, params, weights, feedback, 0.09, overrides)
    data = open_images("digits")
    labels = data.train_y[:2]
    out = sim.run(values, {"drive": erbp.drive(data.train_x[:2], labels, 10)}, seed=5)
    bounds = [(params["b_min"], params["b_max"]), (-25.0, 25.0), (params["b_min"], params["b_max"])]
    return shape, params, weights, feedback, bounds, out


@pytest.mark.parametrize("device", ["standalone", pytest.param("runtime", marks=pytest.mark.long)])
def test_the_compiled_network_follows_the_reference_with_learning_on(device, build_cache):
    shape, params, weights, feedback, bounds, out = network_and_values(device, build_cache)
    steps = shape.steps
    visible = np.zeros((steps, shape.n_pixels + 10))
    visible[np.round(out["visible_spikes.t"] / DT).astype(int), out["visible_spikes.i"]] = 1
    ref = reference.run(params, weights, feedback, 0.09, visible, shape.n_pixels, DT, bounds)
    for l in range(shape.n_layers):
        for v in ("V", "I", "U"):
            np.testing.assert_allclose(out[f"layer{l}_state.{v}"], ref[v][l], rtol=0, atol=1e-6,
                                       err_msg=f"layer {l} {v}")
        compiled = erbp.synapses_to_weights(out[f"ff{l}.w"], shape.sizes[l], shape.sizes[l + 1])
        np.testing.assert_allclose(compiled, ref["weights"][l], rtol=0, atol=1e-6, err_msg=f"weights {l}")
        assert np.abs(ref["weights"][l] - weights[l]).max() > 1e-3  # learning moved the weights
        assert ref["spikes"][l].sum() == len(out[f"layer{l}_spikes.t"]) > 0
    assert ref["error_spikes"].sum() == len(out["error_spikes.t"]) > 0
