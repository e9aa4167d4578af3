"""e-prop against backpropagation through time on the same network, weights and trial."""

import numpy as np
import pytest

from neurosims.methods.eprop import bptt
from neurosims.methods.eprop.reference import simulate

P = {"dt": 1e-3, "tau_m": 20e-3, "tau_out": 20e-3, "adapt_tau": 200e-3, "adapt_beta": 0.05, "v_th": 0.6,
     "gamma": 0.3, "t_ref": 2e-3, "leaky_input": 0.0, "leaky_readout": 1.0, "c_reg": 0.0, "f_target": 10.0,
     "eta": 1.0, "w_min": -1e9, "w_max": 1e9}
N_IN, N, N_OUT, T = 8, 12, 2, 200


def network(seed, recurrent: bool):
    rng = np.random.default_rng(seed)
    W = {"in": rng.normal(0.3, 0.4, (N, N_IN)), "rec": rng.normal(0, 0.3, (N, N)) * recurrent,
         "out": rng.normal(0, 0.5, (N_OUT, N))}
    np.fill_diagonal(W["rec"], 0.0)
    x = (rng.random((T, N_IN)) < 0.1).astype(float)
    target = np.stack([np.sin(np.linspace(0, 4 * np.pi, T)), np.cos(np.linspace(0, 2 * np.pi, T))], axis=1)
    adaptive = (np.arange(N) >= N // 2).astype(float)
    return W, x, target, adaptive


def eprop_gradient(W, x, target, adaptive, window):
    """e-prop's accumulated gradient for one trial: the reference's weight change at eta = 1
    with symmetric feedback (B = W_out^T) and no rate regularisation."""
    new, _, _ = simulate(W, W["out"].T, adaptive, P, x[None], target[None], window, classifier=False, batch=1,
                         adam=False, average=False, symmetric=True)
    return {k: W[k] - new[k] for k in W}


@pytest.mark.parametrize("seed", [0, 1])
def test_eprop_is_exact_without_recurrent_weights(seed):
    """With no recurrent weights, symmetric feedback and the same pseudo-derivative, e-prop's
    gradient (LIF and ALIF neurons) equals backpropagation through time."""
    W, x, target, adaptive = network(seed, recurrent=False)
    window = np.ones(T)
    exact = bptt.gradient(W, adaptive, P, x, target, window)[1]
    approx = eprop_gradient(W, x, target, adaptive, window)
    assert bptt.forward(W, adaptive, P, x)["z"].sum() > 50
    for k in ("in", "out"):
        np.testing.assert_allclose(approx[k], exact[k], rtol=1e-7, atol=1e-10)


def test_eprop_approximates_bptt_with_recurrent_weights():
    """With recurrent weights e-prop leaves out errors sent back through them: the gradients
    differ but point the same way (measured cosine: printed; the readout's is exactly 1)."""
    W, x, target, adaptive = network(2, recurrent=True)
    window = np.ones(T)
    exact = bptt.gradient(W, adaptive, P, x, target, window)[1]
    approx = eprop_gradient(W, x, target, adaptive, window)
    similarity = bptt.cosine(approx, exact)
    print("cosine e-prop vs BPTT:", similarity)
    assert similarity["out"] == pytest.approx(1.0, abs=1e-9)
    assert 0.3 < similarity["all"] < 1 - 1e-6
    assert not np.allclose(approx["rec"], exact["rec"])


@pytest.mark.parametrize("classifier", [False, True])
def test_truncated_backward_pass_is_the_eprop_rule(classifier):
    """bptt.eprop_gradient (the backward pass without the recurrent term, errors sent through
    a random B) equals the weight change of the NumPy reference of the e-prop rule (eta = 1,
    one trial, no regularisation), with recurrent weights, LIF and ALIF neurons, for the
    regression and the softmax readout."""
    W, x, target, adaptive = network(3, recurrent=True)
    if classifier:
        target = np.zeros_like(target)
        target[:, 1] = 1.0
    B = np.random.default_rng(4).normal(0, 1, (N, N_OUT))
    window = (np.arange(T) >= T // 2).astype(float)
    new, _, _ = simulate(W, B, adaptive, P, x[None], target[None], window, classifier=classifier, batch=1,
                         adam=False, average=False)
    reference = {k: W[k] - new[k] for k in W}
    ours = bptt.eprop_gradient(W, B, adaptive, P, x, target, window, classifier=classifier)[1]
    assert bptt.forward(W, adaptive, P, x)["z"].sum() > 50
    for k in ("in", "rec", "out"):
        np.testing.assert_allclose(ours[k], reference[k], rtol=1e-7, atol=1e-12 * np.abs(reference[k]).max())
