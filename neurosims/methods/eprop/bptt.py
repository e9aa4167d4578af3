"""Backpropagation through time for the e-prop network: the gradient e-prop approximates.

The network is the one of neurosims/methods/eprop/network.py in NEST's discrete time (LIF and ALIF neurons,
leaky readouts); the spike's derivative is the same pseudo-derivative psi that e-prop uses,
and, as in e-prop (Bellec et al. 2020, Methods), no gradient flows through the reset.
What e-prop leaves out is then exactly the propagation of errors through the recurrent
weights into the past (and, with random feedback, the true readout weights). Comparing the
two on the same network, weights and trial measures that approximation alone: without
recurrent weights and with symmetric feedback, e-prop's gradient equals this one
(tests/methods/eprop/test_bptt.py). The rate regularisation is not part of either gradient here.

Loss of a regression trial: E = 0.5 sum_q window[q] |y[q] - y*[q]|^2; of a classification
trial (softmax readouts): E = -sum_q window[q] sum_k y*_k[q] log pi_k[q].

The same backward pass without the recurrent term, and with the feedback matrix B in place of
W_out^T, is e-prop's gradient (`eprop_gradient`): the eligibility traces of e-prop are the
neuron's own backward dynamics (v and a) run forward in time (Bellec et al. 2020, Eq. 13).
tests/methods/eprop/test_bptt.py holds it to the NumPy reference of the e-prop rule.
"""

from __future__ import annotations

import numpy as np


def forward(W: dict, adaptive: np.ndarray, p: dict, x: np.ndarray) -> dict:
    """One trial x[q, input] (spike arriving in step q). `p`: plain numbers as in the model
    files (dt, tau_m, tau_out, adapt_tau, adapt_beta, v_th, gamma, t_ref, leaky_input,
    leaky_readout). Returns v, a, z, psi (step, neuron) and y (step, readout)."""
    steps = x.shape[0]
    n = W["rec"].shape[0]
    alpha, kappa, rho = np.exp(-p["dt"] / p["tau_m"]), np.exp(-p["dt"] / p["tau_out"]), np.exp(-p["dt"] / p["adapt_tau"])
    zeta, zeta_out = 1 - p["leaky_input"] * alpha, 1 - p["leaky_readout"] * kappa
    beta = adaptive * p["adapt_beta"]
    n_ref = int(round(p["t_ref"] / p["dt"]))
    out = {k: np.zeros((steps, n)) for k in ("v", "a", "z", "psi")}
    out["y"] = np.zeros((steps, W["out"].shape[0]))
    v, a, z, r, y = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n, int), np.zeros(W["out"].shape[0])
    for q in range(steps):
        arriving = x[q] if q > 0 else np.zeros(x.shape[1])
        r = np.maximum(r - 1, 0)
        v = alpha * v + zeta * (W["in"] @ arriving + W["rec"] @ z) - p["v_th"] * z
        a = rho * a + z
        threshold = p["v_th"] + beta * a
        psi = np.where(r > 0, 0.0, p["gamma"] / p["v_th"] * np.maximum(0.0, 1 - np.abs(v - threshold) / p["v_th"]))
        z = ((v >= threshold) & (r == 0)).astype(float)
        r = np.where(z > 0, n_ref, r)
        y = kappa * y + zeta_out * (W["out"] @ z)
        for key, value in (("v", v), ("a", a), ("z", z), ("psi", psi)):
            out[key][q] = value
        out["y"][q] = y
    return out


def gradient(W: dict, adaptive: np.ndarray, p: dict, x: np.ndarray, target: np.ndarray,
             window: np.ndarray, classifier: bool = False, trajectory: dict | None = None,
             through_reset: bool = False) -> tuple[float, dict]:
    """The loss of one trial and its gradient with respect to W['in'], W['rec'], W['out']
    (`through_reset`: the reset's derivative included)."""
    return _backward(W, adaptive, p, x, target, window, classifier, trajectory, W["out"].T, recurrent=True,
                     through_reset=through_reset)


def eprop_gradient(W: dict, feedback: np.ndarray, adaptive: np.ndarray, p: dict, x: np.ndarray,
                   target: np.ndarray, window: np.ndarray, classifier: bool = False,
                   trajectory: dict | None = None) -> tuple[float, dict]:
    """e-prop's gradient for one trial, learning signals sent through `feedback` B[neuron,
    readout] (B = W_out^T: symmetric e-prop), without rate regularisation."""
    return _backward(W, adaptive, p, x, target, window, classifier, trajectory, feedback, recurrent=False)


def readout_error(y: np.ndarray, target: np.ndarray, window: np.ndarray, classifier: bool) -> tuple[float, np.ndarray]:
    """The loss of a trial and dE/dy[q] (for softmax readouts: dE/d(logits)[q]) at every step."""
    if classifier:
        pi = np.exp(y - y.max(axis=1, keepdims=True))
        pi /= pi.sum(axis=1, keepdims=True)
        return -float(np.sum(window[:, None] * target * np.log(pi))), window[:, None] * (pi - target)
    err = window[:, None] * (y - target)
    return 0.5 * float(np.sum(err ** 2)), err


def _backward(W, adaptive, p, x, target, window, classifier, trajectory, feedback, recurrent, through_reset=False):
    f = trajectory or forward(W, adaptive, p, x)
    alpha, kappa, rho = np.exp(-p["dt"] / p["tau_m"]), np.exp(-p["dt"] / p["tau_out"]), np.exp(-p["dt"] / p["adapt_tau"])
    zeta, zeta_out = 1 - p["leaky_input"] * alpha, 1 - p["leaky_readout"] * kappa
    beta = adaptive * p["adapt_beta"]
    steps, n = f["z"].shape
    loss, err = readout_error(f["y"], target, window, classifier)
    filtered = np.zeros_like(err)  # sum_{t >= q} kappa^(t - q) err[t]
    acc = np.zeros(err.shape[1])
    for q in range(steps - 1, -1, -1):
        acc = kappa * acc + err[q]
        filtered[q] = acc
    grads = {k: np.zeros_like(w) for k, w in W.items()}
    zbar_out = np.zeros(n)
    for q in range(steps):
        zbar_out = kappa * zbar_out + zeta_out * f["z"][q]
        grads["out"] += np.outer(err[q], zbar_out)
    d_v_next, d_a_next = np.zeros(n), np.zeros(n)  # dE/dv[q+1], dE/da[q+1]
    arriving = x.astype(float).copy()
    arriving[0] = 0.0
    for q in range(steps - 1, -1, -1):
        d_z = zeta_out * feedback @ filtered[q] + d_a_next  # readout and adaptation
        if recurrent and q + 1 < steps:
            d_z += zeta * W["rec"].T @ d_v_next  # through the recurrent weights (e-prop omits this)
        if through_reset:
            d_z -= p["v_th"] * d_v_next  # through the reset v[q+1] -= v_th z[q] (off by default, as in e-prop)
        d_v = alpha * d_v_next + f["psi"][q] * d_z
        d_a = rho * d_a_next - beta * f["psi"][q] * d_z
        grads["in"] += zeta * np.outer(d_v, arriving[q])
        if q > 0:
            grads["rec"] += zeta * np.outer(d_v, f["z"][q - 1])
        d_v_next, d_a_next = d_v, d_a
    np.fill_diagonal(grads["rec"], 0.0)
    return loss, grads


def cosine(a: dict, b: dict, keys=("in", "rec", "out")) -> dict:
    """Cosine similarity of two gradients, per weight matrix and over all of them."""
    result = {k: float(np.sum(a[k] * b[k]) / (np.linalg.norm(a[k]) * np.linalg.norm(b[k]) + 1e-300)) for k in keys}
    flat_a = np.concatenate([a[k].ravel() for k in keys])
    flat_b = np.concatenate([b[k].ravel() for k in keys])
    result["all"] = float(flat_a @ flat_b / (np.linalg.norm(flat_a) * np.linalg.norm(flat_b) + 1e-300))
    return result
