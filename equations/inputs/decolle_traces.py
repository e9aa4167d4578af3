"""The presynaptic traces of a DECOLLE layer's inputs: one P and one Q per input neuron, not
per synapse (Kaiser et al. 2020, Eqs. 1-4, discrete time).

In every step, with S_in the input neuron's spikes (or event counts) of this step:
    P <- alpha P + (1 - alpha) Q        (Q of the last step)
    Q <- beta Q + (1 - beta) S_in
so an input reaches P, and the layer's U = W P, one step later: the order of the authors'
LIFLayer (decolle 0.2, base_model.py). alpha = exp(-dt/tau_mem), beta = exp(-dt/tau_syn).
S_in is summed from the input neurons through one-to-one links (synapses/spike_link).
"""

KIND = "input"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
P : 1     # membrane trace of the input (what the layer's weights multiply)
Q : 1     # synaptic trace of the input
S_in : 1  # the input neuron's spikes in this step, summed through its link
"""
PER_STEP = """
P = alpha*P + (1 - alpha)*Q
Q = beta*Q + (1 - beta)*S_in
"""
NEW_SEQUENCE = """
P = 0
Q = 0
"""
PARAMETERS = {
    "alpha": (0.97, "decay of P per step (exp(-dt/tau_mem): tau_mem 33 ms at dt = 1 ms)",
              "decolle-public scripts/parameters/params_nmnist.yml (alpha 0.97)"),
    "beta": (0.92, "decay of Q per step (exp(-dt/tau_syn): tau_syn 12 ms at dt = 1 ms)",
             "decolle-public scripts/parameters/params_nmnist.yml (beta 0.92)"),
}
