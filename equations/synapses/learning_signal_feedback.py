"""Learning signal: the readouts' errors broadcast to the recurrent neurons through fixed weights.

L_j[q] = sum_k B_jk err_k[q] (Bellec et al. 2020, Eq. 28). B is random and fixed (random
e-prop, feedback alignment) or equal to W_out transposed (symmetric e-prop); the experiment
chooses. The summed variable is computed after the readouts' END_OF_STEP code, so L[q] uses
err[q] of the same step.
"""

KIND = "synapse"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625."
)
EQUATIONS = """
B : 1 (constant)             # feedback weight from readout k to neuron j
L_post = B*err_pre : 1 (summed)  # learning signal of neuron j
"""
PRE = "err : 1"
POST = "L : 1"
PARAMETERS = {}
