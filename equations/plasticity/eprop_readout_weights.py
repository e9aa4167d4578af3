"""e-prop for the readout weights: the readout error times the filtered presynaptic spikes.

g += err_k[q] zk_j[q], zk the spikes filtered with the readout kernel (Bellec et al. 2020,
Eq. 30).

zk lives on the presynaptic neuron; the synapse keeps only its accumulated gradient.
"""

KIND = "plasticity"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625."
)
SYNAPSE = "w : 1"
EQUATIONS = """
g : 1  # gradient accumulated since the last weight update
"""
END_OF_STEP = "g += err_post*zk_pre"
PRE = "zk : 1"
POST = "err : 1"
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {}
