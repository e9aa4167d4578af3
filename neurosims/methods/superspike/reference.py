"""SuperSpike's network and rule in NumPy, in discrete time: the reference the compiled network
is held to (tests/methods/superspike).

One step n (t = n dt), in the order of the network's schedule (models/schedule.py):
    1. weight update, if n is a multiple of update_steps: v = max(g^2, gamma v),
       w = clip(w - eta g/(sqrt(v) + epsilon), -w_max, w_max), g = 0
    2. integration, exact over the step: inputs' and layers' x <- x e_s, psp <- psp e_m +
       x a; layers' U <- U_rest + (U - U_rest) e_m + I a where not refractory (held otherwise),
       I <- I e_s; the error traces decay (e_x = exp(-dt/tau_x), a = tau_s/(tau_s - tau_m) (e_s - e_m))
    3. sigma = (1 + beta |U - theta|)^-2
    4. spikes: inputs and targets from their rasters, layers where U > theta and not refractory
    5. transmission: I += W s; each output spike lowers its error traces by 1
    6. resets: U = U_rest, x += 1 (refractory from this step); each target spike raises its
       error traces by 1
    7. err = err_d - err_r; sq_err += err^2 dt; L_out = err; L_hidden = B err (B = W_out^T in mV
       with symmetric feedback); every synapse: lam_x <- lam_x e_x + sigma_post psp_pre dt/tau_decay,
       g -= L_post (lam_d - lam_r) dt/tau_decay
"""

from __future__ import annotations

import numpy as np


def run(params: dict, state: dict, inputs: np.ndarray, targets: np.ndarray, dt: float, update_steps: int,
        feedback: np.ndarray | None = None) -> dict:
    """Run over input and target rasters (steps, n; 0/1). state: W{l}, g{l}, v_rms{l} as
    matrices [post, pre] for each layer l (one layer: no hidden layer); feedback: B[hidden,
    output], or None for symmetric feedback. Returns U, L and sigma of every layer and the
    error at the end of every step, the spikes of every layer, sq_err, the final w, g, v_rms,
    lam_d, lam_r of every layer."""
    p = params
    n_layers = sum(1 for k in state if k.startswith("w"))
    w = [np.array(state[f"w{l}"], dtype=np.float64) for l in range(n_layers)]
    g = [np.array(state[f"g{l}"], dtype=np.float64) for l in range(n_layers)]
    v = [np.array(state[f"v_rms{l}"], dtype=np.float64) for l in range(n_layers)]
    lam_d, lam_r = [np.zeros_like(x) for x in w], [np.zeros_like(x) for x in w]
    sizes = [w[0].shape[1]] + [x.shape[0] for x in w]
    e_s, e_m = np.exp(-dt / p["tau_syn"]), np.exp(-dt / p["tau_mem"])
    gain = p["tau_syn"] / (p["tau_syn"] - p["tau_mem"]) * (e_s - e_m)
    e_d, e_r = np.exp(-dt / p["tau_decay"]), np.exp(-dt / p["tau_rise"])
    gamma = np.exp(-p["update_period"] / p["tau_rms"])
    ref_steps = int(round(p["tau_ref"] / dt))
    x = [np.zeros(n) for n in sizes[:-1]]  # presynaptic traces of the inputs and the hidden layer
    psp = [np.zeros(n) for n in sizes[:-1]]
    U = [np.full(n, p["U_rest"]) for n in sizes[1:]]
    I = [np.zeros(n) for n in sizes[1:]]
    last = [np.full(n, -10**9) for n in sizes[1:]]
    err_d, err_r = np.zeros(sizes[-1]), np.zeros(sizes[-1])
    sq_err = np.zeros(sizes[-1])
    steps = len(inputs)
    record = {k: [np.zeros((steps, n)) for n in sizes[1:]] for k in ("U", "L", "sigma")}
    record["err"] = np.zeros((steps, sizes[-1]))
    spikes = [np.zeros((steps, n), dtype=bool) for n in sizes[1:]]
    for n in range(steps):
        if n % update_steps == 0:
            for l in range(n_layers):
                v[l] = np.maximum(g[l] ** 2, gamma * v[l])
                w[l] = np.clip(w[l] - p["eta"] * g[l] / (np.sqrt(v[l]) + p["epsilon"]), -p["w_max"], p["w_max"])
                g[l] = np.zeros_like(g[l])
        for l in range(len(x)):
            psp[l] = psp[l] * e_m + x[l] * gain
            x[l] = x[l] * e_s
        fired, sigma = [], []
        for l in range(n_layers):
            active = (n - last[l]) >= ref_steps
            U[l] = np.where(active, p["U_rest"] + (U[l] - p["U_rest"]) * e_m + I[l] * gain, U[l])
            I[l] = I[l] * e_s
            sigma.append(1 / (1 + p["beta"] * np.abs(U[l] - p["theta"])) ** 2)
            fired.append(active & (U[l] > p["theta"]))
        err_d, err_r = err_d * e_d, err_r * e_r
        pre = [inputs[n] > 0.5] + fired[:-1]
        for l in range(n_layers):
            I[l] = I[l] + w[l][:, pre[l]].sum(axis=1)
        err_d, err_r = err_d - fired[-1], err_r - fired[-1]
        for l in range(n_layers):
            U[l] = np.where(fired[l], p["U_rest"], U[l])
            last[l] = np.where(fired[l], n, last[l])
            spikes[l][n] = fired[l]
        for l in range(len(x)):
            x[l] = x[l] + pre[l]
        err_d, err_r = err_d + (targets[n] > 0.5), err_r + (targets[n] > 0.5)
        err = err_d - err_r
        sq_err += err ** 2 * dt
        L = [None] * n_layers
        L[-1] = err
        if n_layers == 2:
            L[0] = (w[1].T / 1e-3) @ err if feedback is None else feedback @ err
        for l in range(n_layers):
            drive = np.outer(sigma[l], psp[l]) * dt / p["tau_decay"]
            lam_d[l] = lam_d[l] * e_d + drive
            lam_r[l] = lam_r[l] * e_r + drive
            g[l] = g[l] - L[l][:, None] * (lam_d[l] - lam_r[l]) * dt / p["tau_decay"]
            for k, value in (("U", U[l]), ("L", L[l]), ("sigma", sigma[l])):
                record[k][l][n] = value
        record["err"][n] = err
    return {**record, "spikes": spikes, "sq_err": sq_err, "w": w, "g": g, "v_rms": v, "lam_d": lam_d, "lam_r": lam_r}
