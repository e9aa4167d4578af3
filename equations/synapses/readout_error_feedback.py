"""The local readout's error back to its layer through the same fixed weights:
err_i = sum_k G[k, i] err_r_k = dL/dS_i (Kaiser et al. 2020, Eq. 8)."""

KIND = "synapse"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
G : 1                              # G[k, i] (pre: readout k, post: neuron i), the readout's weights
err_post = G*err_r_pre : 1 (summed)
"""
PRE = "err_r : 1"
POST = "err : 1"
PARAMETERS = {}
