"""Analog input channels: x_k(t) read from a TimedArray the experiment fills."""

KIND = "input"
CITATION = (
    "Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. Advances in Neural "
    "Information Processing Systems 31 (arXiv:1706.04698)."
)
EQUATIONS = """
x = x_in(t, i) : 1  # input channel k
"""
TIMED_ARRAYS = {"x_in": 1}
PARAMETERS = {}
