"""DECOLLE's local rule: the gradient of the layer's own readout loss, through the neuron's
surrogate derivative and the input trace only (Kaiser et al. 2020, Eq. 8):
    g_ij = (dL/dS_i * sigma'(U_i) + dL_reg/dU_i) * P_j
(smask_i carries sigma', the dropout and the gate; reg_i the gated regularisers of Eq. 9),
accumulated every step; the optimizer applies it at the next step's update. No gradient
crosses layers or time steps (the authors' code detaches the state every step).
"""

KIND = "plasticity"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
SYNAPSE = "w : 1"
EQUATIONS = """
g : 1  # gradient accumulated since the last weight update
"""
END_OF_STEP = "g += (err_post*smask_post + reg_post)*P_pre"
PRE = "P : 1"
POST = """
err : 1
smask : 1
reg : 1
"""
LEARNING_RATES = ()  # the rule only accumulates a gradient: the optimizer's learning rate applies it
PARAMETERS = {}
