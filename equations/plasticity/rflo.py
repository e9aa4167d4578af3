"""RFLO: random feedback local online learning (Murray 2019, Eqs. 10-13).

For the recurrent synapse j -> i, in every step of a trial but the first:
    p_ij = (1 - 1/tau) p_ij + f'(u_i) h_j[t-1]/tau     eligibility trace (PER_STEP: h is h[t-1])
    g_ij += L_i p_ij                                    gradient estimate (END_OF_STEP)
with L_i = sum_k B_ik err_k, the readout error through fixed random weights B
(synapses/learning_signal_feedback). The trace is the low-pass of the postsynaptic gain times
the presynaptic rate; it needs one number per synapse, and the rule drops the sensitivity that
flows through the recurrent weights, which exact RTRL keeps (neurosims/methods/rflo/rate.py).
p starts at 0 in every trial. An optimizer turns g into weight changes.
"""

KIND = "plasticity"
CITATION = (
    "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299. "
    "doi:10.7554/eLife.43299"
)
SYNAPSE = "w : 1"
EQUATIONS = """
p : 1  # eligibility trace
g : 1  # gradient accumulated since the last weight update
"""
PER_STEP = "p = (1 - active_post/tau_post)*p + active_post*df_post*h_pre/tau_post"
END_OF_STEP = "g += L_post*p"
NEW_SEQUENCE = "p = 0"
PRE = "h : 1"
POST = """
df : 1
L : 1
active : 1
tau : 1 (shared)
"""
LEARNING_RATES = ()
PARAMETERS = {}
