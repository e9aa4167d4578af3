"""Readout synapses that also carry the learning signal back: symmetric e-prop.

A spike adds the weight to the readout's input of the next step (as weighted_spike), and the
readout errors return to the recurrent neuron through the same weights,
L_j[q] = sum_k W_out[k, j] err_k[q] (Bellec et al. 2020, symmetric e-prop, Eq. 28 with
B = W_out^T). Replaces learning_signal_feedback; the summed variable is computed after the
readouts' END_OF_STEP code.
"""

KIND = "synapse"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625."
)
EQUATIONS = """
w : 1                          # readout weight W_out[k, j] (mV per spike, before zeta)
L_pre = w*err_post : 1 (summed)  # learning signal of the recurrent neuron j
"""
ON_PRE = "I_syn_post += w"
PRE = "L : 1"
POST = """
I_syn : 1
err : 1
"""
PARAMETERS = {}
