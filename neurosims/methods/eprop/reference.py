"""A small discrete-time NumPy reference of e-prop, written from the equations in the model files
(equations/neurons/eprop_iaf.py, eprop_readout*.py, plasticity/eprop.py, optimizers/*.py) and
NEST 3.10's conventions, with matrices instead of synapses. Tests hold the Brian2 network to it.
"""

from __future__ import annotations

import numpy as np


def simulate(W: dict, B: np.ndarray, adaptive: np.ndarray, p: dict, x: np.ndarray, target: np.ndarray,
             window: np.ndarray, classifier: bool, batch: int, adam: bool, average: bool,
             optimizer: dict | None = None, symmetric: bool = False) -> tuple[dict, dict, np.ndarray]:
    """Run trials x[trial, q, input] (spike arriving in step q) with learning. `p` holds plain
    numbers (dt, tau_m, ... in seconds). `symmetric`: B = W_out^T. Returns (weights, optimizer state, y[trial, q, out])."""
    W = {k: v.astype(float).copy() for k, v in W.items()}
    n_rec, n_out = W["rec"].shape[0], W["out"].shape[0]
    dt = p["dt"]
    alpha, kappa, rho = np.exp(-dt / p["tau_m"]), np.exp(-dt / p["tau_out"]), np.exp(-dt / p["adapt_tau"])
    zeta = 1 - p["leaky_input"] * alpha
    zeta_out = 1 - p["leaky_readout"] * kappa
    beta = adaptive * p["adapt_beta"]
    n_ref = int(round(p["t_ref"] / dt))
    no_autapse = ~np.eye(n_rec, dtype=bool)
    state = optimizer or {"n": 0, "m": {k: np.zeros_like(v) for k, v in W.items()},
                          "v": {k: np.zeros_like(v) for k, v in W.items()}}
    grads = {k: np.zeros_like(v) for k, v in W.items()}
    scale = 1.0 / batch / (window.sum() if average else 1.0)
    ys = np.zeros(target.shape)
    for trial in range(x.shape[0]):
        v, a, z, r = np.zeros(n_rec), np.zeros(n_rec), np.zeros(n_rec), np.zeros(n_rec, int)
        zbar_in, zbar_rec, zk, y = np.zeros(x.shape[2]), np.zeros(n_rec), np.zeros(n_rec), np.zeros(n_out)
        traces = {k: {"eps": np.zeros_like(W[k]), "ebar": np.zeros_like(W[k]), "sum": np.zeros_like(W[k])}
                  for k in ("in", "rec")}
        n_spikes = np.zeros(n_rec)
        rec_input = np.zeros(n_rec)  # recurrent spikes of the last step, weighted
        for q in range(x.shape[1]):
            arriving = x[trial, q] if q > 0 else np.zeros(x.shape[2])
            r = np.maximum(r - 1, 0)
            zbar_in = alpha * zbar_in + zeta * arriving
            zbar_rec = alpha * zbar_rec + zeta * z
            v = alpha * v + zeta * (W["in"] @ arriving + rec_input) - p["v_th"] * z
            a = rho * a + z
            threshold = p["v_th"] + beta * a
            psi = np.where(r > 0, 0.0, p["gamma"] / p["v_th"]
                           * np.maximum(0.0, 1 - np.abs(v - threshold) / p["v_th"]))
            z = ((v >= threshold) & (r == 0)).astype(float)
            r = np.where(z > 0, n_ref, r)
            n_spikes += z
            rec_input = W["rec"] @ z
            zk = kappa * zk + zeta_out * z
            y = kappa * y + zeta_out * (W["out"] @ z)
            pi = np.exp(y) / np.exp(y).sum() if classifier else y
            err = window[q] * (pi - target[trial, q])
            L = (W["out"].T if symmetric else B) @ err
            for k, zbar in (("in", zbar_in), ("rec", zbar_rec)):
                t = traces[k]
                e = psi[:, None] * (zbar[None, :] - beta[:, None] * t["eps"])
                t["eps"] = rho * t["eps"] + e
                t["ebar"] = kappa * t["ebar"] + (1 - kappa) * e
                grads[k] += L[:, None] * t["ebar"]
                t["sum"] += e
            grads["out"] += np.outer(err, zk)
            ys[trial, q] = y
        steps = x.shape[1]
        reg = p["c_reg"] * (n_spikes / steps - p["f_target"] * dt) / steps
        for k in ("in", "rec"):
            grads[k] += reg[:, None] * traces[k]["sum"]
        grads["rec"] *= no_autapse
        if (trial + 1) % batch == 0:
            state["n"] += 1
            for k in W:
                g = scale * grads[k]
                if adam:
                    state["m"][k] = p["beta_1"] * state["m"][k] + (1 - p["beta_1"]) * g
                    state["v"][k] = p["beta_2"] * state["v"][k] + (1 - p["beta_2"]) * g ** 2
                    rate = p["eta"] * np.sqrt(1 - p["beta_2"] ** state["n"]) / (1 - p["beta_1"] ** state["n"])
                    W[k] = W[k] - rate * state["m"][k] / (np.sqrt(state["v"][k]) + p["epsilon"])
                else:
                    W[k] = W[k] - p["eta"] * g
                W[k] = np.clip(W[k], p["w_min"], p["w_max"])
                grads[k][:] = 0.0
            W["rec"] *= no_autapse
    return W, state, ys
