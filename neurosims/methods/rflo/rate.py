"""The rate network of Murray (2019) in NumPy, with its three gradients: RFLO (the local,
online approximation), exact RTRL (forward sensitivities) and BPTT (backward): the reference
for the rule's model files and the baseline of its tasks.

    u[t] = W_rec h[t-1] + W_in x[t]
    h[t] = h[t-1] + (f(u[t]) - h[t-1])/tau      f = tanh, tau in steps (10)
    y[t] = W_out h[t]
for t = 1 .. T-1 from a fixed h[0]; loss L = (1/2T) sum_t |y[t] - y*[t]|^2 (the authors scale
updates by 1/T). RFLO's eligibility traces are the low-pass of f'(u_i) times the presynaptic
rate, p_ij[t] = (1 - 1/tau) p_ij[t-1] + f'(u_i[t]) h_j[t-1]/tau (and x_j[t] for inputs), and
its learning signal is the readout error sent back through a fixed random B in place of
W_out^T: dW_ij = sum_t (B e[t])_i p_ij[t]. Exact RTRL keeps the sensitivity that flows
through W_rec, dh[t]/dW = (1 - 1/tau) dh[t-1]/dW + f'(u[t])/tau (W_rec dh[t-1]/dW + direct),
and W_out^T. Without recurrent weights and with B = W_out^T the two are the same
(tests/methods/rflo/test_rate.py). Murray J (2019). Local online learning in recurrent
networks with random feedback. eLife 8:e43299; murray-lab/rflo-learning (the authors' notebook:
task, initialisation and learning rates read there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neurosims.errors import NeurosimsError

METHODS = ("rflo", "rtrl", "bptt")


@dataclass
class Weights:
    w_in: np.ndarray
    w_rec: np.ndarray
    w_out: np.ndarray
    b: np.ndarray  # random feedback B[unit, output] (RFLO)

    def copy(self) -> "Weights":
        return Weights(*(np.array(a, dtype=np.float64) for a in (self.w_in, self.w_rec, self.w_out, self.b)))


def initial_weights(n_in: int, n_rec: int, n_out: int, rng, g: float = 1.5) -> Weights:
    """The authors' initialisation: W_in uniform in [-0.1, 0], W_rec normal with gain g/sqrt(N),
    W_out uniform +-0.1/sqrt(N), B normal(0, 1/sqrt(n_out))."""
    return Weights(0.1 * (rng.random((n_rec, n_in)) - 1), g * rng.standard_normal((n_rec, n_rec)) / np.sqrt(n_rec),
                   0.1 * (2 * rng.random((n_out, n_rec)) - 1) / np.sqrt(n_rec),
                   rng.standard_normal((n_rec, n_out)) / np.sqrt(n_out))


def forward(w: Weights, x: np.ndarray, h0: np.ndarray, tau: float) -> dict:
    """u, h, y at every step t = 0 .. T-1 (u[0] = 0, h[0] = h0, y[0] = W_out h0)."""
    steps, n = len(x), len(h0)
    u, h = np.zeros((steps, n)), np.zeros((steps, n))
    h[0] = h0
    for t in range(1, steps):
        u[t] = w.w_rec @ h[t - 1] + w.w_in @ x[t]
        h[t] = h[t - 1] + (np.tanh(u[t]) - h[t - 1]) / tau
    return {"u": u, "h": h, "y": h @ w.w_out.T}


def gradient(method: str, w: Weights, x: np.ndarray, target: np.ndarray, h0: np.ndarray, tau: float) -> tuple[float, dict]:
    """The loss of one trial and the gradient (RFLO: its approximation) with respect to w_in,
    w_rec, w_out."""
    if method not in METHODS:
        raise NeurosimsError(f"method is {method!r}; choose one of {', '.join(METHODS)}")
    f = forward(w, x, h0, tau)
    steps = len(x)
    e = (f["y"] - target) / steps  # dL/dy[t]
    e[0] = 0.0  # y[0] is not learned (h0 is fixed)
    loss = 0.5 * float(np.sum((f["y"][1:] - target[1:]) ** 2)) / steps
    d_out = e.T @ f["h"]
    df = 1 - np.tanh(f["u"]) ** 2
    if method == "bptt":
        d_rec, d_in = np.zeros_like(w.w_rec), np.zeros_like(w.w_in)
        delta = np.zeros(len(h0))  # dL/dh[t], back from the end
        for t in range(steps - 1, 0, -1):
            delta = delta + w.w_out.T @ e[t]
            grow = delta * df[t] / tau  # dL/du[t]
            d_rec += np.outer(grow, f["h"][t - 1])
            d_in += np.outer(grow, x[t])
            delta = delta * (1 - 1 / tau) + w.w_rec.T @ grow
        return loss, {"in": d_in, "rec": d_rec, "out": d_out}
    n, n_in = len(h0), x.shape[1]
    if method == "rflo":
        p, q = np.zeros((n, n)), np.zeros((n, n_in))
        d_rec, d_in = np.zeros_like(w.w_rec), np.zeros_like(w.w_in)
        for t in range(1, steps):
            p = (1 - 1 / tau) * p + np.outer(df[t], f["h"][t - 1]) / tau
            q = (1 - 1 / tau) * q + np.outer(df[t], x[t]) / tau
            signal = w.b @ e[t]
            d_rec += signal[:, None] * p
            d_in += signal[:, None] * q
        return loss, {"in": d_in, "rec": d_rec, "out": d_out}
    # exact RTRL: P[k, i, j] = dh_k/dW_rec[i, j], Q[k, i, j] = dh_k/dW_in[i, j]
    P, Q = np.zeros((n, n, n)), np.zeros((n, n, n_in))
    d_rec, d_in = np.zeros_like(w.w_rec), np.zeros_like(w.w_in)
    eye = np.eye(n)
    for t in range(1, steps):
        gain = df[t][:, None, None] / tau
        P = (1 - 1 / tau) * P + gain * (np.tensordot(w.w_rec, P, axes=1) + eye[:, :, None] * f["h"][t - 1][None, None, :])
        Q = (1 - 1 / tau) * Q + gain * (np.tensordot(w.w_rec, Q, axes=1) + eye[:, :, None] * x[t][None, None, :])
        signal = w.w_out.T @ e[t]
        d_rec += np.tensordot(signal, P, axes=1)
        d_in += np.tensordot(signal, Q, axes=1)
    return loss, {"in": d_in, "rec": d_rec, "out": d_out}


def train(method: str, w: Weights, x: np.ndarray, target: np.ndarray, h0: np.ndarray, tau: float,
          eta: tuple[float, float, float]) -> tuple[Weights, np.ndarray]:
    """Gradient descent, one update at the end of every trial (the authors' offline updates),
    learning rates eta = (in, rec, out); x[trial, step, input] and target[trial, step, output],
    one trial after another. Returns the weights and the loss of every trial."""
    w = w.copy()
    losses = np.zeros(len(x))
    for k, (x_k, target_k) in enumerate(zip(x, target)):
        losses[k], g = gradient(method, w, x_k, target_k, h0, tau)
        w.w_in = w.w_in - eta[0] * g["in"]
        w.w_rec = w.w_rec - eta[1] * g["rec"]
        w.w_out = w.w_out - eta[2] * g["out"]
    return w, losses


def periodic_task(period: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The authors' periodic-output task: no input, one trial = one period of
    sin(2 pi t/P) + 0.5 sin(4 pi t/P) + 0.25 sin(8 pi t/P)."""
    t = np.arange(period)
    target = np.sin(2 * np.pi * t / period) + 0.5 * np.sin(4 * np.pi * t / period) + 0.25 * np.sin(8 * np.pi * t / period)
    return np.zeros((period, 1)), target[:, None]


CUE_STEP, PULSE_STEPS, BUMP_STEPS = 10, 5, 3.0  # the interval task's first cue, pulse length, bump width


def interval_task(intervals: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Interval matching (the timing task of Murray 2019): two input pulses of PULSE_STEPS
    steps, the first at CUE_STEP, the second `interval` steps later; the output must make a
    bump (a Gaussian of BUMP_STEPS steps' width) one interval after the second pulse began.
    One trial per interval: x[trial, step, 1], target[trial, step, 1]."""
    intervals = np.asarray(intervals, dtype=int)
    go = CUE_STEP + 2 * intervals
    if intervals.min() < PULSE_STEPS or go.max() + 3 * BUMP_STEPS >= steps:
        raise NeurosimsError(f"intervals {intervals.min()}-{intervals.max()} steps do not fit a trial of {steps} "
                             f"steps (the cues need {PULSE_STEPS} steps and the answer {CUE_STEP} + 2 intervals "
                             f"+ {3 * BUMP_STEPS:g})")
    t = np.arange(steps)
    x = np.zeros((len(intervals), steps, 1))
    for k, interval in enumerate(intervals):
        x[k, CUE_STEP:CUE_STEP + PULSE_STEPS] = 1.0
        x[k, CUE_STEP + interval:CUE_STEP + interval + PULSE_STEPS] = 1.0
    target = np.exp(-0.5 * ((t[None, :] - go[:, None]) / BUMP_STEPS) ** 2)
    return x, target[:, :, None]


def peak_error(y: np.ndarray, intervals: np.ndarray) -> float:
    """The interval task's timing error: the mean distance, in steps, of the output's largest
    value from the target bump's centre, over trials (y[trial, step])."""
    go = CUE_STEP + 2 * np.asarray(intervals)
    return float(np.mean(np.abs(np.argmax(y, axis=1) - go)))
