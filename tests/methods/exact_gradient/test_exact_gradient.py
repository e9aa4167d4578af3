"""The differentiable spiking network: its exact gradient against finite differences, and its
NumPy trajectory against Brian2's simulation of the same weights."""

import numpy as np
import pytest
from brian2 import ms

from neurosims.experiments.fast_coding import EXPERIMENT as fast_coding
from neurosims.methods.exact_gradient import network as d
from neurosims.simulators import open_simulator

C = d.Constants(tau_m=10e-3, tau_s=5e-3, gate_width=0.5, dt=1e-4)
N, K, M, T = 5, 2, 1, 300


def small_network(seed=0):
    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(0, 1, (N, N)) * 5e-3, "U": rng.normal(0, 1, (N, K)),
              "O": rng.normal(0, 1, (M, N)) * 1e-2, "I0": rng.normal(0.5, 0.5, N)}
    x = rng.normal(0, 1, (2, T, K))
    return params, x, rng.normal(0, 1, (2, T, M)), rng.uniform(-np.pi, np.pi, N)


def test_gradient_matches_finite_differences():
    """Central differences on every entry of W, U, O and I0 (5 neurons, 300 steps, 2 trials,
    with spikes, output error and activity cost): relative error < 1e-4 per matrix
    (measured: 1e-8 to 1e-12)."""
    params, x, y, _ = small_network()
    mask = (np.arange(T) >= 100).astype(float)
    trajectory = d.forward(params, x, C)
    assert np.sum(np.floor((trajectory["theta"][:, -1] + np.pi) / (2 * np.pi))) >= 4  # spikes happened
    _, grads = d.gradient(params, x, y, mask, C, activity=0.3)
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            step = 1e-6 * max(1.0, abs(value[index]))
            losses = []
            for sign in (1, -1):
                shifted = {k: v.copy() for k, v in params.items()}
                shifted[name][index] += sign * step
                trajectory = d.forward(shifted, x, C)
                losses.append(d.loss(trajectory["o"], y, mask, C.dt, trajectory["s"][:, :-1], activity=0.3))
            numeric[index] = (losses[0] - losses[1]) / (2 * step)
        assert np.linalg.norm(numeric - grads[name]) / np.linalg.norm(numeric) < 1e-4, name


@pytest.mark.parametrize("device", ["runtime", "standalone"])
def test_numpy_trajectory_equals_brian2(device, build_cache):
    """theta, s and the readout of one trial agree to 1e-6 relative (measured: 2e-15)."""
    params, x, _, theta0 = small_network(seed=1)
    trajectory = d.forward(params, x[:1], C, theta0)
    models = fast_coding.load_models()
    sim = open_simulator(d.blueprint("differentiable-test", N, K, M, T, C.dt, models), device, build_cache)
    out = sim.run(d.brian_values(params, {"tau_m": 10 * ms, "tau_s": 5 * ms, "gate_width": 0.5}, theta0),
                  {"x_in": x[0]}, seed=0)
    assert len(out["spikes.i"]) >= 2
    for ours, theirs in ((out["state.theta"], trajectory["theta"][0, :-1]), (out["state.s"], trajectory["s"][0, :-1]),
                         (out["output.I_syn"], trajectory["o"][0])):
        assert np.max(np.abs(ours - theirs)) <= 1e-6 * np.max(np.abs(theirs))
