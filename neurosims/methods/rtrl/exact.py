"""Exact real-time recurrent learning (RTRL) for the e-prop network, in NumPy: the full
sensitivity tensor of every neuron's state to every input and recurrent weight, carried
forward in time (Williams & Zipser 1989), on the network and with the surrogate derivative of
neurosims/methods/eprop/bptt.py (LIF and ALIF neurons, leaky readouts, NEST's discrete time).

With S_v = dv/dtheta, S_a = da/dtheta (neurons x parameters) and the spike's derivative
dz/dtheta = psi (S_v - beta S_a), one step q is
    S_v[q] = alpha S_v[q-1] + zeta (dI[q]/dtheta + W_rec dz[q-1]/dtheta) - v_th dz[q-1]/dtheta*
    S_a[q] = rho S_a[q-1] + dz[q-1]/dtheta
    S_y[q] = kappa S_y[q-1] + zeta_out W_out dz[q]/dtheta
    dE/dtheta += err[q] S_y[q]
(* only with `through_reset`; the default, as e-prop and bptt.py, passes no gradient through
the reset). dI/dtheta is the direct term: x_j[q] for W_in[i, j], z_j[q-1] for W_rec[i, j], in
row i. It costs O(n^2 (n_in + n)) memory and O(n^3 (n_in + n)) work per step: the reason the
online rules drop terms. Keeping only each neuron's sensitivity to its own incoming weights
(`truncation="diagonal"`: no W_rec dz/dtheta term) gives e-prop's eligibility traces, with the
readout's leak handled exactly (Zenke & Neftci 2021, Sec. IV; Bellec et al. 2020, Eq. 13);
`truncation="diagonal-voltage"` also drops the adaptation's sensitivity: e-prop's rule for LIF
neurons (plasticity/eprop_nonadaptive) applied to every neuron.
The gradient is the same as backpropagation through time computes backwards
(tests/methods/rtrl/test_exact.py: to 1e-8).

OSTL (Bohnstingl et al. 2020, arXiv:2007.12723) splits the same sum into a temporal part, the
layer's own forward sensitivities including the reset (its eligibility traces, O(n^3) state
with recurrent weights), and a spatial part, the learning signal dE/dz[q] of the same step
only: here zeta_out W_out^T err[q], which leaves out how a spike reaches the loss of later
steps through the readout's leak (`ostl_gradient`). Without that leak (kappa = 0) the two
parts are the whole gradient, and OSTL is exact for this single layer.
"""

from __future__ import annotations

import numpy as np

from neurosims.errors import NeurosimsError
from neurosims.methods.eprop import bptt

TRUNCATIONS = ("none", "diagonal", "diagonal-voltage")


def gradient(W: dict, adaptive: np.ndarray, p: dict, x: np.ndarray, target: np.ndarray, window: np.ndarray,
             classifier: bool = False, through_reset: bool = False, truncation: str = "none",
             trajectory: dict | None = None, spatial_signal: bool = False) -> tuple[float, dict]:
    """The loss of one trial x[q, input] and its gradient with respect to W['in'], W['rec'],
    W['out'] by forward sensitivities (arguments as bptt.gradient). `spatial_signal`: the
    recurrent neurons' learning signal is dE/dz of the same step only (OSTL's)."""
    if truncation not in TRUNCATIONS:
        raise NeurosimsError(f"truncation is {truncation!r}; choose one of {', '.join(TRUNCATIONS)}")
    f = trajectory or bptt.forward(W, adaptive, p, x)
    alpha, kappa, rho = np.exp(-p["dt"] / p["tau_m"]), np.exp(-p["dt"] / p["tau_out"]), np.exp(-p["dt"] / p["adapt_tau"])
    zeta, zeta_out = 1 - p["leaky_input"] * alpha, 1 - p["leaky_readout"] * kappa
    beta = adaptive * p["adapt_beta"]
    steps, n = f["z"].shape
    n_in, n_out = W["in"].shape[1], W["out"].shape[0]
    loss, err = bptt.readout_error(f["y"], target, window, classifier)
    n_params = n * (n_in + n)  # W_in rows, then W_rec rows: parameter (i, j) of neuron i
    S_v, S_a, S_z = np.zeros((n, n_params)), np.zeros((n, n_params)), np.zeros((n, n_params))
    S_y = np.zeros((n_out, n_params))
    grad = np.zeros(n_params)
    grad_out = np.zeros_like(W["out"])
    zbar_out = np.zeros(n)
    eye = np.eye(n)
    z_prev = np.zeros(n)
    for q in range(steps):
        arriving = x[q] if q > 0 else np.zeros(n_in)
        direct = np.concatenate([np.einsum("ik,j->ikj", eye, arriving).reshape(n, n * n_in),
                                 np.einsum("ik,j->ikj", eye, z_prev).reshape(n, n * n)], axis=1)
        drive = direct if truncation != "none" else direct + W["rec"] @ S_z
        S_v = alpha * S_v + zeta * drive - (p["v_th"] * S_z if through_reset else 0.0)
        if truncation == "diagonal-voltage":
            S_z = f["psi"][q][:, None] * S_v
        else:
            S_a = rho * S_a + S_z
            S_z = f["psi"][q][:, None] * (S_v - beta[:, None] * S_a)
        if spatial_signal:
            grad += (zeta_out * W["out"].T @ err[q]) @ S_z
        else:
            S_y = kappa * S_y + zeta_out * (W["out"] @ S_z)
            grad += err[q] @ S_y
        zbar_out = kappa * zbar_out + zeta_out * f["z"][q]
        grad_out += np.outer(err[q], zbar_out)
        z_prev = f["z"][q]
    grads = {"in": grad[:n * n_in].reshape(n, n_in), "rec": grad[n * n_in:].reshape(n, n), "out": grad_out}
    np.fill_diagonal(grads["rec"], 0.0)  # no autapses
    return loss, grads


def ostl_gradient(W: dict, adaptive: np.ndarray, p: dict, x: np.ndarray, target: np.ndarray, window: np.ndarray,
                  classifier: bool = False) -> tuple[float, dict]:
    """OSTL's gradient for the single recurrent layer and its readout: the layer's full forward
    sensitivities with the reset, the spatial learning signal of each step."""
    return gradient(W, adaptive, p, x, target, window, classifier, through_reset=True, spatial_signal=True)
