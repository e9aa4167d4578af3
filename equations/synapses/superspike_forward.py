"""A current-based synapse: a presynaptic spike adds w to the target's synaptic current I
(in volts: the voltage it drives), in the step it is emitted; the target integrates it from
the next step (the authors' Auryn IafPscExpGroup with ExpCubaSynapse)."""

KIND = "synapse"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086"
)
EQUATIONS = "w : volt  # synaptic weight (jump of I per spike)"
ON_PRE = "I_post += w"
POST = "I : volt"
PARAMETERS = {}
