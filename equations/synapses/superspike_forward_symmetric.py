"""A current-based synapse (as synapses/superspike_forward) that also carries the learning
signal back: symmetric feedback, L_j = sum_i w_ij L_i (Zenke & Ganguli 2018, Eq. 12 with
B = W^T; weights in mV as numbers, so L keeps the units of the error). The summed variable is
computed after the post group's own learning signal (the experiment orders them)."""

KIND = "synapse"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086"
)
EQUATIONS = """
w : volt                             # synaptic weight (jump of I per spike)
L_pre = (w/mV)*L_post : 1 (summed)   # the post neuron's learning signal, back through w
"""
ON_PRE = "I_post += w"
PRE = "L : 1"
POST = """
I : volt
L : 1
"""
PARAMETERS = {}
