"""Leaky readout neuron of e-prop with the cross-entropy learning signal (classification).

y[q] = kappa y[q-1] + zeta W_out z[q] as in eprop_readout; the class probabilities are the
softmax of y over the readouts, pi_k = exp(y_k)/sum_l exp(y_l) (norm is summed by a
softmax_normalisation synapse; exp(y) is computed once per step, not by every synapse that
reads err), and err[q] = pi[q] - pi*[q] inside the learning window
(Bellec et al. 2020, Eq. 4 and Methods; NEST eprop_readout_bsshslm_2020 with loss
cross_entropy). The target pi* is one-hot.
"""
from brian2 import ms

KIND = "neuron"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. "
    "doi:10.1038/s41467-020-17236-y. NEST 3.10 eprop_readout_bsshslm_2020."
)
EQUATIONS = """
y : 1       # readout membrane potential
I_syn : 1   # weights of the recurrent spikes of this step
expy : 1    # exp(y)
norm : 1    # sum over the readouts of exp(y) (softmax_normalisation synapses)
err = learning_window(t)*(expy/norm - y_target(t, i)) : 1  # error, 0 outside the window
"""
END_OF_STEP = """
y = exp(-dt/tau_out)*y + (1 - leaky_readout*exp(-dt/tau_out))*I_syn
expy = exp(y)
I_syn = 0
"""
NEW_SEQUENCE = """
y = 0
expy = 1
I_syn = 0
"""
TIMED_ARRAYS = {"y_target": 1, "learning_window": 1}
PARAMETERS = {
    "tau_out": (20 * ms, "time constant of the readout (kappa = exp(-dt/tau_out))",
                "Bellec et al. 2020, Methods; NEST eprop_readout_bsshslm_2020 tau_m"),
    "leaky_readout": (1.0, "1: readout input scaled by 1 - kappa (NEST regular_spike_arrival False)",
                      "NEST 3.10 eprop_readout_bsshslm_2020, regular_spike_arrival"),
}
