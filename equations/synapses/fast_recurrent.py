"""Fast recurrent connections: a spike of neuron k adds Omega[n, k] to the voltage of neuron n.

The autapse Omega[k, k] < 0 plays the role of the reset. The input arrives in the next step,
after its leak (the neuron's `kick`; Brendel et al. 2020, Learning.m).
"""

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25."
)
EQUATIONS = """
Omega : 1     # recurrent weight Omega[n, k] from presynaptic k to postsynaptic n
"""
ON_PRE = "kick_post += Omega"
POST = "kick : 1"
PARAMETERS = {}
