"""A rate connection: the target's summed input u_rec = sum_j w_ij h_j of the sources' rates
(computed before the target's step, so from h[t-1])."""

KIND = "synapse"
CITATION = "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299"
EQUATIONS = """
w : 1                              # weight
u_rec_post = w*h_pre : 1 (summed)  # recurrent input of the target
"""
PRE = "h : 1"
POST = "u_rec : 1"
PARAMETERS = {}
