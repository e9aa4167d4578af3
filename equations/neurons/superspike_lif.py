"""SuperSpike's current-based leaky integrate-and-fire neuron, with the surrogate derivative
and the presynaptic trace the rule reads (Zenke & Ganguli 2018, Eqs. 1-2 and 9).

    tau_mem dU/dt = U_rest - U + I     (U held at U_rest while refractory)
    tau_syn dI/dt = -I                 (a spike through weight w: I += w, w in volts)
    spike when U > theta: U = U_rest, refractory for tau_ref

The surrogate derivative is the fast sigmoid's, sigma'(U) = (1 + beta |U - theta|)^-2
(dimensionless; the paper's form), computed after integration and before the reset, so a
spike sees it at its peak. The neuron's own spikes, as seen by its targets, are the
presynaptic trace of the rule: x jumps by 1 at a spike and decays with tau_syn, psp follows x
with tau_mem, so psp is exactly the PSP a unit weight makes in a target with the same time
constants (the paper's epsilon * S_j; the authors' tr_pre and tr_pre_psp). L is the learning
signal the network feeds back to this neuron (a summed variable of the feedback synapses).
"""
from brian2 import mV, ms

KIND = "neuron"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086"
)
EQUATIONS = """
dU/dt = (U_rest - U + I)/tau_mem : volt (unless refractory)  # membrane potential
dI/dt = -I/tau_syn : volt            # synaptic current (as the voltage it drives)
dx/dt = -x/tau_syn : 1               # this neuron's spikes, filtered by its synapses
dpsp/dt = (x - psp)/tau_mem : 1      # ... and by its targets' membranes: the PSP of a unit weight
sigma : 1                            # surrogate derivative sigma'(U)
L : 1                                # learning signal fed back to this neuron
count : 1                            # spikes since the run started
"""
PER_STEP = "sigma = 1/(1 + beta*abs(U - theta))**2"
THRESHOLD = "U > theta"
RESET = """
U = U_rest
x += 1
count += 1
"""
REFRACTORY = "tau_ref"
PARAMETERS = {
    "tau_mem": (10 * ms, "membrane time constant", "Zenke & Ganguli 2018, Methods; fzenke/pub2018superspike sim/sim_symfb.cpp (set_tau_mem 10e-3)"),
    "tau_syn": (5 * ms, "synaptic time constant", "Zenke & Ganguli 2018, Methods; fzenke/auryn src/auryn/IafPscExpGroup.cpp (tau_syn 5e-3)"),
    "U_rest": (-60 * mV, "resting and reset potential", "fzenke/auryn src/auryn/IafPscExpGroup.cpp (e_rest -60e-3)"),
    "theta": (-50 * mV, "firing threshold", "Zenke & Ganguli 2018, Methods; fzenke/auryn src/auryn/IafPscExpGroup.cpp (thr -50e-3)"),
    "tau_ref": (5 * ms, "refractory period (U held at U_rest)", "fzenke/auryn src/auryn/IafPscExpGroup.cpp (set_refractory_period 5e-3)"),
    "beta": (1 / mV, "steepness of the surrogate derivative", "Zenke & Ganguli 2018, Eq. 9; fzenke/pub2018superspike src/SuperSpikeConnection.cpp (beta 1/1e-3 per volt)"),
}
