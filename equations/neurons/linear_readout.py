"""Linear readout of a differentiable network: o = O s (summed by its synapses)."""

KIND = "neuron"
CITATION = (
    "Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. Advances in Neural "
    "Information Processing Systems 31 (arXiv:1706.04698)."
)
EQUATIONS = """
I_syn : 1  # the output o = O s
"""
PARAMETERS = {}
