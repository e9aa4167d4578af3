"""A readout connection of a rate network: y = sum_j w_kj h_j (after the units' step)."""

KIND = "synapse"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
EQUATIONS = """
w : 1                          # weight
y_post = w*h_pre : 1 (summed)  # the readout's output
"""
PRE = "h : 1"
POST = "y : 1"
PARAMETERS = {}
