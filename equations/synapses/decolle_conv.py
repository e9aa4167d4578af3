"""A DECOLLE connection through shared weights (a convolution): each synapse reads the weight of
its kernel entry, the presynaptic unit of a weight group (optimizers/ run there, once per
weight), and the input trace P of its input neuron through a link, and adds w P to its
neuron's input U_ff (Kaiser et al. 2020, Eq. 4 with W a convolution).

One synapse per (kernel entry, output neuron) pair whose input lies inside the padded input:
pre = the kernel entry k, post = the output neuron i, j_in = the input neuron it reads. All the
synapses of one kernel entry read one w; the rule sums their gradients into it
(plasticity/decolle_local_shared). The experiment links P to the traces' P with index j_in.
"""

KIND = "synapse"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
j_in : integer (constant)             # the input neuron this synapse reads
P : 1 (linked)                        # that neuron's input trace (index j_in)
U_ff_post = w_pre*P : 1 (summed)      # the layer's input
"""
PRE = "w : 1"
POST = "U_ff : 1"
PARAMETERS = {}
