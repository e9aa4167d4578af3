"""e-prop, event-driven: the eprop rule (LIF and ALIF postsynaptic neurons), computing the
same numbers with work per presynaptic spike instead of per step.

The rule (Bellec et al. 2020, Eqs. 22-25 and 28; plasticity/eprop), in step q, for the synapse
i -> j:
    e[q] = psi_j[q] (zbar_i[q] - beta_j eps[q-1]);  eps[q] = rho eps[q-1] + e[q]
    ebar[q] = kappa ebar[q-1] + (1 - kappa) e[q];  g += L_j[q] ebar[q]
Between two spikes of i, zbar_i only decays, zbar_i = Zs alpha^u (u steps into the window), and
then eps = E Pi[u] + Zs Q[u] and e = E a[u] + Zs b[u], with constants E, Zs of the synapse and
sequences Pi, Q, a, b of the postsynaptic neuron (derived in neurons/eprop_iaf; for LIF neurons
a = 0 and b = psi alpha^u). Over such an interval (s, q] the rule's sums are then, with the
postsynaptic neuron's running sums of the window (acc_*):
    g     += H (acc_A[q] - acc_A[s]) + (1 - kappa) (Zs (acc_D[q] - acc_D[s]) + E (acc_Da[q] - acc_Da[s]))
    e_sum += Zs (acc_P[q] - acc_P[s]) + E (acc_Pa[q] - acc_Pa[s])
    ebar[q] kappa^-u = H + (1 - kappa) (Zs acc_C[q] + E acc_Ca[q])
with H fixed by ebar at the interval's start. A synapse closes its interval one step after a
presynaptic spike (when zbar_i has jumped): it takes the new Zs and chooses E and H so that eps
and ebar carry on unchanged. It also closes it at every window (all synapses; the sums restart,
and E, Zs, H are rescaled to the window's start) and at the end of each trial, before the
firing-rate regularisation (as in the eprop rule). Within a window the synapse divides by
alpha^u, kappa^u and Pi[u]; the experiment chooses the window so that these stay above e^-5
(eprop.network.event_window), which keeps the rounding near 1e-14.
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
H : 1      # the interval's constants (see above)
Zs : 1     # presynaptic trace over the interval, scaled: zbar = Zs alpha^u
E : 1      # adaptation eligibility over the interval: eps = E Pi + Zs Q
A_s : 1    # the postsynaptic running sums at the interval's start
D_s : 1
P_s : 1
Da_s : 1
Pa_s : 1
"""
ON_PRE_NEXT_STEP = """
g += H*(acc_A_post - A_s) + (1 - exp(-dt/tau_out_post))*(Zs*(acc_D_post - D_s) + E*(acc_Da_post - Da_s))
e_sum += Zs*(acc_P_post - P_s) + E*(acc_Pa_post - Pa_s)
H += (1 - exp(-dt/tau_out_post))*(Zs*acc_C_post + E*acc_Ca_post)
eps = E*Pi_u_post + Zs*Q_u_post
Zs = zbar_pre/(alpha_u_post*exp(-dt/tau_m_post))
E = (eps - Zs*Q_u_post)/Pi_u_post
H -= (1 - exp(-dt/tau_out_post))*(Zs*acc_C_post + E*acc_Ca_post)
A_s = acc_A_post
D_s = acc_D_post
P_s = acc_P_post
Da_s = acc_Da_post
Pa_s = acc_Pa_post
"""
EVERY_WINDOW = """
g += H*(acc_A_post - A_s) + (1 - exp(-dt/tau_out_post))*(Zs*(acc_D_post - D_s) + E*(acc_Da_post - Da_s))
e_sum += Zs*(acc_P_post - P_s) + E*(acc_Pa_post - Pa_s)
H = (H + (1 - exp(-dt/tau_out_post))*(Zs*acc_C_post + E*acc_Ca_post))*kappa_u_post
E = E*Pi_u_post + Zs*Q_u_post
Zs = Zs*alpha_u_post
A_s = 0
D_s = 0
P_s = 0
Da_s = 0
Pa_s = 0
"""
NEW_SEQUENCE = """
g += H*(acc_A_post - A_s) + (1 - exp(-dt/tau_out_post))*(Zs*(acc_D_post - D_s) + E*(acc_Da_post - Da_s))
e_sum += Zs*(acc_P_post - P_s) + E*(acc_Pa_post - Pa_s)
g += c_reg*(n_spikes_post/clip(n_steps_post, 1, inf) - f_target*dt)/clip(n_steps_post, 1, inf)*e_sum
e_sum = 0
H = 0   # with H, Zs and E at 0 the interval adds nothing: the stale sums at its start do not matter
Zs = 0
E = 0
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
acc_Ca : 1
acc_Da : 1
acc_Pa : 1
Pi_u : 1
Q_u : 1
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
