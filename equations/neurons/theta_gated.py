"""Theta (QIF) neuron with a gated synaptic current: a spiking network that is a smooth map.

The continuous model (Huh & Sejnowski 2018, Eq. 4-6):
    tau_m dtheta/dt = (1 - cos theta) + (1 + cos theta) I     (theta = 2 arctan v: QIF, v^2 + I)
    tau_s ds/dt     = -s + g(theta) dtheta/dt
A spike is theta passing pi. The gate g is a raised cosine of width `gate_width` centred on pi
(modulo 2 pi) that integrates to 1: a full passage through the active zone delivers one unit
of synaptic charge (the integral of s), as a spike would; a partial entry a graded amount.
I = I_syn + I_in + I0: recurrent (W s, W in seconds), input (U x) and a trainable bias.
Neurons marked `slow` have synapses of time constant tau_slow (a departure from the paper,
for delayed memory; see experiments/delayed_memory_exact.py).

Integrated per step (PER_STEP) with I held over the step, by the neuron's exact flow: in
v = tan(theta/2) the neuron is a Riccati equation, whose flow is a Moebius map of v (c and
sigma are cos(sqrt z) and sin(sqrt z)/sqrt z, or cosh and sinh for z < 0, with Taylor series
near z = 0); the synaptic output takes the charge the step's passage covers, G(theta_new) -
G(theta) of the gate's cumulative integral G, with weights that make each spike's charge
exactly 1 at any dt. neurosims/methods/exact_gradient/network.py derives it and
differentiates the same map; forward Euler at dt = 1 ms gave gradients of ~1e12 (issue 20).
"""
from brian2 import ms

KIND = "neuron"
CITATION = (
    "Huh D, Sejnowski TJ (2018). Gradient descent for spiking neural networks. Advances in Neural "
    "Information Processing Systems 31 (arXiv:1706.04698). Theta neuron: Ermentrout GB, Kopell N "
    "(1986). SIAM J Appl Math 46:233-253."
)
EQUATIONS = """
theta : 1               # phase; a spike is theta crossing pi
s : Hz                  # synaptic output (charge 1 per spike)
I = I_syn + I_in + I0 : 1  # total input
I_syn : 1               # recurrent input W s (summed by the recurrent synapses)
I_in : 1                # external input U x (summed by the input synapses)
I0 : 1 (constant)       # trainable bias current
slow : 1 (constant)     # 1: this neuron's synapses are slow (tau_slow instead of tau_s)
turns : 1               # completed passages through pi (for recording spikes)
"""
PER_STEP = """
z = I*(dt/tau_m)**2
small = int(abs(z) < 0.01)
r = sqrt(abs(z)) + small
above = int(z > 0)
c = small*(1 - z/2 + z**2/24 - z**3/720 + z**4/40320) + (1 - small)*(above*cos(r) + (1 - above)*cosh(r))
sigma = small*(1 - z/6 + z**2/120 - z**3/5040 + z**4/362880) + (1 - small)*(above*sin(r) + (1 - above)*sinh(r))/r
cross = sigma*(dt/tau_m)*((1 - cos(theta)) + I*(1 + cos(theta)))/2
dot = c + sigma*(dt/tau_m)*(I - 1)*sin(theta)/2
theta_new = theta + 4*arctan(cross/(sqrt(cross**2 + dot**2) + dot))
k_old = floor(theta/(2*pi))
p_old = theta - 2*pi*k_old - pi
k_new = floor(theta_new/(2*pi))
p_new = theta_new - 2*pi*k_new - pi
G_old = k_old + clip(p_old/gate_width + 0.5, 0, 1) + int(abs(p_old) < gate_width/2)*sin(2*pi*p_old/gate_width)/(2*pi)
G_new = k_new + clip(p_new/gate_width + 0.5, 0, 1) + int(abs(p_new) < gate_width/2)*sin(2*pi*p_new/gate_width)/(2*pi)
tau_syn = tau_s + slow*(tau_slow - tau_s)
s = exp(-dt/tau_syn)*s + (1 - exp(-dt/tau_syn))*(G_new - G_old)/dt
theta = theta_new
"""
THRESHOLD = "floor((theta + pi)/(2*pi)) > turns"  # theta crossed pi (a spike, for rasters only)
RESET = "turns = floor((theta + pi)/(2*pi))"
PARAMETERS = {
    "tau_m": (10 * ms, "membrane time constant of the theta neuron",
              "Huh & Sejnowski 2018 (value chosen here within their range)"),
    "tau_s": (5 * ms, "synaptic time constant", "Huh & Sejnowski 2018; card: 5-10 ms"),
    "tau_slow": (150 * ms, "synaptic time constant of the slow neurons (slow = 1)",
                 "this project's departure from Huh & Sejnowski 2018 (issue 20): a slow variable for "
                 "delayed memory, in the 100-200 ms of NMDA-like synapses"),
    "gate_width": (0.5, "width of the gate's active zone around theta = pi (radians)",
                   "Huh & Sejnowski 2018, Eq. 6 (value chosen here)"),
}
