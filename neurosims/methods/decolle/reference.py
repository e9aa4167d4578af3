"""DECOLLE in NumPy, step by step as the authors' code runs it (decolle 0.2: LIFLayer.forward,
LenetDECOLLE.step for dense layers, utils.train with online updates, torch.optim.Adamax), for
the generated-code network to be held to. No dropout (p_drop = 0): its masks are random.

At step t of a run (k = t mod sample_steps; the state is reset at k = 0):
  the optimizer applies step t-1's gradient where the layer learned in step t-1;
  for each layer l (input x = the events of step t, or the spikes of layer l-1 in step t):
    P <- alpha P + (1 - alpha) Q;  Q <- beta Q + (1 - beta) x
    R <- alpha_rp R - (1 - alpha_rp) w_rp S;  U = W P + b + R;  S = [U > 0]
    r = G S + b_G;  loss = mean smoothL1(r - y);  dL/dS = G^T clip(r - y, -1, 1)/C
    dL_reg/dU = reg_l/N ([U > -0.01] - reg_rate sigmoid'(U) [mean sigmoid(U) < min_activity])
    g_W = (dL/dS sigma'(U) + dL_reg/dU) P^T,  g_b = the same without P  (where k >= burnin
    while training)
"""

from __future__ import annotations

import numpy as np


def surrogate(u: np.ndarray, boxcar: float) -> np.ndarray:
    return (1 - boxcar) / (10 * np.abs(u) + 1) ** 2 + boxcar * (np.abs(u) < 0.5)


def adamax(w: np.ndarray, state: dict, p: dict) -> np.ndarray:
    """One Adamax update of `w` by its gradient state["g"] (torch.optim.Adamax); the state's
    moments and beta_1's power (b1, for the bias correction) are updated in place."""
    g = state["g"]
    state["b1"] *= p["beta_1"]
    state["m"] += (1 - p["beta_1"]) * (g - state["m"])
    state["u"] = np.maximum(p["beta_2"] * state["u"], np.abs(g) + p["epsilon"])
    return w - p["eta"] / (1 - state["b1"]) * state["m"] / np.maximum(state["u"], p["epsilon"])


def run(params: dict, weights: list[dict], readouts: list[dict], frames: np.ndarray, labels: np.ndarray,
        optimizer: list[dict] | None = None, gates: list[float] | None = None) -> dict:
    """params: plain numbers; weights: per layer {"W": (n, n_in), "b": (n,)}; readouts: per
    layer {"G": (C, n), "b": (C,)}; frames: (steps, n_in) event counts; labels: one per sample.
    optimizer, gates: Adamax's state per layer ({"W": {"m", "u", "b1", "g"}, "b": ...}) and the
    layers' gates of the last step, carried from an earlier run (None: a fresh start).
    Returns per layer U, S, r, loss over steps, the weights and the optimizer state after."""
    p = params
    steps, sample_steps = len(frames), int(p["sample_steps"])
    n_layers = len(weights)
    weights = [{k: v.astype(np.float64).copy() for k, v in w.items()} for w in weights]
    if optimizer is None:
        from neurosims.methods.decolle.network import fresh_optimizer

        optimizer = fresh_optimizer(weights)
    else:
        optimizer = [{k: {s: a.copy() for s, a in v.items()} for k, v in layer.items()} for layer in optimizer]
    gates = list(gates) if gates is not None else [0.0] * n_layers
    record = {name: [np.zeros((steps, len(w["b"] if name in ("U", "S") else readouts[l]["b"])))
                     for l, w in enumerate(weights)] for name in ("U", "S", "r", "loss")}
    for t in range(steps):
        k = t % sample_steps
        for l in range(n_layers):
            if p["eta"] > 0 and gates[l]:
                for name, state in optimizer[l].items():
                    weights[l][name] = adamax(weights[l][name], state, p)
            for state in optimizer[l].values():
                state["g"] = np.zeros_like(state["g"])
        if k == 0:
            traces = [{"P": np.zeros(n), "Q": np.zeros(n)} for n in [frames.shape[1]] +
                      [len(w["b"]) for w in weights[:-1]]]
            neurons = [{"R": np.zeros(len(w["b"])), "S": np.zeros(len(w["b"]))} for w in weights]
        x = frames[t]
        y = np.zeros(len(readouts[0]["b"]))
        y[int(labels[t // sample_steps])] = 1
        for l in range(n_layers):
            tr, nr, w, ro = traces[l], neurons[l], weights[l], readouts[l]
            tr["P"] = p["alpha"] * tr["P"] + (1 - p["alpha"]) * tr["Q"]
            tr["Q"] = p["beta"] * tr["Q"] + (1 - p["beta"]) * x
            nr["R"] = p["alpha_rp"] * nr["R"] - (1 - p["alpha_rp"]) * p["w_rp"] * nr["S"]
            u = w["W"] @ tr["P"] + w["b"] + nr["R"]
            nr["S"] = (u > 0).astype(np.float64)
            r = ro["G"] @ nr["S"] + ro["b"]
            d = r - y
            gate = float(p["training"] * (k >= p["burnin"]))
            dlds = ro["G"].T @ (np.clip(d, -1, 1) / len(d))
            sig = 1 / (1 + np.exp(-u))
            low = float(np.mean(sig) < p["min_activity"])
            reg = p["reg_l"] / len(u) * ((u > -0.01) - p["reg_rate"] * low * sig * (1 - sig))
            delta = gate * (dlds * surrogate(u, p["boxcar"]) + reg)
            optimizer[l]["W"]["g"] = np.outer(delta, tr["P"])
            optimizer[l]["b"]["g"] = delta
            gates[l] = gate
            for name, value in (("U", u), ("S", nr["S"]), ("r", r),
                                ("loss", np.where(np.abs(d) < 1, 0.5 * d ** 2, np.abs(d) - 0.5) / len(d))):
                record[name][l][t] = value
            x = nr["S"]
    return record | {"weights": weights, "optimizer": optimizer, "gates": gates}
