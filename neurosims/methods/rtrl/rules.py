"""The online rules of the RTRL family as gradients of one network, in NumPy: the recurrent
LIF/ALIF network with leaky readouts of neurosims/methods/eprop/bptt.py (NEST's discrete time,
e-prop's pseudo-derivative psi, no gradient through the reset), so that every rule can be
set against exact RTRL (neurosims/methods/rtrl/exact.py) on the same weights and trials.

Each rule writes the gradient of a recurrent or input weight W_ij as sum_q L_i[q] e_ij[q]
(Zenke & Neftci 2021, Eq. 9): a learning signal L_i times an eligibility trace e_ij that the
synapse keeps from a presynaptic trace and a postsynaptic factor. They differ in which of
RTRL's terms they keep (the exact sensitivity dy[t]/dW_ij, t >= q, through every path):
- "rtrl": every term (exact.gradient), the reset's derivative included: the reference.
- "rtrl-no-reset": every term but the reset's derivative, the convention of e-prop (and of
  neurosims/methods/eprop/bptt.py by default): without it nothing damps the sensitivities that
  grow through the recurrent weights, and at W_rec ~ randn/sqrt(n) the gradient explodes.
- "ostl" (Bohnstingl et al. 2020): the layer's full sensitivities through the recurrent
  weights and the reset (its (1 - y) gate), with the learning signal of the same step only (W_out^T err[q]: not how a spike
  reaches later steps' loss through the readout's leak).
- "eprop-alif" (Bellec et al. 2020): each neuron's sensitivity to its own incoming weights only
  (RTRL's diagonal: the voltage and adaptation traces), with the readout's filter: exact
  except for the paths through the recurrent weights. Symmetric feedback W_out^T.
- "eprop-lif": the same without the adaptation trace (e-prop's rule for LIF neurons, used on
  ALIF neurons): RTRL's diagonal, voltage only.
- "superspike" (Zenke & Ganguli 2018): psi_i times the presynaptic PSP (as eprop-lif), filtered
  by its own fixed kernel, the difference of exponentials of 5 and 10 ms (the van Rossum
  kernel of the authors), in place of the readout's; symmetric feedback.
- "rflo" (Murray 2019): the low-pass (membrane leak) of psi_i times the presynaptic spike,
  no readout filter, and the readout error sent through a fixed random B.
- "eprop-random": eprop-alif with the learning signal sent through the same random B.
- "decolle" (Kaiser et al. 2020): psi_i times the presynaptic PSP of the same step (no filter),
  and the error of a fixed random local readout G of the layer (read as the network's readout
  reads its spikes) in place of the network's error.
The readout weights learn by their exact delta rule under every rule. The rules after the
first three pass no gradient through the reset, as their authors' forms do.

State per synapse and multiply-adds per synapse and step are counted from each rule's update
equations (`COSTS`), for n recurrent neurons and n_out readouts; the gradient accumulator
itself is left out (every rule has one).
"""

from __future__ import annotations

import numpy as np

from neurosims.errors import NeurosimsError
from neurosims.methods.eprop import bptt
from neurosims.methods.rtrl import exact

RULES = ("rtrl", "rtrl-no-reset", "ostl", "eprop-alif", "eprop-lif", "superspike", "rflo", "eprop-random", "decolle")
# the rules that are forms of exact.gradient: (truncation, through the reset, spatial signal)
EXACT_FORMS = {"rtrl": ("none", True, False), "rtrl-no-reset": ("none", False, False),
               "ostl": ("none", True, True), "eprop-alif": ("diagonal", False, False),
               "eprop-lif": ("diagonal-voltage", False, False)}
SUPERSPIKE_TAUS = (5e-3, 10e-3)  # rise and decay of SuperSpike's kernel (Zenke & Ganguli 2018)

# rule -> (state per synapse, multiply-adds per synapse and step), functions of (n, n_out):
# RTRL keeps dv_i/dW, da_i/dW for every neuron i and dy_k/dW for every readout k, and sums
# W_rec dz/dW (n per entry); OSTL the same for the layer, without the readout's.
COSTS = {
    "rtrl": (lambda n, k: 2 * n + k, lambda n, k: n * n + (k + 4) * n),
    "rtrl-no-reset": (lambda n, k: 2 * n + k, lambda n, k: n * n + (k + 3) * n),
    "ostl": (lambda n, k: 2 * n, lambda n, k: n * n + 5 * n),
    "eprop-alif": (lambda n, k: 2, lambda n, k: 6),  # eps_a, ebar; e = psi (zbar - beta eps_a)
    "eprop-lif": (lambda n, k: 1, lambda n, k: 4),  # ebar; e = psi zbar
    "superspike": (lambda n, k: 2, lambda n, k: 6),  # two stages of its kernel
    "rflo": (lambda n, k: 1, lambda n, k: 3),  # p
    "eprop-random": (lambda n, k: 2, lambda n, k: 6),
    "decolle": (lambda n, k: 0, lambda n, k: 2),  # psi_i P_j from neuron traces, summed
}


def gradient(rule: str, W: dict, B: np.ndarray, G: np.ndarray, adaptive: np.ndarray, p: dict, x: np.ndarray,
             target: np.ndarray, window: np.ndarray, trajectory: dict | None = None) -> tuple[float, dict]:
    """The loss of one trial x[q, input] (regression readouts) and `rule`'s gradient with
    respect to W['in'], W['rec'], W['out']. B[neuron, readout]: the random feedback of rflo
    and eprop-random; G[readout, neuron]: DECOLLE's fixed local readout."""
    if rule not in RULES:
        raise NeurosimsError(f"rule is {rule!r}; choose one of {', '.join(RULES)}")
    f = trajectory or bptt.forward(W, adaptive, p, x)
    if rule in EXACT_FORMS:
        truncation, through_reset, spatial = EXACT_FORMS[rule]
        return exact.gradient(W, adaptive, p, x, target, window, truncation=truncation, trajectory=f,
                              through_reset=through_reset, spatial_signal=spatial)
    if rule == "eprop-random":
        return bptt.eprop_gradient(W, B, adaptive, p, x, target, window, trajectory=f)
    loss, err = bptt.readout_error(f["y"], target, window, classifier=False)
    alpha, kappa = np.exp(-p["dt"] / p["tau_m"]), np.exp(-p["dt"] / p["tau_out"])
    zeta, zeta_out = 1 - p["leaky_input"] * alpha, 1 - p["leaky_readout"] * kappa
    steps, n = f["z"].shape
    n_in = x.shape[1]
    pre = np.concatenate([x.astype(float), np.vstack([np.zeros(n), f["z"][:-1]])], axis=1)  # arriving in step q
    pre[0, :n_in] = 0.0  # input arriving in a trial's first step is dropped
    if rule == "decolle":
        local = np.zeros_like(f["y"])  # G read as the network's readout reads the spikes
        for q in range(steps):
            local[q] = kappa * local[q - 1] + zeta_out * G @ f["z"][q] if q else zeta_out * G @ f["z"][q]
        _, local_err = bptt.readout_error(local, target, window, classifier=False)
        signal = zeta_out * local_err @ G
    elif rule == "rflo":
        signal = zeta_out * err @ B.T
    else:  # superspike
        signal = err @ W["out"]
    rise, decay = (np.exp(-p["dt"] / tau) for tau in SUPERSPIKE_TAUS)
    zbar = np.zeros(n_in + n)
    trace, stage = np.zeros((n, n_in + n)), np.zeros((n, n_in + n))
    grad = np.zeros((n, n_in + n))
    for q in range(steps):
        zbar = alpha * zbar + zeta * pre[q]
        if rule == "rflo":  # p = alpha p + zeta psi_i x_j
            trace = alpha * trace + zeta * np.outer(f["psi"][q], pre[q])
        elif rule == "decolle":
            trace = np.outer(f["psi"][q], zbar)
        else:  # superspike: the kernel, two exponential stages of unit area, on psi_i zbar_j
            stage = rise * stage + (1 - rise) * np.outer(f["psi"][q], zbar)
            trace = decay * trace + (1 - decay) * stage
        grad += signal[q][:, None] * trace
    grads = {"in": grad[:, :n_in], "rec": grad[:, n_in:], "out": readout_gradient(f, err, kappa, zeta_out)}
    np.fill_diagonal(grads["rec"], 0.0)
    return loss, grads


def readout_gradient(f: dict, err: np.ndarray, kappa: float, zeta_out: float) -> np.ndarray:
    """The readout weights' exact gradient: sum_q err[q] zk[q]^T, zk the spikes as the readout
    filters them."""
    zk = np.zeros(f["z"].shape[1])
    grad = np.zeros((err.shape[1], f["z"].shape[1]))
    for q in range(len(err)):
        zk = kappa * zk + zeta_out * f["z"][q]
        grad += np.outer(err[q], zk)
    return grad


def relative_norm(a: dict, b: dict, keys=("in", "rec", "out")) -> dict:
    """|a| / |b| per weight matrix and over all of them."""
    result = {k: float(np.linalg.norm(a[k]) / max(np.linalg.norm(b[k]), 1e-300)) for k in keys}
    result["all"] = float(np.sqrt(sum(np.sum(a[k] ** 2) for k in keys))
                          / max(np.sqrt(sum(np.sum(b[k] ** 2) for k in keys)), 1e-300))
    return result
