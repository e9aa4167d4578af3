"""DECOLLE's local rule for shared weights (a convolution's kernel): the gradient of Eq. 8 of
every synapse that reads a kernel entry, summed into that entry (Kaiser et al. 2020):
    g_k = sum over the synapses s of entry k of (dL/dS_i sigma'(U_i) + dL_reg/dU_i) P_j(s)
the gradient of a shared weight. It is the step's gradient: the sum is taken at the end of
every step and the optimizer, in the weight group, applies it at the next step's update (the
authors' code updates every step).
"""

KIND = "plasticity"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
g_pre = (err_post*smask_post + reg_post)*P : 1 (summed)  # the kernel entry's gradient
"""
SYNAPSE = "P : 1"  # the input trace the synapse reads (synapses/decolle_conv)
PRE = "g : 1"
POST = """
err : 1
smask : 1
reg : 1
"""
LEARNING_RATES = ()  # the optimizer's learning rate applies the gradient
PARAMETERS = {}
