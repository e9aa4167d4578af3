"""A one-to-one link: the target reads the source's spikes of this step (S_in = S)."""

KIND = "synapse"
CITATION = "Kaiser J, Mostafa H, Neftci E (2020). DECOLLE. Front Neurosci 14:424 (a layer's input spikes)"
EQUATIONS = """
S_in_post = S_pre : 1 (summed)
"""
PRE = "S : 1"
POST = "S_in : 1"
PARAMETERS = {}
