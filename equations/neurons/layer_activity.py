"""A DECOLLE layer's activity in one unit: the sum of sigmoid(U) over the layer's neurons and
their number, summed from the layer every step (synapses/activity_sum), for the activity
regulariser of Eq. 9 (Kaiser et al. 2020), which needs the layer's mean."""

KIND = "neuron"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424 (Eq. 9)"
)
EQUATIONS = """
sigmoid_total : 1  # sum over the layer of sigmoid(U)
neurons : 1        # the layer's neurons
"""
PARAMETERS = {}
