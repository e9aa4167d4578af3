"""e-prop for LIF postsynaptic neurons, event-driven: the eprop_nonadaptive rule, computing
the same numbers with work per presynaptic spike instead of per step.

The rule (Bellec et al. 2020, Eqs. 22, 23 and 28), in step q, for the synapse i -> j:
    e[q] = psi_j[q] zbar_i[q];  ebar[q] = kappa ebar[q-1] + (1 - kappa) e[q];  g += L_j[q] ebar[q]
Between two spikes of i, zbar_i only decays: zbar_i[t] = Zs alpha^u (u steps into the window).
Over such an interval (s, q] the rule's sums are then, with the postsynaptic neuron's running
sums acc_A, acc_C, acc_D, acc_P of the window (neurons/eprop_iaf):
    g     += H (acc_A[q] - acc_A[s]) + (1 - kappa) Zs (acc_D[q] - acc_D[s])
    e_sum += Zs (acc_P[q] - acc_P[s])
    ebar[q] kappa^-u = H + (1 - kappa) Zs acc_C[q],   H = ebar[s] kappa^-u_s - (1 - kappa) Zs acc_C[s]
A synapse closes its interval one step after a presynaptic spike (when zbar_i has jumped), at
every window (all synapses: the powers it rescales by stay below e^(window dt/min(tau_m,
tau_out)); the experiment chooses the window so that this is at most e^5, which keeps the
rounding near 1e-14: 100 steps for tau >= 20 ms at dt = 1 ms, fewer for shorter tau) and at the
end of each trial, before the firing-rate regularisation (as in the eprop rule).
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
g : 1      # gradient accumulated since the last weight update
e_sum : 1  # eligibility trace summed over the sequence, up to the interval's start
H : 1      # the interval's constant (see above)
Zs : 1     # presynaptic trace over the interval, scaled: zbar = Zs alpha^u
A_s : 1    # the postsynaptic running sums at the interval's start
D_s : 1
P_s : 1
"""
ON_PRE_NEXT_STEP = """
g += H*(acc_A_post - A_s) + (1 - exp(-dt/tau_out_post))*Zs*(acc_D_post - D_s)
e_sum += Zs*(acc_P_post - P_s)
H += (1 - exp(-dt/tau_out_post))*Zs*acc_C_post
Zs = zbar_pre/(alpha_u_post*exp(-dt/tau_m_post))
H -= (1 - exp(-dt/tau_out_post))*Zs*acc_C_post
A_s = acc_A_post
D_s = acc_D_post
P_s = acc_P_post
"""
EVERY_WINDOW = """
g += H*(acc_A_post - A_s) + (1 - exp(-dt/tau_out_post))*Zs*(acc_D_post - D_s)
e_sum += Zs*(acc_P_post - P_s)
H = (H + (1 - exp(-dt/tau_out_post))*Zs*acc_C_post)*kappa_u_post
Zs = Zs*alpha_u_post
A_s = 0
D_s = 0
P_s = 0
"""
NEW_SEQUENCE = """
g += H*(acc_A_post - A_s) + (1 - exp(-dt/tau_out_post))*Zs*(acc_D_post - D_s)
e_sum += Zs*(acc_P_post - P_s)
g += c_reg*(n_spikes_post/clip(n_steps_post, 1, inf) - f_target*dt)/clip(n_steps_post, 1, inf)*e_sum
e_sum = 0
H = 0   # with H and Zs at 0 the interval adds nothing: the stale A_s, D_s, P_s do not matter
Zs = 0
"""
PRE = "zbar : 1"
POST = """
n_spikes : 1
n_steps : 1
kappa_u : 1
alpha_u : 1
acc_A : 1
acc_C : 1
acc_D : 1
acc_P : 1
tau_out : second (shared)
tau_m : second (shared)
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {
    "c_reg": (300.0, "strength of the firing-rate regularisation",
              "NEST evidence-accumulation and sine-wave examples (c_reg 300)"),
    "f_target": (10 * Hz, "target firing rate of the regularisation",
                 "Bellec et al. 2020, Methods (10 Hz)"),
}
