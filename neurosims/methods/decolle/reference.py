"""DECOLLE in NumPy, step by step as the authors' code runs it (decolle 0.2: LIFLayer.forward,
LenetDECOLLE.step for convolution and dense layers, utils.train with online updates,
torch.optim.Adamax), for the generated-code network to be held to and for the initialisation
(LSUV). No dropout (p_drop = 0): its masks are random.

At step t of a run (k = t mod sample_steps; the state is reset at k = 0):
  the optimizer applies step t-1's gradient where the layer learned in step t-1;
  for each layer l (input x = the events of step t, or the spikes of layer l-1 in step t):
    P <- alpha P + (1 - alpha) Q;  Q <- beta Q + (1 - beta) x
    R <- alpha_rp R - (1 - alpha_rp) w_rp S;  U = W P + b + R;  S = [U > 0]
    (a convolution layer: W P a convolution; with 2x2 max pooling, U and S below are the
    pooled unit's, S = [max U > 0], and dL/dU reaches each window's maximum only)
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
        optimizer: list[dict] | None = None, gates: list[float] | None = None, in_shape: tuple | None = None,
        conv=()) -> dict:
    """params: plain numbers; weights: per layer {"W": (n, n_in), "b": (n,)} (a convolution
    layer, the first len(conv), network.Conv: W (C_out, C_in, k, k), b (C_out,)); readouts: per
    layer {"G": (C, outputs), "b": (C,)}; frames: (steps, n_in) event counts, channels in (C, H, W)
    order `in_shape` for convolution layers; labels: one per sample. optimizer, gates: Adamax's
    state per layer ({"W": {"m", "u", "b1", "g"}, "b": ...}) and the layers' gates of the last
    step, carried from an earlier run (None: a fresh start).
    Returns per layer U, S (of the output: after pooling), r, loss over steps, the weights and
    the optimizer state after."""
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
    layers = [Layer(w, c) for w, c in zip(weights, list(conv) + [None] * (n_layers - len(conv)))]
    inputs = [tuple(in_shape) if conv else (frames.shape[1],)]
    for layer in layers[:-1]:
        inputs.append(layer.output_shape(inputs[-1]))
    outputs = [int(np.prod(layer.output_shape(shape))) for layer, shape in zip(layers, inputs)]
    record = {name: [np.zeros((steps, outputs[l] if name in ("U", "S") else len(readouts[l]["b"])))
                     for l in range(n_layers)] for name in ("U", "S", "r", "loss")}
    for t in range(steps):
        k = t % sample_steps
        for l in range(n_layers):
            if p["eta"] > 0 and gates[l]:
                for name, state in optimizer[l].items():
                    weights[l][name] = adamax(weights[l][name], state, p)
            for state in optimizer[l].values():
                state["g"] = np.zeros_like(state["g"])
        if k == 0:
            traces = [{"P": np.zeros(shape), "Q": np.zeros(shape)} for shape in inputs]
            neurons = [{"R": 0.0, "S": 0.0} for _ in layers]
        x = frames[t]
        y = np.zeros(len(readouts[0]["b"]))
        y[int(labels[t // sample_steps])] = 1
        for l, layer in enumerate(layers):
            tr, nr, w, ro = traces[l], neurons[l], weights[l], readouts[l]
            tr["P"] = p["alpha"] * tr["P"] + (1 - p["alpha"]) * tr["Q"]
            tr["Q"] = p["beta"] * tr["Q"] + (1 - p["beta"]) * x.reshape(inputs[l])
            nr["R"] = p["alpha_rp"] * nr["R"] - (1 - p["alpha_rp"]) * p["w_rp"] * nr["S"]
            u_neurons = layer.forward(w, tr["P"]) + nr["R"]
            nr["S"] = (u_neurons > 0).astype(np.float64)
            u, pick = layer.pool(u_neurons)
            s = (u > 0).astype(np.float64)
            r = ro["G"] @ s + ro["b"]
            d = r - y
            gate = float(p["training"] * (k >= p["burnin"]))
            dlds = ro["G"].T @ (np.clip(d, -1, 1) / len(d))
            sig = 1 / (1 + np.exp(-u))
            low = float(np.mean(sig) < p["min_activity"])
            reg = p["reg_l"] / len(u) * ((u > -0.01) - p["reg_rate"] * low * sig * (1 - sig))
            delta = gate * (dlds * surrogate(u, p["boxcar"]) + reg)
            optimizer[l]["W"]["g"], optimizer[l]["b"]["g"] = layer.gradient(pick(delta), tr["P"])
            gates[l] = gate
            for name, value in (("U", u), ("S", s), ("r", r),
                                ("loss", np.where(np.abs(d) < 1, 0.5 * d ** 2, np.abs(d) - 0.5) / len(d))):
                record[name][l][t] = value
            x = s
    return record | {"weights": weights, "optimizer": optimizer, "gates": gates}


class Layer:
    """A dense or convolution layer's linear map, its pooling and their gradients."""

    def __init__(self, weights: dict, conv=None):
        self.conv = conv
        self.kernel = weights["W"].shape

    def output_shape(self, in_shape: tuple) -> tuple:
        if self.conv is None:
            return (self.kernel[0],)
        c = self.conv
        h, w = (n + 2 * c.padding - c.kernel + 1 for n in in_shape[1:])
        return (c.channels, h // c.pool, w // c.pool)

    def _windows(self, trace: np.ndarray) -> np.ndarray:
        """(C_in, H', W', k, k): the padded input under every position of the kernel."""
        pad = self.conv.padding
        padded = np.pad(trace, ((0, 0), (pad, pad), (pad, pad)))
        return np.lib.stride_tricks.sliding_window_view(padded, (self.conv.kernel,) * 2, axis=(1, 2))

    def forward(self, w: dict, trace: np.ndarray) -> np.ndarray:
        """W P + b: a matrix product, or a convolution (stride 1, zero padding)."""
        if self.conv is None:
            return w["W"] @ trace.ravel() + w["b"]
        return np.tensordot(w["W"], self._windows(trace), axes=([1, 2, 3], [0, 3, 4])) + w["b"][:, None, None]

    def pool(self, u: np.ndarray):
        """The output's U (the max over each 2x2 window, torch's floor mode and first maximum;
        no pooling: U), flattened, and the map that takes the output's dL/dU back to the
        neurons (to each window's maximum)."""
        if self.conv is None or self.conv.pool == 1:
            return u.ravel(), lambda delta: delta.reshape(u.shape)
        c, h, w = u.shape
        blocks = u[:, :h // 2 * 2, :w // 2 * 2].reshape(c, h // 2, 2, w // 2, 2).transpose(0, 1, 3, 2, 4)
        blocks = blocks.reshape(c, h // 2, w // 2, 4)
        first = blocks.argmax(axis=3)

        def to_neurons(delta):
            routed = np.zeros_like(blocks)
            np.put_along_axis(routed, first[..., None], delta.reshape(first.shape)[..., None], axis=3)
            routed = routed.reshape(c, h // 2, w // 2, 2, 2).transpose(0, 1, 3, 2, 4).reshape(c, h // 2 * 2, -1)
            full = np.zeros_like(u)
            full[:, :h // 2 * 2, :w // 2 * 2] = routed
            return full

        return blocks.max(axis=3).ravel(), to_neurons

    def gradient(self, delta: np.ndarray, trace: np.ndarray):
        """dL/dW and dL/db from the neurons' dL/dU: delta P^T, or its sum over positions."""
        if self.conv is None:
            return np.outer(delta, trace.ravel()), delta
        return np.tensordot(delta, self._windows(trace), axes=([1, 2], [1, 2])), delta.sum(axis=(1, 2))
