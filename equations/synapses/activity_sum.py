"""A layer's neurons onto its activity unit: the sum of sigmoid(U) and the count of neurons
(Kaiser et al. 2020, Eq. 9; sigmoid as in the authors' DECOLLELoss)."""

KIND = "synapse"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). DECOLLE. Front Neurosci 14:424 (Eq. 9); decolle 0.2 "
    "base_model.DECOLLELoss"
)
EQUATIONS = """
sigmoid_total_post = 1/(1 + exp(-U_pre)) : 1 (summed)
neurons_post = 1 : 1 (summed)
"""
PRE = "U : 1"
POST = """
sigmoid_total : 1
neurons : 1
"""
PARAMETERS = {}
