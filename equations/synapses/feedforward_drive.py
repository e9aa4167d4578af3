"""Feedforward weights F: input unit j drives neuron n continuously with F[j, n] c_j(t)."""

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25."
)
EQUATIONS = """
F : 1                          # feedforward weight F[j, n]
I_ff_post = F*c_pre : Hz (summed)  # drive F^T c of neuron n
"""
PRE = "c : Hz"
POST = "I_ff : Hz"
PARAMETERS = {}
