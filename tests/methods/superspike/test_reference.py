"""The compiled SuperSpike network held to the NumPy reference of its neurons, error signal,
feedback and rule (neurosims/methods/superspike/reference.py): U, sigma' and the learning
signal of both layers and the error at every step, and the weights, gradients, normalisers and
eligibility traces at the end, agree to 1e-6 over 3,000 steps (three trials of two
patterns) with six weight updates that move the weights; symmetric feedback, and (with
`pytest -m long`) random feedback and runtime mode (passed 2026-12-02)."""

import numpy as np
import pytest

from neurosims.methods.superspike import network as ss
from neurosims.methods.superspike import reference
from neurosims.models import load_roles, merge_parameters
from neurosims.simulators import open_simulator

DT = 1e-4
TRIAL_STEPS, ORDER = 1000, np.array([0, 1, 0])
N_IN, N_HIDDEN, N_OUT = 30, 12, 5


def compiled_and_reference(device: str, feedback: str, cache_dir):
    models = ss.compose(load_roles(ss.ROLES, None, "superspike"))
    params = {k: float(np.asarray(p.value)) for k, p in merge_parameters(list(models.values())).items()}
    params |= {"update_period": 0.05, "eta": 5e-3}  # updates every 50 ms, large enough to move the weights
    shape = ss.Shape(N_IN, N_HIDDEN, N_OUT, TRIAL_STEPS, len(ORDER), 2, DT, feedback=feedback, record=True,
                     record_state=True)
    sim = open_simulator(ss.blueprint("superspike-reference", shape, models, params["update_period"]), device,
                         cache_dir)
    rng = np.random.default_rng(1)
    state = {}
    for l, (m, n) in enumerate(zip(shape.sizes[:-1], shape.sizes[1:])):
        state |= {f"w{l}": rng.normal(0.01, 0.02, (n, m)), f"g{l}": rng.normal(0, 1e-3, (n, m)),
                  f"v_rms{l}": rng.uniform(0, 1e-6, (n, m))}
    B = rng.normal(0, 1, (N_HIDDEN, N_OUT)) if feedback == "random" else None
    patterns_in = (rng.random((2 * TRIAL_STEPS, N_IN)) < 40 * DT).astype(float)  # 40 Hz
    patterns_out = (rng.random((2 * TRIAL_STEPS, N_OUT)) < 20 * DT).astype(float)
    out = sim.run(ss.run_values(shape, models, params, state, B, params["eta"]),
                  {"input_rasters": patterns_in, "target_rasters": patterns_out,
                   "trial_pattern": ORDER.astype(float)}, seed=1)
    trials = lambda patterns: np.concatenate([patterns[k * TRIAL_STEPS:(k + 1) * TRIAL_STEPS] for k in ORDER])  # noqa: E731
    ref = reference.run(params, state, trials(patterns_in), trials(patterns_out), DT,
                        int(round(params["update_period"] / DT)), B)
    return shape, state, out, ref


@pytest.mark.parametrize("device", ["standalone", pytest.param("runtime", marks=pytest.mark.long)])
@pytest.mark.parametrize("feedback", ["symmetric", pytest.param("random", marks=pytest.mark.long)])
def test_the_compiled_network_follows_the_reference(device, feedback, build_cache):
    shape, state, out, ref = compiled_and_reference(device, feedback, build_cache)
    for l, group in enumerate(("hidden", "output")):
        for v in ("U", "sigma", "L"):
            scale = max(1.0, np.abs(ref[v][l]).max())  # L of the hidden layer is in mV of weight per error
            np.testing.assert_allclose(out[f"{group}_state.{v}"], ref[v][l], rtol=0, atol=1e-6 * scale,
                                       err_msg=f"{group} {v}")
        for v in ("w", "g", "v_rms", "lam_d", "lam_r"):
            compiled = ss.synapses_to_weights(out[f"ff{l}.{v}"], shape.sizes[l], shape.sizes[l + 1])
            np.testing.assert_allclose(compiled, ref[v][l], rtol=0, atol=1e-6, err_msg=f"ff{l} {v}")
        assert np.abs(ref["w"][l] - state[f"w{l}"]).max() > 5e-3  # the updates moved the weights
        assert ref["spikes"][l].sum() == len(out[f"{group}_spikes.t"]) > 0
    np.testing.assert_allclose(out["target_state.err"], ref["err"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(out["target.sq_err"], ref["sq_err"], rtol=0, atol=1e-9)
    assert np.abs(ref["err"]).max() > 0.1  # the error signal was not trivially zero
