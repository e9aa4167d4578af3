"""An output neuron's spike lowers its unit of the error signal (inputs/superspike_target) by
one spike: err = alpha * (target - output spikes). One to one, output i -> unit i."""

KIND = "synapse"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086"
)
EQUATIONS = ""
ON_PRE = """
err_d_post -= 1
err_r_post -= 1
"""
POST = """
err_d : 1
err_r : 1
"""
PARAMETERS = {}
