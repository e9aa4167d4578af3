"""A unit whose trace is always 1: a layer's bias is its weight onto every neuron of the
layer, learned by the same rule as the other weights (U = W P + b)."""

KIND = "input"
CITATION = "Kaiser J, Mostafa H, Neftci E (2020). DECOLLE. Front Neurosci 14:424 (Eq. 4, the bias b)"
EQUATIONS = """
P : 1  # 1, set by the experiment
"""
PARAMETERS = {}
