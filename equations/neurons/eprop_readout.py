"""Leaky readout neuron of e-prop with the mean-squared-error learning signal (regression).

y[q] = kappa y[q-1] + zeta W_out z[q], kappa = exp(-dt/tau_out), reading the recurrent spikes
of the same step; err[q] = y[q] - y*[q] inside the learning window, 0 outside (Bellec et al.
2020, Eq. 4 and Methods; NEST eprop_readout_bsshslm_2020 with loss mean_squared_error).
The error is fed back to the recurrent neurons as their learning signal.
"""
from brian2 import ms

KIND = "neuron"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. "
    "doi:10.1038/s41467-020-17236-y. NEST 3.10 eprop_readout_bsshslm_2020."
)
EQUATIONS = """
y : 1       # readout membrane potential: the network's output
I_syn : 1   # weights of the recurrent spikes of this step
err = learning_window(t)*(y - y_target(t, i)) : 1  # error, 0 outside the learning window
"""
END_OF_STEP = """
y = exp(-dt/tau_out)*y + (1 - leaky_readout*exp(-dt/tau_out))*I_syn
I_syn = 0
"""
NEW_SEQUENCE = """
y = 0
I_syn = 0
"""
TIMED_ARRAYS = {"y_target": 1, "learning_window": 1}
PARAMETERS = {
    "tau_out": (20 * ms, "time constant of the readout (kappa = exp(-dt/tau_out))",
                "Bellec et al. 2020, Methods; NEST eprop_readout_bsshslm_2020 tau_m"),
    "leaky_readout": (1.0, "1: readout input scaled by 1 - kappa (NEST regular_spike_arrival False)",
                      "NEST 3.10 eprop_readout_bsshslm_2020, regular_spike_arrival"),
}
