"""The target spike trains and the output error of SuperSpike: one unit per output neuron.

Unit i replays the target spikes of output neuron i (target_rasters, indexed as in
inputs/superspike_input) and holds the error signal
    err_i = alpha * (S_target_i - S_out_i),   alpha(t) = exp(-t/tau_decay) - exp(-t/tau_rise)
(Zenke & Ganguli 2018, Eq. 8: the van Rossum error with the double-exponential kernel; the
authors' tr_err and tr_err_flt), as two exponential traces that every target spike raises and
every output spike (synapses/output_spike_error) lowers by 1. sq_err integrates err^2 over
the run: (1/2) sum_i of it is the paper's loss; divided by the integral of alpha^2 it is the
van Rossum distance in units of one unmatched spike.
"""
from brian2 import ms

KIND = "input"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086. van Rossum MCW (2001). A novel spike distance. "
    "Neural Comput 13:751-763"
)
EQUATIONS = """
derr_d/dt = -err_d/tau_decay : 1  # decaying trace of target minus output spikes
derr_r/dt = -err_r/tau_rise : 1   # rising trace
err = err_d - err_r : 1           # the error signal
sq_err : second                   # integral of err^2 since the run started
count : 1                         # target spikes since the run started
"""
THRESHOLD = ("target_rasters((trial_pattern((int(t/dt + 0.5) // int(trial_steps))*dt)*trial_steps"
             " + int(t/dt + 0.5) % int(trial_steps))*dt, i) > 0.5")
RESET = """
err_d += 1
err_r += 1
count += 1
"""
END_OF_STEP = "sq_err += err**2*dt"
TIMED_ARRAYS = {"target_rasters": 1, "trial_pattern": 1}
PARAMETERS = {
    "tau_rise": (5 * ms, "rise time of the kernel alpha (= tau_syn)",
                 "Zenke & Ganguli 2018, Methods; fzenke/pub2018superspike src/SuperSpikeConnection.cpp (tau_vrd_rise = tau_syn)"),
    "tau_decay": (10 * ms, "decay time of the kernel alpha (= tau_mem)",
                  "Zenke & Ganguli 2018, Methods; fzenke/pub2018superspike src/SuperSpikeConnection.cpp (tau_vrd_decay = tau_mem)"),
    "trial_steps": (5000, "steps of one trial", "neurosims: set from the task's trial length"),
}
