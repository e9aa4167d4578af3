"""A fixed connection onto an error neuron: a spike adds w_e (signed) to its V: +w_err from the
label neuron and -w_err from the output neuron of the class, for the positive error neuron;
the opposite for the negative one."""

KIND = "synapse"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
EQUATIONS = """
w_e : volt  # signed weight
"""
ON_PRE = "V_post += w_e"
POST = "V : volt"
PARAMETERS = {}
