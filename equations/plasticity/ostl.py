"""OSTL: online spatio-temporal learning. The eligibility of a synapse is the postsynaptic
neuron's full sensitivity to its weight, carried forward in time through the membrane, the
reset and the adaptation (the temporal part); the learning signal is the gradient of the loss
of the same step with respect to the neuron's spike (the spatial part).

For the synapse i -> j of a feedforward layer of e-prop's LIF/ALIF neurons (eprop_iaf), in
step q of a sequence (Bohnstingl et al. 2020, Eqs. 6-10, on these neurons):
    dv_j[q]/dw = alpha dv_j[q-1]/dw + zeta x_i[q] - v_th dz_j[q-1]/dw      (the reset's term)
    da_j[q]/dw = rho da_j[q-1]/dw + dz_j[q-1]/dw
    dz_j[q]/dw = psi_j[q] (dv_j[q]/dw - beta_j da_j[q]/dw)
    g         += L_j[q] zeta_out dz_j[q]/dw
where L_j[q] = sum_k W_out[k, j] err_k[q] is the readout error of this step sent back through
the readout weights (symmetric feedback: weighted_spike_symmetric_feedback) and zeta_out =
1 - leaky_readout kappa the readout's input scale. dv/dw is kept as zbar_i (the presynaptic
trace, alpha zbar + zeta x) plus u, the resets' part, which needs no presynaptic spike:
u[q] = alpha u[q-1] - v_th dz[q-1]/dw. Three numbers per synapse (u, eps_a, ez).

For one layer whose loss at a step depends on that step's spikes only (a readout without
leak: tau_out -> 0), this is the exact gradient, BPTT's with the reset's derivative
(tests/methods/rtrl/test_exact.py in NumPy, tests/experiments/test_ostl.py in generated code).
With recurrent synapses the exact eligibility needs each neuron's sensitivity to every other
neuron's weights (O(n^3) state, neurosims/methods/rtrl/exact.py); this file is for feedforward
layers. No firing-rate regularisation.
"""

KIND = "plasticity"
CITATION = (
    "Bohnstingl T, Wozniak S, Maass W, Pantazi A, Eleftheriou E (2022). Online spatio-temporal "
    "learning in deep neural networks. IEEE Trans Neural Netw Learn Syst 34(11):8894-8908. "
    "arXiv:2007.12723."
)
SYNAPSE = "w : 1"
EQUATIONS = """
u : 1      # dv_post/dw beyond the presynaptic trace: the resets' part
eps_a : 1  # da_post/dw (ALIF)
ez : 1     # dz_post/dw of the last step
g : 1      # gradient accumulated since the last weight update
"""
END_OF_STEP = """
u = exp(-dt/tau_m_post)*u - v_th_post*ez
eps_a = exp(-dt/adapt_tau_post)*eps_a + ez
ez = psi_post*(zbar_pre + u - adaptive_post*adapt_beta_post*eps_a)
g += L_post*(1 - leaky_readout_post*exp(-dt/tau_out_post))*ez
"""
NEW_SEQUENCE = """
u = 0
eps_a = 0
ez = 0
"""
PRE = "zbar : 1"
POST = """
psi : 1
L : 1
adaptive : 1
tau_m : second (shared)
v_th : 1 (shared)
adapt_beta : 1 (shared)
adapt_tau : second (shared)
tau_out : second (shared)
leaky_readout : 1 (shared)
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {}
