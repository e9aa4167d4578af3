"""The compiled rate network with RFLO held to the NumPy reference (neurosims/methods/rflo/rate.py):
the output of every step of the first trial and the recurrent and readout weights after five
trials of learning (five updates) agree to 1e-6, with inputs and two readouts, each trial with
its own input and target. Runtime mode:
`pytest -m long`."""

import numpy as np
import pytest

from neurosims.methods.rflo import network as rn
from neurosims.methods.rflo import rate
from neurosims.models import load_roles, merge_parameters
from neurosims.simulators import open_simulator

N_IN, N, N_OUT, STEPS, TRIALS = 2, 12, 2, 60, 5


@pytest.mark.parametrize("device", ["standalone", pytest.param("runtime", marks=pytest.mark.long)])
def test_the_compiled_network_follows_the_reference(device, build_cache):
    models = rn.compose(load_roles(rn.ROLES, None, "rflo"))
    params = {k: float(np.asarray(p.value)) for k, p in merge_parameters(list(models.values())).items()}
    shape = rn.Shape(N_IN, N, N_OUT, STEPS, TRIALS, 1e-3, record=True)
    sim = open_simulator(rn.blueprint("rflo-reference", shape, models), device, build_cache)
    rng = np.random.default_rng(0)
    w = rate.initial_weights(N_IN, N, N_OUT, rng)
    w.w_in = rng.normal(0, 1, (N, N_IN))
    x = rng.normal(0, 1, (TRIALS, STEPS, N_IN))
    target = np.sin(np.linspace(0, 3 * np.pi, STEPS)[None, :, None] + rng.uniform(0, 3, (TRIALS, 1, N_OUT)))
    h0 = 0.1 * np.ones(N)
    out = sim.run(rn.run_values(shape, models, params, w, h0, (0.05, 0.05)), rn.run_inputs(shape, x, target), seed=0)
    learned, losses = rate.train("rflo", w, x, target, h0, params["tau"], (0.0, 0.05, 0.05))
    np.testing.assert_allclose(out["out_state.y"][:STEPS], rate.forward(w, x[0], h0, params["tau"])["y"], rtol=0,
                               atol=1e-6)
    np.testing.assert_allclose(rn.from_synapses(out["recrec.w"], N, N), learned.w_rec, rtol=0, atol=1e-6)
    np.testing.assert_allclose(rn.from_synapses(out["recout.w"], N, N_OUT), learned.w_out, rtol=0, atol=1e-6)
    assert np.abs(learned.w_rec - w.w_rec).max() > 1e-3  # learning moved the weights (1000x the tolerance)
    assert float(np.sum(out["out.loss"])) == pytest.approx(float(np.sum(losses)), rel=1e-9)
