"""The predictive-coding network in plain NumPy, one time step at a time, with the noise off:
the reference the Brian2 network (experiments/predictive_coding.py) is held to."""

from __future__ import annotations

import numpy as np


def predictive_coding_chunk(state: dict, c: np.ndarray, params: dict, dt: float, per_input: int = 1):
    """One chunk of input c[step // per_input, j] from `state` (V, r, x vectors; F[j, n],
    Omega[post, pre]), learning on. In each step: drive and integration, u = V - v_th, the one
    neuron furthest above threshold spikes; learning (Omega, then the transmitted spike, then
    F); rate increment. Returns the state after the chunk and the spikes as (step, neuron)."""
    lam, v_th = float(params["lambda_v"]), float(params["v_th"])
    eps_r, beta, mu = float(params["eps_r"]), float(params["beta"]), float(params["mu"])
    eps_f, alpha = float(params["eps_f"]), float(params["alpha"])
    V, r, x = state["V"].copy(), state["r"].copy(), state["x"].copy()
    F, omega = state["F"].copy(), state["Omega"].copy()
    spikes = []
    for step in range(len(c) * per_input):
        drive = F.T @ c[step // per_input]
        V, r, x = V + dt * (-lam * V + drive), r - dt * lam * r, x + dt * (-lam * x + c[step // per_input])
        u = V - v_th
        k = int(np.argmax(u))
        if u[k] > 0:
            spikes.append((step, k))
            omega[:, k] -= eps_r * (beta * (V + mu * r) + omega[:, k] + mu * (np.arange(len(V)) == k))
            V = V + omega[:, k]
            F[:, k] += eps_f * (alpha * x - F[:, k])
            r[k] += 1
    return {"V": V, "r": r, "x": x, "F": F, "Omega": omega}, spikes
