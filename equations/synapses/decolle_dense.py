"""A dense DECOLLE connection: the layer's input U_ff = sum_j w_ij P_j, every step, from the
input traces (Kaiser et al. 2020, Eq. 4)."""

KIND = "synapse"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
w : 1                              # weight W[i, j] (post i, pre j)
U_ff_post = w*P_pre : 1 (summed)   # the layer's input
"""
PRE = "P : 1"
POST = "U_ff : 1"
PARAMETERS = {}
