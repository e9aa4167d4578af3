"""An input connection of a rate network: u_in = sum_j w_ij x_j (fixed weights)."""

KIND = "synapse"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
EQUATIONS = """
w : 1                             # weight
u_in_post = w*x_pre : 1 (summed)  # external input of the target
"""
PRE = "x : 1"
POST = "u_in : 1"
PARAMETERS = {}
