"""A spike adds the synaptic weight to the target's input of the next step.

Spikes are delivered in the step they are emitted and integrated by the target in the next
one: one step of delay, the delay of every connection in NEST's e-prop models.
"""

KIND = "synapse"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625."
)
EQUATIONS = """
w : 1   # synaptic weight (mV per spike, before the input scaling zeta)
"""
ON_PRE = "I_syn_post += w"
POST = "I_syn : 1"
PARAMETERS = {}
