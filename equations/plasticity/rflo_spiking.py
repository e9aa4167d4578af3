"""RFLO for spiking neurons: Murray's eligibility (the low-pass of the postsynaptic gain times
the presynaptic activity) on e-prop's LIF/ALIF neurons, in the same three-factor form.

For the synapse i -> j, in step q of a sequence (Murray 2019, Eqs. 10-13, with the spike's
pseudo-derivative psi in place of f'(u) and the arriving spike x_i[q] in place of h_i):
    p[q] = alpha p[q-1] + psi_j[q] zeta x_i[q]          alpha = exp(-dt/tau_m)
    g   += L_j[q] zeta_out p[q]
where L_j = sum_k B_jk err_k is the readout error through fixed random weights B
(synapses/learning_signal_feedback) and zeta_out = 1 - leaky_readout kappa the readout's input
scale. Unlike e-prop, which multiplies psi_j[q] with the filtered presynaptic trace
(plasticity/eprop_nonadaptive), RFLO filters the product, and it uses no readout filter on the
learning signal: a spike's trace decays with the membrane's leak from the step it arrived.
zeta x_i[q] is read from the presynaptic trace zbar_i[q] - alpha zbar_i[q-1]; the synapse keeps
zbar_i[q-1] (zbar_last) because the neuron models keep only zbar: two numbers per synapse here,
where the rule itself needs one (p). No gradient through the reset or the adaptation, as in
Murray's rule; no firing-rate regularisation.
The NumPy form is rule "rflo" of neurosims/methods/rtrl/rules.py; the compiled gradient
equals it (rule-alignment, tests/experiments/test_rule_alignment.py).
"""

KIND = "plasticity"
CITATION = (
    "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299. "
    "doi:10.7554/eLife.43299. Spiking form in the family of Zenke F, Neftci EO (2021), Proc IEEE 109(5)."
)
SYNAPSE = "w : 1"
EQUATIONS = """
p : 1          # eligibility trace
zbar_last : 1  # the presynaptic trace of the previous step
g : 1          # gradient accumulated since the last weight update
"""
END_OF_STEP = """
p = exp(-dt/tau_m_post)*p + psi_post*(zbar_pre - exp(-dt/tau_m_post)*zbar_last)
zbar_last = zbar_pre
g += L_post*(1 - leaky_readout_post*exp(-dt/tau_out_post))*p
"""
NEW_SEQUENCE = """
p = 0
zbar_last = 0
"""
PRE = "zbar : 1"
POST = """
psi : 1
L : 1
tau_m : second (shared)
tau_out : second (shared)
leaky_readout : 1 (shared)
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {}
