"""eRBP's neurons, error pathway and rule in NumPy, in discrete time: the reference the compiled
network is held to (tests/methods/erbp).

Given the visible neurons' spikes (they are stochastic; the test takes them from the compiled
run), everything else is deterministic without blank-out. One step, in the order of the
network's schedule (models/schedule.py):
    1. error neurons: V = max(V, 0)
    2. layers: V <- V e_m + I tau_syn/(tau_syn - tau_m) (e_syn - e_m) where not refractory
       (V held otherwise), I <- I e_syn, U <- U e_dend  (exact over the step; e_x = exp(-dt/tau_x))
    3. spikes: layers where V > v_th and not refractory; error neurons where V > v_th_err
    4. the rule, for every spike of a presynaptic neuron j and every target i, with I and U
       before this step's spikes arrive: w_ij += eta U_i if the step is past the sample's
       quiet steps and b_min < I_i < b_max
    5. transmission: I += W s (new weights); error V += +-w_err (labels, outputs); U += the
       error neurons' spikes through +-w_err (output) and +-B (hidden layers)
    6. resets: layers V = 0 (refractory for tau_ref from this step); error neurons V -= v_th_err
"""

from __future__ import annotations

import numpy as np


def run(params: dict, weights: list[np.ndarray], feedback: list[np.ndarray], w_err: float,
        visible: np.ndarray, n_pixels: int, dt: float, bounds: list[tuple[float, float]] | None = None) -> dict:
    """Run the network over the visible spikes `visible` (steps, n_pixels + classes; 0/1).
    weights[l]: W[post, pre]; feedback[l]: B[neuron, class]; bounds[l]: (b_min, b_max) of
    connection l (default: the parameters'). Returns V, I, U of every layer at the end of
    every step (steps, n), the spikes of every layer and the error neurons, the final weights."""
    p = params
    weights = [np.array(w, dtype=np.float64) for w in weights]
    n_layers, c = len(weights), weights[-1].shape[0]
    bounds = bounds or [(p["b_min"], p["b_max"])] * n_layers
    e_m, e_s, e_d = (np.exp(-dt / p[k]) for k in ("tau_m", "tau_syn", "tau_dend"))
    gain = p["tau_syn"] / (p["tau_syn"] - p["tau_m"]) * (e_s - e_m)
    ref_steps = int(round(p["tau_ref"] / dt))
    sizes = [w.shape[0] for w in weights]
    V, I, U = ([np.zeros(n) for n in sizes] for _ in range(3))
    last = [np.full(n, -10**9) for n in sizes]
    v_err = np.zeros(2 * c)
    steps = len(visible)
    record = {k: [np.zeros((steps, n)) for n in sizes] for k in ("V", "I", "U")}
    spikes = [np.zeros((steps, n), dtype=bool) for n in sizes]
    error_spikes = np.zeros((steps, 2 * c), dtype=bool)
    sample_steps, quiet = int(p["sample_steps"]), p["quiet_steps"]
    for n in range(steps):
        v_err = np.maximum(v_err, 0.0)
        fired = []
        for l in range(n_layers):
            active = (n - last[l]) >= ref_steps
            V[l] = np.where(active, V[l] * e_m + I[l] * gain, V[l])
            I[l] = I[l] * e_s
            U[l] = U[l] * e_d
            fired.append(active & (V[l] > p["v_th"]))
        err_fired = v_err > p["v_th_err"]
        pre = [visible[n, :n_pixels] > 0] + fired[:-1]
        window = (n % sample_steps) > quiet
        for l in range(n_layers):
            if window and pre[l].any():
                low, high = bounds[l]
                gate = (I[l] > low) & (I[l] < high)
                weights[l][:, pre[l]] += (p["eta"] * U[l] * gate)[:, None]
        for l in range(n_layers):
            I[l] = I[l] + weights[l][:, pre[l]].sum(axis=1)
        labels, outputs = visible[n, n_pixels:] > 0, fired[-1]
        drive = w_err * (labels.astype(float) - outputs)
        v_err = v_err + np.concatenate([drive, -drive])
        signed = err_fired[:c].astype(float) - err_fired[c:]
        U[-1] = U[-1] + w_err * signed
        for l, b in enumerate(feedback):
            U[l] = U[l] + b @ signed
        for l in range(n_layers):
            V[l] = np.where(fired[l], 0.0, V[l])
            last[l] = np.where(fired[l], n, last[l])
            spikes[l][n] = fired[l]
            for k, value in (("V", V[l]), ("I", I[l]), ("U", U[l])):
                record[k][l][n] = value
        v_err = np.where(err_fired, v_err - p["v_th_err"], v_err)
        error_spikes[n] = err_fired
    return {**record, "spikes": spikes, "error_spikes": error_spikes, "weights": weights}
