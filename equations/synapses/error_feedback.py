"""Error feedback: the coding error x - x_hat projected on each neuron's feedforward weights.

Neuron n receives K F[:, n] . (x - x_hat), the current that teaches the network; with K = 0
the network runs on its own.
"""
from brian2 import Hz

KIND = "synapse"
CITATION = (
    "Bourdoukan R, Deneve S (2015). Enforcing balance allows local supervised learning in "
    "spiking recurrent networks. Advances in Neural Information Processing Systems 28, 982-990."
)
EQUATIONS = """
f : 1                                               # feedforward weight F[j, n]
I_fb_post = k_fb*f*(x_pre - x_hat_pre) : Hz (summed)  # error feedback into neuron n
"""
PRE = """
x : 1
x_hat : 1
"""
POST = "I_fb : Hz"
PARAMETERS = {
    "k_fb": (30 * Hz, "gain K of the error feedback (0 in the autonomous test)",
             "Bourdoukan & Deneve 2015, Eq. 6; value suggested by the reproduction card (10-50)"),
}
