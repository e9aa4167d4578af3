"""Fast recurrent connections: a spike of neuron k adds Omega[n, k] to the voltage of neuron n.

The autapse Omega[k, k] < 0 plays the role of the reset.
"""

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25."
)
EQUATIONS = """
Omega : 1     # recurrent weight Omega[n, k] from presynaptic k to postsynaptic n
"""
ON_PRE = "V_post += Omega"
POST = "V : 1"
PARAMETERS = {}
