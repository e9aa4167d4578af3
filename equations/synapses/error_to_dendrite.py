"""A fixed connection from an error neuron to a dendrite: a spike adds g (signed) to U. One to
one (g = +-w_err) at the output layer; fixed random weights to each hidden layer (random
back-propagation)."""

KIND = "synapse"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
EQUATIONS = """
g : volt  # signed feedback weight
"""
ON_PRE = "U_post += g"
POST = "U : volt"
PARAMETERS = {}
