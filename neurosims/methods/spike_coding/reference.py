"""The predictive-coding network in plain NumPy, one time step at a time in the order of the
authors' code (Brendel et al. 2020, MatlabCode/Figure2/Learning.m), with the noise off: the
reference the Brian2 network (experiments/predictive_coding.py) is held to."""

from __future__ import annotations

import numpy as np


def predictive_coding_chunk(state: dict, c: np.ndarray, params: dict, dt: float, per_input: int = 1):
    """One chunk of input c[step // per_input, j] from `state` (V, r, kick, x vectors; F[j, n],
    Omega[post, pre]), learning on. A step of Learning.m:
        V  <- (1 - lambda dt) V + dt F^T c + kick    the last step's spike arrives after the leak
        x  <- (1 - lambda dt) x + dt c
        k  =  argmax(V - v_th); if V_k > v_th, neuron k spikes:
              F[:, k]     += eps_f (alpha x - F[:, k])
              Omega[:, k] -= eps_r (beta (V + mu r) + Omega[:, k] + mu e_k)
              r_k += 1;  kick = Omega[:, k] (the updated column, for the next step)
        r  <- (1 - lambda dt) r
    Learning.m leaks r at the end of a step; here that leak opens the next step, which gives
    every step the same r (and leaves r, like Brian2's, unleaked after a chunk's last step).
    Returns the state after the chunk and the spikes as (step, neuron)."""
    lam, v_th = float(params["lambda_v"]), float(params["v_th"])
    eps_r, beta, mu = float(params["eps_r"]), float(params["beta"]), float(params["mu"])
    eps_f, alpha = float(params["eps_f"]), float(params["alpha"])
    V, r, kick, x = (state[k].astype(float).copy() for k in ("V", "r", "kick", "x"))
    F, omega = state["F"].copy(), state["Omega"].copy()
    spikes = []
    for step in range(len(c) * per_input):
        c_now = c[step // per_input]
        r = (1 - lam * dt) * r
        V = (1 - lam * dt) * V + dt * F.T @ c_now + kick
        x = (1 - lam * dt) * x + dt * c_now
        kick = np.zeros_like(V)
        k = int(np.argmax(V - v_th))
        if V[k] - v_th > 0:
            spikes.append((step, k))
            F[:, k] += eps_f * (alpha * x - F[:, k])
            omega[:, k] -= eps_r * (beta * (V + mu * r) + omega[:, k] + mu * (np.arange(len(V)) == k))
            r[k] += 1
            kick = omega[:, k].copy()
    return {"V": V, "r": r, "kick": kick, "x": x, "F": F, "Omega": omega}, spikes
