"""Continuous coupling through the gated synaptic output s: I_post = sum_pre w s_pre.

For the recurrent weights W (into I_syn) of a differentiable network; the input weights U and
the readout O are the same model with its variables renamed (`substitute`).
"""

KIND = "synapse"
CITATION = (
    "Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. Advances in Neural "
    "Information Processing Systems 31 (arXiv:1706.04698)."
)
EQUATIONS = """
w : second                     # weight (input per unit of synaptic output)
I_syn_post = w*s_pre : 1 (summed)  # input to the postsynaptic neuron
"""
PRE = "s : Hz"
POST = "I_syn : 1"
PARAMETERS = {}
