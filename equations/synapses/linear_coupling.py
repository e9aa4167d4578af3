"""Coupling between the units of a linear system: unit i adds A[j, i] x_i to dx_j/dt."""

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Deneve S (2015). Enforcing balance allows local supervised learning in "
    "spiking recurrent networks. Advances in Neural Information Processing Systems 28, 982-990."
)
EQUATIONS = """
a : Hz                         # system matrix entry A[j, i] (post j, pre i)
Ax_post = a*x_pre : Hz (summed)  # (A x)_j
"""
PRE = "x : 1"
POST = "Ax : Hz"
PARAMETERS = {}
