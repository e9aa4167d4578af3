"""eRBP with 8-bit weights during learning (Neftci et al. 2017, Section 3.3; the authors'
peRBPConnectionRR).

The rule of plasticity/erbp, then, at every event inside the learning window (transmitted,
past the quiet steps; also where the boxcar is closed), the weight is rounded stochastically
to one of 256 levels of width w_res = 2 w_max / 256: up in magnitude with a probability equal
to the fractional part (unbiased), then clipped to [-w_max, w_max - w_res]. A weight on the
grid stays on it. The experiment sets w_max per connection (the authors' ranges) and starts
from weights on the grid.
"""
from brian2 import volt

KIND = "plasticity"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
SYNAPSE = """
w : volt
transmit : 1
"""
EQUATIONS = """
updates : 1  # events of this synapse that changed its weight since the run started
"""
ON_PRE = """
transmit = int(p_transmit >= 1 or rand() < p_transmit)
window = transmit*int((int(t/dt + 0.5) % int(sample_steps)) > quiet_steps)
learn = window*int(I_post > b_min)*int(I_post < b_max)
w_new = w + learn*eta*U_post
w_res = 2*w_max/256
w_grid = clip(sign(w_new)*floor(abs(w_new)/w_res + rand())*w_res, -w_max, w_max - w_res)
w = window*w_grid + (1 - window)*w_new
updates += learn
"""
POST = """
I : volt
U : volt
"""
LEARNING_RATES = ("eta",)
PARAMETERS = {
    "eta": (6e-4, "learning rate (weight change per synaptic event per volt of U)",
            "Neftci et al. 2017, Table 2 (eRBP+); HBPNeurorobotics/auryn d7c2e58 experiments/run_classification_mnist_deep_dual.py"),
    "b_min": (-1.15 * volt, "lower edge of the boxcar on the postsynaptic synaptic current I",
              "Neftci et al. 2017, Table 2 (b_min, b_max = -+1.15)"),
    "b_max": (1.15 * volt, "upper edge of the boxcar on I", "Neftci et al. 2017, Table 2"),
    "p_transmit": (1.0, "probability that a synaptic event is transmitted (1 - blank-out; 1: eRBP)",
                   "Neftci et al. 2017, Table 2 (eRBP+: blank-out off; peRBP: the driver's 0.65)"),
    "sample_steps": (2500, "steps of one training sample (250 ms at 0.1 ms)",
                     "HBPNeurorobotics/auryn d7c2e58 src/auryn/peRBPConnection.cpp propagate_forward (clock % 2500)"),
    "quiet_steps": (500, "steps at the start of each sample without learning (50 ms)",
                    "HBPNeurorobotics/auryn d7c2e58 src/auryn/peRBPConnection.cpp propagate_forward ((clock % 2500) > 500)"),
    "w_max": (1.0 * volt, "the weights' range is [-w_max, w_max) in 256 levels",
              "HBPNeurorobotics/auryn d7c2e58 experiments/exp_rbp_dual_rr.cpp lines 227-229 (hidden-to-output +-1)"),
}
