"""Leaky integrate-and-fire neuron of e-prop, in discrete time, with adaptation as an option.

In step q of a sequence (Bellec et al. 2020, Eqs. 1-3 and 25; NEST eprop_iaf_bsshslm_2020 and
eprop_iaf_adapt_bsshslm_2020):
    v[q] = alpha v[q-1] + zeta I[q] - v_th z[q-1]        alpha = exp(-dt/tau_m)
    a[q] = rho a[q-1] + z[q-1]                            rho = exp(-dt/adapt_tau)
    A[q] = v_th + adaptive adapt_beta a[q]                (adaptive = 0: LIF, 1: ALIF)
    z[q] = 1 if v[q] >= A[q] and not refractory
    psi[q] = gamma/v_th max(0, 1 - |v[q] - A[q]|/v_th)   (0 while refractory)
I[q] is the sum of the weights of the spikes arriving in step q (sent one step earlier); the
reset subtracts v_th one step after the spike. Refractoriness blocks t_ref/dt - 1 steps after
a spike (NEST's counting). psi is the pseudo-derivative dz/dv the e-prop rule uses.
zbar and zk are this neuron's spikes filtered with the membrane leak (for the e-prop rule of
its outgoing synapses) and with the readout leak (for the readout's rule).
The running sums over a window of steps (u = 1, 2, ... since the window began) let the
event-driven rule (plasticity/eprop_event_driven) bring a synapse up to date only when its
presynaptic neuron spikes. Between two presynaptic spikes the synapse's trace zbar = Zs alpha^u
only decays, and its adaptation eligibility eps (plasticity/eprop) follows
eps[u] = c[u] eps[u-1] + psi[u] zbar[u] with c = rho - beta psi, which depends on this neuron
only (beta = adaptive adapt_beta, rho = exp(-dt/adapt_tau)). So eps = E Pi[u] + Zs Q[u], with
E, Zs the synapse's constants over the interval and this neuron's responses
    Pi[u] = c[u] Pi[u-1] (Pi[0] = 1),   Q[u] = c[u] Q[u-1] + psi[u] alpha^u (Q[0] = 0),
and the eligibility trace e = eps[u] - rho eps[u-1] = E a[u] + Zs b[u] with
    a[u] = -beta psi[u] Pi[u-1],   b[u] = psi[u] (alpha^u - beta Q[u-1]).
The neuron keeps, for the two parts (b: acc_C, acc_D, acc_P; a: acc_Ca, acc_Da, acc_Pa),
    acc_A = sum_u kappa^u L[u]     acc_C = sum_u kappa^-u b[u]     acc_P = sum_u b[u]
    acc_D = sum_u kappa^u L[u] acc_C[u]
(for LIF neurons beta = 0: a = 0 and b = psi alpha^u). Each step adds the previous step's
terms at its start; the sums restart every window (also at t = 0). Trials need no restart: the
rule clears a synapse's own terms at a trial's start.
Variables are plain numbers in the units of NEST's e-prop models (mV).
"""
from brian2 import ms

KIND = "neuron"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. "
    "doi:10.1038/s41467-020-17236-y. Discrete-time conventions of NEST 3.10 "
    "(eprop_iaf_bsshslm_2020, eprop_iaf_adapt_bsshslm_2020)."
)
EQUATIONS = """
v : 1               # membrane potential (mV, resting at 0)
a : 1               # adaptation variable (spike count filtered with adapt_tau)
adaptive : 1 (constant)  # 1 for an adaptive (ALIF) neuron, 0 for LIF
z : 1               # 1 in the step after a spike of this neuron, until the step's update
I_syn : 1           # weights of the spikes arriving in this step (mV)
psi : 1             # pseudo-derivative of the spike with respect to v (1/mV)
zbar : 1            # own spikes filtered with the membrane leak (presynaptic e-prop trace)
zk : 1              # own spikes filtered with the readout leak (readout's presynaptic trace)
L : 1               # learning signal: readout errors fed back (summed by the feedback synapses)
t_left : second     # refractory time left
n_spikes : 1        # spikes in this sequence (firing-rate regularisation)
n_steps : 1         # steps in this sequence
kappa_u : 1         # kappa^u, u steps into the window (event-driven e-prop)
kinv_u : 1          # kappa^-u
alpha_u : 1         # alpha^u
Pi_u : 1            # this neuron's responses of the adaptation eligibility (see above)
Q_u : 1
acc_A : 1           # running sums of the window (see above)
acc_C : 1
acc_D : 1
acc_P : 1
acc_Ca : 1
acc_Da : 1
acc_Pa : 1
"""
PER_STEP = """
t_left = clip(t_left - dt, 0*ms, t_ref)
zbar = exp(-dt/tau_m)*zbar + (1 - leaky_input*exp(-dt/tau_m))*z
v = exp(-dt/tau_m)*v + (1 - leaky_input*exp(-dt/tau_m))*I_syn - v_th*z
a = exp(-dt/adapt_tau)*a + z
I_syn = 0
z = 0
psi = int(t_left < 0.5*dt)*gamma/v_th*clip(1 - abs(v - v_th - adaptive*adapt_beta*a)/v_th, 0, 1)
n_steps += 1
"""
THRESHOLD = "v >= v_th + adaptive*adapt_beta*a and t_left < 0.5*dt"
RESET = """
z = 1
t_left = t_ref
n_spikes += 1
"""
END_OF_STEP = """
zk = exp(-dt/tau_out)*zk + (1 - leaky_readout*exp(-dt/tau_out))*z  # includes this step's spike
"""
START_OF_STEP = """
kappa_u = kappa_u*exp(-dt/tau_out)
kinv_u = kinv_u*exp(dt/tau_out)
alpha_u = alpha_u*exp(-dt/tau_m)
b_u = psi*(alpha_u - adaptive*adapt_beta*Q_u)
a_u = -psi*adaptive*adapt_beta*Pi_u
Q_u = exp(-dt/adapt_tau)*Q_u + b_u
Pi_u = exp(-dt/adapt_tau)*Pi_u + a_u
acc_C += kinv_u*b_u
acc_Ca += kinv_u*a_u
acc_A += kappa_u*L
acc_D += kappa_u*L*acc_C
acc_Da += kappa_u*L*acc_Ca
acc_P += b_u
acc_Pa += a_u
"""
EVERY_WINDOW = """
kappa_u = 1
kinv_u = 1
alpha_u = 1
Pi_u = 1
Q_u = 0
acc_A = 0
acc_C = 0
acc_D = 0
acc_P = 0
acc_Ca = 0
acc_Da = 0
acc_Pa = 0
"""
NEW_SEQUENCE = """
v = 0
a = 0
z = 0
I_syn = 0
psi = 0
zbar = 0
zk = 0
L = 0
t_left = 0*ms
n_spikes = 0
n_steps = 0
"""
PARAMETERS = {
    "tau_m": (20 * ms, "membrane time constant",
              "Bellec et al. 2020, Methods (evidence accumulation: 20 ms); NEST eprop example"),
    "v_th": (0.6, "spike threshold above rest (mV)",
             "Bellec et al. 2020, Methods; NEST evidence-accumulation example (V_th 0.6 mV)"),
    "t_ref": (5 * ms, "refractory period", "NEST evidence-accumulation example (t_ref 5 ms)"),
    "gamma": (0.3, "dampening factor of the pseudo-derivative",
              "Bellec et al. 2020, Methods (gamma_pd = 0.3)"),
    "leaky_input": (0.0, ("1: inputs scaled by zeta = 1 - alpha (NEST regular_spike_arrival "
                          "False); 0: zeta = 1"),
                    "NEST 3.10 eprop_iaf_bsshslm_2020, regular_spike_arrival"),
    "adapt_tau": (2000 * ms, "time constant of the threshold adaptation",
                  "Bellec et al. 2020, Methods (evidence accumulation: 2 s)"),
    "adapt_beta": (0.0174, "threshold increase per unit of a (mV); 1.7 (1 - rho)/(1 - alpha)",
                   "NEST evidence-accumulation example (adapt_beta = 1.7 (1 - rho)/(1 - alpha))"),
    "tau_out": (20 * ms, "time constant of the readout (kappa = exp(-dt/tau_out))",
                "Bellec et al. 2020, Methods; NEST eprop_readout_bsshslm_2020 tau_m"),
    "leaky_readout": (1.0, "1: readout input scaled by 1 - kappa (NEST regular_spike_arrival False)",
                      "NEST 3.10 eprop_readout_bsshslm_2020, regular_spike_arrival"),
}
