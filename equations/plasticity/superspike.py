"""SuperSpike: a voltage-based three-factor rule (Zenke & Ganguli 2018, Eqs. 10-12).

For the synapse j -> i, every step (after the step's spikes, with the learning signal of the
step):
    lambda_ij = alpha * (sigma'(U_i) psp_j) / tau_decay     eligibility trace
    g_ij     -= L_i lambda_ij dt / tau_decay                 gradient of the loss
with psp_j the presynaptic PSP trace (epsilon * S_j), sigma' the surrogate derivative of the
postsynaptic neuron and alpha(t) = exp(-t/tau_decay) - exp(-t/tau_rise) the kernel of the
error signal, kept as two traces lam_d, lam_r per synapse. The filter acts on the product
sigma'(U_i) psp_j, so it needs state per synapse (the paper's point; the authors' el_val and
el_val_flt). L_i is the output's error alpha * (target - output) at the output layer and the
error fed back through B (symmetric, random or uniform) at a hidden layer. Up to constant
factors (beta tau_decay), g is the surrogate gradient of (1/2 tau_decay) int sum_i err_i^2 dt;
an optimizer (optimizers/rmsprop_max) turns it into weight changes.
"""

from brian2 import ms

KIND = "plasticity"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086; fzenke/pub2018superspike src/SuperSpikeConnection.cpp"
)
SYNAPSE = "w : volt"
EQUATIONS = """
lam_d : 1  # eligibility trace, decaying part
lam_r : 1  # eligibility trace, rising part
g : 1      # gradient accumulated since the last weight update
"""
END_OF_STEP = """
lam_d = exp(-dt/tau_decay)*lam_d + sigma_post*psp_pre*dt/tau_decay
lam_r = exp(-dt/tau_rise)*lam_r + sigma_post*psp_pre*dt/tau_decay
g -= L_post*(lam_d - lam_r)*dt/tau_decay
"""
PRE = "psp : 1"
POST = """
sigma : 1
L : 1
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {
    "tau_rise": (5 * ms, "rise time of the kernel alpha (= tau_syn)",
                 "Zenke & Ganguli 2018, Methods; fzenke/pub2018superspike src/SuperSpikeConnection.cpp (tau_el_rise = tau_syn)"),
    "tau_decay": (10 * ms, "decay time of the kernel alpha (= tau_mem)",
                  "Zenke & Ganguli 2018, Methods; fzenke/pub2018superspike src/SuperSpikeConnection.cpp (tau_el_decay = tau_mem)"),
}
