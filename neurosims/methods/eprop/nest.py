"""The same e-prop network run by NEST 3.10 (`eprop_*_bsshslm_2020` models), as a reference and a
speed peer. Optional: needs `pip install neurosims[nest]` (nest-simulator); never imported by
the rest of the library.

Regression networks (LIF neurons, one or more leaky readouts, mean squared error, gradient
descent, batches of one trial), as in NEST's sine-wave example. Every connection has NEST's
minimum delay of one step; a generator spike at 1 + m T + q reaches the recurrent neurons in
step q of trial m (through a parrot neuron), which is the step neurosims' input x[m, q] arrives.
NEST applies an update when the next presynaptic spike arrives: a final strong spike into every
presynaptic neuron flushes the last one, as NEST's examples do.

Known difference (measured in NEST 3.10): an input synapse whose first spike of trial m + 1
arrives in its step 1 computes trial m's gradient before the learning signal of trial m's last
step has arrived, so it uses 0 for it. neurosims uses that step's learning signal.

The agreement, stated here once (measured on NEST's sine-wave example, seed 1, the same
weights, input spikes, target and learning rate; tests/methods/eprop/test_nest.py holds the
first part): over 10 iterations the per-iteration losses agree to 9e-16 relative and the
readout signals to 4e-17, and the weights differ by at most 8e-7 (the difference above). From
the 11th iteration on, that difference has changed a spike and the losses drift apart: by up
to 1.9% over 40 and over 200 iterations, with the same final loss (ratio 0.999 after 200;
BENCHMARKS.md).
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
    """Train on trials x[trial, q, input] with targets target[trial, q, readout]. `p` holds plain
    numbers in SI units (tau_m, v_th, c_reg, f_target, eta, ...). Returns the per-trial losses
    0.5 sum_q (y - y*)^2, the readout y[trial, q, readout], the final weights and the seconds
    spent building and simulating the network."""
    nest = import_nest()
    started = time.perf_counter()
    n_trials, steps, n_in = x.shape
    n_rec, n_out = W["rec"].shape[0], W["out"].shape[0]
    dt = 1000.0 * p["dt"]  # ms
    sequence = steps * dt
    task = n_trials * sequence
    offset = 4 * dt  # generator -> parrot -> recurrent -> readout -> recorded signal

    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.set(eprop_learning_window=sequence, eprop_reset_neurons_on_update=True, eprop_update_interval=sequence,
             print_time=False, resolution=dt, total_num_virtual_procs=1)
    rec_params = dict(C_m=1.0, E_L=0.0, I_e=0.0, V_m=0.0, V_th=p["v_th"], tau_m=1000.0 * p["tau_m"],
                      t_ref=1000.0 * p["t_ref"], c_reg=p["c_reg"], f_target=p["f_target"],
                      regular_spike_arrival=not p["leaky_input"], surrogate_gradient_function="piecewise_linear",
                      surrogate_gradient_height=p["gamma"] / p["v_th"], surrogate_gradient_width=p["v_th"],
                      flush_event_send_interval=sequence)
    out_params = dict(C_m=1.0, E_L=0.0, I_e=0.0, V_m=0.0, tau_m=1000.0 * p["tau_out"], loss="mean_squared_error",
                      regular_spike_arrival=not p["leaky_readout"])
    generators = nest.Create("spike_generator", n_in)
    inputs = nest.Create("parrot_neuron", n_in)
    rec = nest.Create("eprop_iaf_bsshslm_2020", n_rec, rec_params)
    out = nest.Create("eprop_readout_bsshslm_2020", n_out, out_params)
    targets = nest.Create("step_rate_generator", n_out)
    recorder = nest.Create("multimeter", dict(interval=dt, record_from=["readout_signal"], start=offset,
                                              stop=offset + task))
    nest.SetDefaults("eprop_synapse_bsshslm_2020", {
        "optimizer": {"type": "gradient_descent", "batch_size": 1, "eta": p["eta"], "Wmin": p["w_min"],
                      "Wmax": p["w_max"]},
        "average_gradient": False})
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
    nest.Connect(recorder, out, all_to_all, {"synapse_model": "static_synapse", "delay": dt})

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
    return {"loss": 0.5 * np.sum((y - target) ** 2, axis=(1, 2)), "y": y, "weights": final,
            "build_s": built - started, "simulate_s": simulated - built}
