"""Slow recurrent connections: neuron k drives neuron n with Omega_s[n, k] r_k, through its
filtered spike train rather than its spikes."""

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Deneve S (2015). Enforcing balance allows local supervised learning in "
    "spiking recurrent networks. Advances in Neural Information Processing Systems 28, 982-990."
)
EQUATIONS = """
Omega_s : Hz                             # slow weight Omega_s[n, k] (post n, pre k)
I_slow_post = Omega_s*r_pre : Hz (summed)  # slow current into neuron n
"""
PRE = "r : 1"
POST = "I_slow : Hz"
PARAMETERS = {}
