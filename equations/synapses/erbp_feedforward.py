"""An eRBP feedforward connection: a transmitted presynaptic spike adds w to the target's
synaptic current I. Whether a spike is transmitted (transmit, 0 or 1) is drawn by the rule
for each synaptic event before it (blank-out, plasticity/erbp); 1 without blank-out."""

KIND = "synapse"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
EQUATIONS = """
w : volt         # synaptic weight (the jump of I per transmitted spike)
transmit : 1     # 1 if this synapse's latest presynaptic spike is transmitted
"""
ON_PRE = "I_post += transmit*w"
POST = "I : volt"
PARAMETERS = {}
