"""A layer's activity unit back to every neuron of the layer: whether the layer's mean
sigmoid(U) is below the minimum activity of Eq. 9's second regulariser (low_activity, 0 or 1),
and 1/N for the mean over the layer (Kaiser et al. 2020, Eq. 9; decolle 0.2 DECOLLELoss)."""

KIND = "synapse"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). DECOLLE. Front Neurosci 14:424 (Eq. 9); decolle 0.2 "
    "base_model.DECOLLELoss"
)
EQUATIONS = """
low_activity_post = int(sigmoid_total_pre < min_activity*neurons_pre) : 1 (summed)
inv_n_post = 1/neurons_pre : 1 (summed)
"""
PRE = """
sigmoid_total : 1
neurons : 1
"""
POST = """
low_activity : 1
inv_n : 1
"""
PARAMETERS = {
    "min_activity": (0.1, "the layer's mean sigmoid(U) below which Eq. 9's activity regulariser acts",
                     "Kaiser et al. 2020, Eq. 9 (0.1); decolle 0.2 DECOLLELoss (relu(0.1 - mean sigmoid(U)))"),
}
