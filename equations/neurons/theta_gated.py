"""Theta (QIF) neuron with a gated synaptic current: a spiking network that is a smooth ODE.

The whole network is a smooth ODE system, so that the exact gradient of a task loss exists.

tau_m dtheta/dt = (1 - cos theta) + (1 + cos theta) I       (theta = 2 arctan v: QIF, v^2 + I)
tau_s ds/dt     = -s + g(theta) dtheta/dt
A spike is theta passing pi. The gate g is a raised cosine of width `gate_width` centred on
pi (modulo 2 pi) that integrates to 1: a full passage through the active zone delivers one
unit of synaptic charge (the integral of s), as a spike would; a partial entry a graded
amount (Huh & Sejnowski 2018, Eq. 4-6). I = I_syn + I_in + I0: recurrent (W s, W in
seconds), input (U x) and a trainable bias.
"""
from brian2 import ms

KIND = "neuron"
CITATION = (
    "Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. Advances in Neural "
    "Information Processing Systems 31 (arXiv:1706.04698). Theta neuron: Ermentrout GB, Kopell N "
    "(1986). SIAM J Appl Math 46:233-253."
)
EQUATIONS = """
dtheta/dt = ((1 - cos(theta)) + (1 + cos(theta))*I)/tau_m : 1  # phase; a spike is theta crossing pi
ds/dt = (-s + gate*((1 - cos(theta)) + (1 + cos(theta))*I)/tau_m)/tau_s : Hz  # synaptic output (charge 1 per spike)
gate = int(abs((theta % (2*pi)) - pi) < gate_width/2)*(1 + cos(2*pi*((theta % (2*pi)) - pi)/gate_width))/gate_width : 1  # g(theta)
I = I_syn + I_in + I0 : 1  # total input
I_syn : 1               # recurrent input W s (summed by the recurrent synapses)
I_in : 1                # external input U x (summed by the input synapses)
I0 : 1 (constant)       # trainable bias current
turns : 1               # completed passages through pi (for recording spikes)
"""
THRESHOLD = "floor((theta + pi)/(2*pi)) > turns"  # theta crossed pi (a spike, for rasters only)
RESET = "turns = floor((theta + pi)/(2*pi))"
PARAMETERS = {
    "tau_m": (10 * ms, "membrane time constant of the theta neuron",
              "Huh & Sejnowski 2018 (value chosen here within their range)"),
    "tau_s": (5 * ms, "synaptic time constant", "Huh & Sejnowski 2018; card: 5-10 ms"),
    "gate_width": (0.5, "width of the gate's active zone around theta = pi (radians)",
                   "Huh & Sejnowski 2018, Eq. 6 (value chosen here)"),
}
