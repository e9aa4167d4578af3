"""Exact RTRL (forward sensitivities) against backpropagation through time on the same
recurrent LIF/ALIF network, weights and trial: one surrogate gradient computed two ways, equal
to 1e-8; RTRL without the recurrent propagation of sensitivities is e-prop's gradient."""

import numpy as np
import pytest

from neurosims.errors import NeurosimsError
from neurosims.methods.eprop import bptt
from neurosims.methods.rtrl import exact

P = {"dt": 1e-3, "tau_m": 20e-3, "tau_out": 20e-3, "adapt_tau": 200e-3, "adapt_beta": 0.05, "v_th": 0.6,
     "gamma": 0.3, "t_ref": 2e-3, "leaky_input": 0.0, "leaky_readout": 1.0}
N_IN, N, N_OUT, T = 6, 10, 2, 150


def network(seed):
    rng = np.random.default_rng(seed)
    W = {"in": rng.normal(0.3, 0.4, (N, N_IN)), "rec": rng.normal(0, 0.3, (N, N)), "out": rng.normal(0, 0.5, (N_OUT, N))}
    np.fill_diagonal(W["rec"], 0.0)
    x = (rng.random((T, N_IN)) < 0.1).astype(float)
    target = np.stack([np.sin(np.linspace(0, 4 * np.pi, T)), np.cos(np.linspace(0, 2 * np.pi, T))], axis=1)
    adaptive = (np.arange(N) >= N // 2).astype(float)  # half LIF, half ALIF
    return W, x, target, adaptive


def assert_same(a: dict, b: dict):
    for k in ("in", "rec", "out"):
        scale = np.abs(b[k]).max()
        assert scale > 1e-3, k  # a gradient that is not trivially zero
        np.testing.assert_allclose(a[k], b[k], rtol=0, atol=1e-8 * scale, err_msg=k)


@pytest.mark.parametrize("classifier", [False, True])
@pytest.mark.parametrize("through_reset", [False, True])
def test_rtrl_equals_bptt(classifier, through_reset):
    W, x, target, adaptive = network(0)
    window = np.ones(T)
    if classifier:  # the class of the trial's second half, scored there
        target = np.tile([0.0, 1.0], (T, 1))
        window = (np.arange(T) >= T // 2).astype(float)
    assert bptt.forward(W, adaptive, P, x)["z"].sum() > 50  # the network spikes: psi is not trivially zero
    loss_r, forward_mode = exact.gradient(W, adaptive, P, x, target, window, classifier, through_reset=through_reset)
    loss_b, backward_mode = bptt.gradient(W, adaptive, P, x, target, window, classifier, through_reset=through_reset)
    assert loss_r == pytest.approx(loss_b, rel=1e-12)
    assert_same(forward_mode, backward_mode)


def test_diagonal_rtrl_is_eprop():
    """Dropping the sensitivities that flow through the recurrent weights leaves each neuron's
    own eligibility traces: e-prop's gradient with symmetric feedback; and it differs from the
    exact one (the recurrent weights matter in this network)."""
    W, x, target, adaptive = network(1)
    window = np.ones(T)
    _, diagonal = exact.gradient(W, adaptive, P, x, target, window, truncation="diagonal")
    _, eprop = bptt.eprop_gradient(W, W["out"].T, adaptive, P, x, target, window)
    assert_same(diagonal, eprop)
    _, full = exact.gradient(W, adaptive, P, x, target, window)
    assert bptt.cosine(diagonal, full)["rec"] < 1 - 1e-3


def test_unknown_truncation_is_refused():
    W, x, target, adaptive = network(0)
    with pytest.raises(NeurosimsError, match="truncation is 'half'; choose one of none, diagonal"):
        exact.gradient(W, adaptive, P, x, target, np.ones(T), truncation="half")


@pytest.mark.parametrize("recurrent", [False, True])
def test_ostl_equals_bptt_for_one_layer_with_an_instantaneous_readout(recurrent):
    """OSTL (eligibility through the reset, the learning signal of the same step) is BPTT's
    gradient with the reset's derivative when the loss of a step depends on that step's
    spikes only (a readout without leak): for one layer without recurrence, OSTL's claim,
    and with recurrence too (the layer's O(n^3) traces). With the readout's leak it is not."""
    W, x, target, adaptive = network(2)
    if not recurrent:
        W["rec"][:] = 0.0
    window = np.ones(T)
    instantaneous = dict(P, tau_out=1e-12)  # kappa = exp(-dt/tau_out) = 0
    _, ostl = exact.ostl_gradient(W, adaptive, instantaneous, x, target, window)
    _, full = bptt.gradient(W, adaptive, instantaneous, x, target, window, through_reset=True)
    keys = ("in", "rec", "out") if recurrent else ("in", "out")
    for k in keys:
        scale = np.abs(full[k]).max()
        assert scale > 1e-3, k
        np.testing.assert_allclose(ostl[k], full[k], rtol=0, atol=1e-8 * scale, err_msg=k)
    _, leaky_ostl = exact.ostl_gradient(W, adaptive, P, x, target, window)
    _, leaky_full = bptt.gradient(W, adaptive, P, x, target, window, through_reset=True)
    assert bptt.cosine(leaky_ostl, leaky_full)["in"] < 1 - 1e-3
