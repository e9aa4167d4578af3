"""Input weights of a differentiable network: I_in = U x, from analog input channels."""

KIND = "synapse"
CITATION = (
    "Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. Advances in Neural "
    "Information Processing Systems 31 (arXiv:1706.04698)."
)
EQUATIONS = """
u : 1                         # input weight U[post, channel]
I_in_post = u*x_pre : 1 (summed)  # input current
"""
PRE = "x : 1"
POST = "I_in : 1"
PARAMETERS = {}
