"""A layer's local readout weights: fixed random G, r_syn = G dS (Kaiser et al. 2020, Eq. 5)."""

KIND = "synapse"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
G : 1                                # readout weight G[k, i] (readout k, neuron i), fixed
r_syn_post = G*dS_pre : 1 (summed)
"""
PRE = "dS : 1"
POST = "r_syn : 1"
PARAMETERS = {}
