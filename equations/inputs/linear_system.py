"""Units holding the state x of the linear dynamical system a network learns: dx/dt = A x + c.

Unit j reads c_j(t) from the TimedArray c_in; the coupling A x arrives through
linear_coupling synapses between the units, and the network's estimate x_hat = D r through
decoder_readout synapses from the neurons. The error x - x_hat is what error_feedback
synapses send back to the neurons.
"""

from brian2 import Hz

KIND = "input"
CITATION = (
    "Bourdoukan R, Deneve S (2015). Enforcing balance allows local supervised learning in "
    "spiking recurrent networks. Advances in Neural Information Processing Systems 28, 982-990."
)
EQUATIONS = """
c = c_in(t, i) : Hz        # input c_j(t)
dx/dt = Ax + c : 1         # state x_j of the target system
Ax : Hz                    # (A x)_j, summed over linear_coupling synapses
x_hat : 1                  # network estimate (D r)_j, summed over decoder_readout synapses
"""
TIMED_ARRAYS = {"c_in": Hz}
PARAMETERS = {}
