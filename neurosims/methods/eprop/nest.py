"""The same e-prop network run by NEST 3.10 (`eprop_*_bsshslm_2020` models), as a reference and a
speed peer. Optional: needs `pip install neurosims[nest]` (nest-simulator); never imported by
the rest of the library.

Regression networks (LIF neurons, one or more leaky readouts, mean squared error, gradient
descent, batches of one trial), as in NEST's sine-wave example, and classification networks
(LIF and ALIF neurons, softmax readouts, cross-entropy in a learning window at the end of each
trial, Adam on batches), as in its evidence-accumulation example. Every connection has NEST's
minimum delay of one step; a generator spike at 1 + m T + q reaches the recurrent neurons in
step q of trial m (through a parrot neuron), which is the step neurosims' input x[m, q] arrives.
NEST applies an update when the next presynaptic spike arrives: a final strong spike into every
presynaptic neuron flushes the last one, as NEST's examples do.

Known difference (measured in NEST 3.10): an input synapse whose first spike of trial m + 1
arrives in its step 1 computes trial m's gradient before the learning signal of trial m's last
step has arrived, so it uses 0 for it. neurosims uses that step's learning signal, as the rule
(and the TensorFlow original, whose losses neurosims reproduces) does.

The agreement, stated here once (tests/methods/eprop/test_nest.py and test_nest_testsuite.py
hold it):
- NEST's sine-wave example, seed 1, the same weights, input spikes, target and learning rate:
  over 10 iterations the per-iteration losses agree to 9e-16 relative and the readout signals
  to 4e-17, and the weights differ by at most 8e-7 (the difference above). From the 11th
  iteration on, that difference has changed a spike and the losses drift apart: by up to 1.9%
  over 40 and over 200 iterations, with the same final loss (ratio 0.999 after 200;
  BENCHMARKS.md).
- NEST's own e-prop tests (nest_testsuite.py): losses to 1e-15 (regression) and 2e-16
  (classification, batches of 1 and 2), weights after 5 updates to 1e-15 where no input spike
  falls in a trial's step 1. In batches of 32 (benchmarks/eprop_evidence_vs_nest.py) the input
  weights of the inputs that do differ by 5e-5 after one update, and the difference changed a
  spike in the 8th trial of the 4th iteration (a membrane potential 2.6e-6 below threshold in
  neurosims); the losses then part by up to 1.2% over 10 iterations.
"""

from __future__ import annotations

import os
import time

import numpy as np

from neurosims.errors import NeurosimsError


def import_nest():
    os.environ.setdefault("PYNEST_QUIET", "1")  # no banner
    try:
        import nest
    except ImportError:
        raise NeurosimsError("NEST is not installed: pip install 'neurosims[nest]'") from None
    return nest


def run_regression(W: dict, B: np.ndarray, x: np.ndarray, target: np.ndarray, p: dict) -> dict:
    """Train a regression network (LIF neurons, gradient descent after every trial) on trials
    x[trial, q, input] with targets target[trial, q, readout]; see `run`."""
    return run(W, B, x, target, p, window=np.ones(x.shape[1]), batch=1, adaptive=np.zeros(W["rec"].shape[0]),
               classifier=False)


def run(W: dict, B: np.ndarray, x: np.ndarray, target: np.ndarray, p: dict, window: np.ndarray, batch: int,
        adaptive: np.ndarray, classifier: bool) -> dict:
    """Train on trials x[trial, q, input] with targets target[trial, q, readout], the weights
    updated after every `batch` trials. `p` holds plain numbers in SI units (tau_m, v_th, c_reg,
    f_target, eta, ...). The recurrent neurons whose `adaptive` flag is 1 are ALIF
    (eprop_iaf_adapt_bsshslm_2020; NEST's examples put them after the LIF ones). Regression:
    mean squared error, gradient descent, the gradient summed over the trial. Classification
    (NEST's evidence-accumulation example): softmax readouts (each readout's signal sent to the
    others by rate connections), cross-entropy in the learning window (the last
    `window.sum()` steps of a trial), Adam on the gradient averaged over the window and the
    batch. Returns the per-trial losses (0.5 sum_q (y - y*)^2, or -mean over the window of
    sum_k pi*_k log pi_k), the readout y[trial, q, readout] (the softmax pi for
    classification), the final weights, the seconds spent building and simulating, and the
    recurrent neurons' spikes (neuron, step counted from the first trial's start)."""
    nest = import_nest()
    started = time.perf_counter()
    n_trials, steps, n_in = x.shape
    n_out = W["out"].shape[0]
    adaptive = np.asarray(adaptive, dtype=bool)
    if np.any(np.diff(adaptive.astype(int)) < 0):
        raise NeurosimsError("NEST's networks put the adaptive neurons after the LIF ones")
    learning_window = int(window.sum())
    if classifier and not np.all(window[steps - learning_window:] > 0.5):
        raise NeurosimsError("NEST's learning window is the last steps of a trial")
    dt = 1000.0 * p["dt"]  # ms
    sequence = steps * dt
    task = n_trials * sequence
    offset = 4 * dt  # generator -> parrot -> recurrent -> readout -> recorded signal

    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.set(eprop_learning_window=learning_window * dt, eprop_reset_neurons_on_update=True,
             eprop_update_interval=sequence, print_time=False, resolution=dt, total_num_virtual_procs=1)
    rec_params = dict(C_m=1.0, E_L=0.0, I_e=0.0, V_m=0.0, V_th=p["v_th"], tau_m=1000.0 * p["tau_m"],
                      t_ref=1000.0 * p["t_ref"], c_reg=p["c_reg"], f_target=p["f_target"],
                      regular_spike_arrival=not p["leaky_input"], surrogate_gradient_function="piecewise_linear",
                      surrogate_gradient_height=p["gamma"] / p["v_th"], surrogate_gradient_width=p["v_th"],
                      flush_event_send_interval=sequence)
    out_params = dict(C_m=1.0, E_L=0.0, I_e=0.0, V_m=0.0, tau_m=1000.0 * p["tau_out"],
                      loss="cross_entropy" if classifier else "mean_squared_error",
                      regular_spike_arrival=not p["leaky_readout"])
    generators = nest.Create("spike_generator", n_in)
    inputs = nest.Create("parrot_neuron", n_in)
    rec = nest.Create("eprop_iaf_bsshslm_2020", int(np.sum(~adaptive)), rec_params)
    if np.any(adaptive):
        alif = dict(rec_params, adapt_tau=1000.0 * p["adapt_tau"], adapt_beta=p["adapt_beta"], adaptation=0.0)
        rec = rec + nest.Create("eprop_iaf_adapt_bsshslm_2020", int(np.sum(adaptive)), alif)
    out = nest.Create("eprop_readout_bsshslm_2020", n_out, out_params)
    targets = nest.Create("step_rate_generator", n_out)
    recorder = nest.Create("multimeter", dict(interval=dt, record_from=["readout_signal"], start=offset,
                                              stop=offset + task))
    if classifier:
        optimizer = {"type": "adam", "batch_size": batch, "beta_1": p["beta_1"], "beta_2": p["beta_2"],
                     "epsilon": p["epsilon"], "eta": p["eta"], "Wmin": p["w_min"], "Wmax": p["w_max"]}
    else:
        optimizer = {"type": "gradient_descent", "batch_size": batch, "eta": p["eta"], "Wmin": p["w_min"],
                     "Wmax": p["w_max"]}
    nest.SetDefaults("eprop_synapse_bsshslm_2020", {"optimizer": optimizer, "average_gradient": classifier})
    plastic = {"synapse_model": "eprop_synapse_bsshslm_2020", "delay": dt, "tau_m_readout": 1000.0 * p["tau_out"]}
    all_to_all = {"rule": "all_to_all", "allow_autapses": False}
    one_to_one = {"rule": "one_to_one"}
    nest.Connect(generators, inputs, one_to_one, {"synapse_model": "static_synapse", "delay": dt})
    nest.Connect(inputs, rec, all_to_all, dict(plastic, weight=W["in"].astype(float)))
    nest.Connect(rec, rec, all_to_all, dict(plastic, weight=W["rec"].astype(float)))
    nest.Connect(rec, out, all_to_all, dict(plastic, weight=W["out"].astype(float)))
    nest.Connect(out, rec, all_to_all, {"synapse_model": "eprop_learning_signal_connection_bsshslm_2020",
                                        "delay": dt, "weight": B.astype(float)})
    nest.Connect(targets, out, one_to_one, {"synapse_model": "rate_connection_delayed", "delay": dt,
                                            "receptor_type": 2})
    if classifier:  # the softmax's normalisation: every readout's signal to the others
        nest.Connect(out, out, all_to_all, {"synapse_model": "rate_connection_delayed", "delay": dt,
                                            "receptor_type": 1, "weight": 1.0})
    nest.Connect(recorder, out, all_to_all, {"synapse_model": "static_synapse", "delay": dt})
    spike_recorder = nest.Create("spike_recorder", {"start": 0.0, "stop": task + dt})
    nest.Connect(rec, spike_recorder)

    arrive = x.astype(bool).copy()
    arrive[:, 0] = False  # NEST drops input arriving in a trial's first step
    trial_start = np.arange(n_trials)[:, None] * sequence
    generators.set([{"spike_times": (trial_start + dt * np.arange(steps) + dt)[arrive[:, :, i]].astype(float)}
                    for i in range(n_in)])
    targets.set([{"amplitude_times": offset + dt * np.arange(n_trials * steps),
                  "amplitude_values": target[:, :, k].ravel()} for k in range(n_out)])
    flush = nest.Create("spike_generator", 1, {"spike_times": [task + 3 * dt]})
    nest.Connect(flush, inputs + rec, "all_to_all", {"weight": 1000.0})
    built = time.perf_counter()
    nest.Simulate(task + 5 * dt)
    simulated = time.perf_counter()

    events = recorder.get("events")
    order = np.lexsort((np.asarray(events["senders"]), np.asarray(events["times"])))
    y = np.asarray(events["readout_signal"])[order].reshape(n_trials, steps, n_out)
    final = {}
    for key, (pre, post) in {"in": (inputs, rec), "rec": (rec, rec), "out": (rec, out)}.items():
        c = nest.GetConnections(pre, post).get(["source", "target", "weight"])
        matrix = np.zeros((len(post), len(pre)))
        matrix[np.asarray(c["target"]) - post[0].global_id, np.asarray(c["source"]) - pre[0].global_id] = c["weight"]
        final[key] = matrix
    if classifier:
        inside = np.arange(steps) >= steps - learning_window
        loss = -np.mean(np.sum(target[:, inside] * np.log(y[:, inside]), axis=2), axis=1)
    else:
        loss = 0.5 * np.sum((y - target) ** 2, axis=(1, 2))
    spikes = spike_recorder.get("events")
    # a spike in step q of trial m is recorded at 3 + m T + q (measured against neurosims' spikes)
    step = np.rint(np.asarray(spikes["times"]) / dt).astype(int) - 3
    return {"loss": loss, "y": y, "weights": final, "build_s": built - started, "simulate_s": simulated - built,
            "spikes": (np.asarray(spikes["senders"]) - rec[0].global_id, step)}
