"""eRBP's two-compartment integrate-and-fire neuron (hidden and output layers).

The soma integrates the synaptic current I (the voltage it drives; plastic weights add to I
on every transmitted spike) and spikes: V > v_th, then V = 0 and V is held for the
refractory period. The dendrite U integrates the error neurons' spikes through fixed random
weights (jumps, no synaptic filter, as in the authors' code) and never drives spikes; it is
the third factor of the rule (plasticity/erbp), and the rule's boxcar acts on I.

    tau_m dV/dt = -V + I        (V held at 0 while refractory)
    tau_syn dI/dt = -I
    tau_dend dU/dt = -U

Integrated exactly over each step (Brian2's linear integrator; the authors' Auryn code uses
forward Euler at the same dt of 0.1 ms). tau_m = C/g_V = 1 pF / 1 nS (Table 2). The somatic
noise of eRBP+ (sigma) is left out: the authors' main runs set it to 0.
"""
from brian2 import ms, mV

KIND = "neuron"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
EQUATIONS = """
dV/dt = (-V + I)/tau_m : volt (unless refractory)  # soma
dI/dt = -I/tau_syn : volt    # synaptic current (as the voltage it drives)
dU/dt = -U/tau_dend : volt   # dendrite: the error neurons' spikes through fixed random weights
count : 1    # spikes since the run started
"""
THRESHOLD = "V > v_th"
RESET = """
V = 0*volt
count += 1
"""
REFRACTORY = "tau_ref"
PARAMETERS = {
    "tau_m": (1 * ms, "membrane time constant C/g_V (1 pF / 1 nS)",
              "Neftci et al. 2017, Table 2; HBPNeurorobotics/auryn d7c2e58 src/auryn/SIFGroup.cpp init (r_mem 1e9, c_mem 1e-12)"),
    "tau_syn": (4 * ms, "synaptic time constant", "Neftci et al. 2017, Table 2; HBPNeurorobotics/auryn d7c2e58 src/auryn/SIFGroup.cpp (tau_ampa)"),
    "tau_dend": (5 * ms, "time constant of the dendritic compartment",
                 "HBPNeurorobotics/auryn d7c2e58 src/auryn/SIFGroup.cpp init (tau_dendrite 5 ms; Table 2's g_U would give 0.2 ms)"),
    "v_th": (100 * mV, "firing threshold", "Neftci et al. 2017, Table 2; HBPNeurorobotics/auryn d7c2e58 src/auryn/SIFGroup.cpp (thr 0.1)"),
    "tau_ref": (3.9 * ms, "refractory period", "Neftci et al. 2017, Table 2; HBPNeurorobotics/auryn d7c2e58 experiments/exp_rbp_dual.cpp lines 191-193"),
}
