"""An eRBP error neuron: a non-leaky integrate-and-fire neuron of one sign of one class's error.

The positive neuron of class k adds w_err for each spike of the label neuron k and subtracts
it for each spike of the output neuron k; the negative neuron the opposite (synapses/
error_drive). V is kept at or above 0, so each fires at a rate proportional to its rectified
error: the positive one when the label's rate exceeds the prediction's, the negative one
otherwise. A spike subtracts the threshold (no loss of charge). The authors' LinGroup.
"""
from brian2 import mV

KIND = "neuron"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
EQUATIONS = """
V : volt    # the integrated error of this sign
count : 1   # spikes since the run started
"""
START_OF_STEP = "V = clip(V, 0*volt, inf*volt)"
THRESHOLD = "V > v_th_err"
RESET = """
V -= v_th_err
count += 1
"""
PARAMETERS = {
    "v_th_err": (100 * mV, "threshold of the error neurons", "HBPNeurorobotics/auryn d7c2e58 src/auryn/LinGroup.cpp (thr 0.1)"),
}
