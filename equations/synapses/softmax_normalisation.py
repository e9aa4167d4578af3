"""Normalisation of a softmax over a group of readouts: norm = sum_k exp(y_k), from each
readout's expy = exp(y_k).

Connect the readouts all-to-all (self included). Computed after the readouts' END_OF_STEP
code and before the learning signal.
"""

KIND = "synapse"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625."
)
EQUATIONS = """
norm_post = expy_pre : 1 (summed)  # sum over all readouts of exp(y)
"""
PRE = "expy : 1"
POST = "norm : 1"
PARAMETERS = {}
