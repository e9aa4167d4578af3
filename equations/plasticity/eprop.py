"""e-prop: eligibility traces of LIF and ALIF neurons times a broadcast learning signal.

In step q of a sequence, for the synapse i -> j (Bellec et al. 2020, Eqs. 22-25 and 28):
    e[q]      = psi_j[q] (zbar_i[q] - beta_j eps_a[q-1])      eligibility trace
    eps_a[q]  = rho eps_a[q-1] + e[q]                           adaptation part (ALIF only)
    ebar[q]   = kappa ebar[q-1] + (1 - kappa) e[q]              filtered with the readout kernel
    g        += L_j[q] ebar[q]                                   gradient estimate
with beta_j = adaptive_j adapt_beta (0 for LIF neurons: e = psi z_bar), rho = exp(-dt/adapt_tau),
kappa = exp(-dt/tau_out) (the postsynaptic neuron's parameters). At the end of each sequence the firing-rate regularisation adds
c_reg (n_spikes/n_steps - f_target dt)/n_steps sum_q e[q] (NEST 3.10's definition). The
presynaptic trace zbar lives on the presynaptic neuron and psi, L on the postsynaptic one: a
synapse keeps only what the rule cannot factorise (eps_a, ebar) and what it accumulates
(g, e_sum). An optimizer turns g into a weight change.
"""
from brian2 import Hz

KIND = "plasticity"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. "
    "doi:10.1038/s41467-020-17236-y. Regularisation and update timing of NEST 3.10 "
    "(eprop_synapse_bsshslm_2020)."
)
SYNAPSE = "w : 1"
EQUATIONS = """
eps_a : 1  # adaptation part of the eligibility trace (ALIF)
ebar : 1   # eligibility trace filtered with the readout kernel kappa
g : 1      # gradient accumulated since the last weight update
e_sum : 1  # eligibility trace summed over the sequence (for the rate regularisation)
"""
END_OF_STEP = """
e = psi_post*(zbar_pre - adaptive_post*adapt_beta_post*eps_a)
eps_a = exp(-dt/adapt_tau_post)*eps_a + e
ebar = exp(-dt/tau_out_post)*ebar + (1 - exp(-dt/tau_out_post))*e
g += L_post*ebar
e_sum += e
"""
NEW_SEQUENCE = """
g += c_reg*(n_spikes_post/clip(n_steps_post, 1, inf) - f_target*dt)/clip(n_steps_post, 1, inf)*e_sum
e_sum = 0
eps_a = 0
ebar = 0
"""
PRE = "zbar : 1"
POST = """
psi : 1
L : 1
adaptive : 1
n_spikes : 1
n_steps : 1
adapt_beta : 1 (shared)
adapt_tau : second (shared)
tau_out : second (shared)
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {
    "c_reg": (300.0, "strength of the firing-rate regularisation",
              "NEST evidence-accumulation and sine-wave examples (c_reg 300)"),
    "f_target": (10 * Hz, "target firing rate of the regularisation",
                 "Bellec et al. 2020, Methods (10 Hz)"),
}
