"""eRBP: event-driven random back-propagation (Neftci et al. 2017, Eq. 11).

On every presynaptic spike j -> i, in this order (the authors' peRBPConnection):
    transmit = 1 with probability p_transmit (blank-out; 1 - p_transmit is its probability;
               no random draw where p_transmit is 1)
    if transmitted and past the sample's first quiet_steps and b_min < I_i < b_max:
        w_ij += eta * U_i
    then the spike is transmitted through the new weight (synapses/erbp_feedforward).
One addition and two comparisons per synaptic event: the boxcar acts on the postsynaptic
synaptic current I (not V), the third factor is the dendrite U, which integrates the error
neurons' spikes through fixed random weights. A blanked-out event changes nothing. Every
update of a step sees I and U before that step's spikes arrive (the schedule runs the rule's
ON_PRE before any transmission; the authors' code reads them mid-delivery). Each synapse counts
its events that changed its weight (the fraction of events that learn).
"""
from brian2 import volt

KIND = "plasticity"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
SYNAPSE = """
w : volt
transmit : 1
"""
EQUATIONS = """
updates : 1  # events of this synapse that changed its weight since the run started
"""
ON_PRE = """
transmit = int(p_transmit >= 1 or rand() < p_transmit)
learn = transmit*int((int(t/dt + 0.5) % int(sample_steps)) > quiet_steps)*int(I_post > b_min)*int(I_post < b_max)
w += learn*eta*U_post
updates += learn
"""
POST = """
I : volt
U : volt
"""
LEARNING_RATES = ("eta",)
PARAMETERS = {
    "eta": (6e-4, "learning rate (weight change per synaptic event per volt of U)",
            "Neftci et al. 2017, Table 2 (eRBP+); HBPNeurorobotics/auryn d7c2e58 experiments/run_classification_mnist_deep_dual.py"),
    "b_min": (-1.15 * volt, "lower edge of the boxcar on the postsynaptic synaptic current I",
              "Neftci et al. 2017, Table 2 (b_min, b_max = -+1.15)"),
    "b_max": (1.15 * volt, "upper edge of the boxcar on I", "Neftci et al. 2017, Table 2"),
    "p_transmit": (1.0, "probability that a synaptic event is transmitted (1 - blank-out; 1: eRBP)",
                   "Neftci et al. 2017, Table 2 (eRBP+: blank-out off; peRBP: the driver's 0.65)"),
    "sample_steps": (2500, "steps of one training sample (250 ms at 0.1 ms)",
                     "HBPNeurorobotics/auryn d7c2e58 src/auryn/peRBPConnection.cpp propagate_forward (clock % 2500)"),
    "quiet_steps": (500, "steps at the start of each sample without learning (50 ms)",
                    "HBPNeurorobotics/auryn d7c2e58 src/auryn/peRBPConnection.cpp propagate_forward ((clock % 2500) > 500)"),
}
