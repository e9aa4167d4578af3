"""e-prop for LIF postsynaptic neurons: the eprop rule without its adaptation term.

The adaptation term is 0 for non-adaptive neurons; leaving it out saves a third of the work
per synapse and step.

In step q of a sequence, for the synapse i -> j (Bellec et al. 2020, Eqs. 22, 23 and 28):
    e[q]    = psi_j[q] zbar_i[q]
    ebar[q] = kappa ebar[q-1] + (1 - kappa) e[q]
    g      += L_j[q] ebar[q]
plus the firing-rate regularisation at the end of each sequence, as in the eprop rule.
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
ebar : 1   # eligibility trace filtered with the readout kernel kappa
g : 1      # gradient accumulated since the last weight update
e_sum : 1  # eligibility trace summed over the sequence (for the rate regularisation)
"""
END_OF_STEP = """
e = psi_post*zbar_pre
ebar = exp(-dt/tau_out_post)*ebar + (1 - exp(-dt/tau_out_post))*e
g += L_post*ebar
e_sum += e
"""
NEW_SEQUENCE = """
g += c_reg*(n_spikes_post/clip(n_steps_post, 1, inf) - f_target*dt)/clip(n_steps_post, 1, inf)*e_sum
e_sum = 0
ebar = 0
"""
PRE = "zbar : 1"
POST = """
psi : 1
L : 1
n_spikes : 1
n_steps : 1
tau_out : second (shared)
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {
    "c_reg": (300.0, "strength of the firing-rate regularisation",
              "NEST evidence-accumulation and sine-wave examples (c_reg 300)"),
    "f_target": (10 * Hz, "target firing rate of the regularisation",
                 "Bellec et al. 2020, Methods (10 Hz)"),
}
