"""Input neurons that replay frozen spike patterns trial after trial, with the presynaptic trace
SuperSpike reads (as neurons/superspike_lif: x jumps by 1 at a spike and decays with tau_syn,
psp follows x with tau_mem: the PSP a unit weight makes in the targets).

Neuron i spikes in step n of a trial when input_rasters(k*trial_steps + n, i) > 0.5, k the
pattern of the trial (trial_pattern, one entry per trial; one frozen pattern repeated: k = 0).
Both TimedArrays are indexed in steps of dt, so no rounding of times decides a step.
"""
from brian2 import ms

KIND = "input"
CITATION = (
    "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. "
    "Neural Comput 30:1514-1541. doi:10.1162/neco_a_01086 (frozen Poisson inputs)"
)
EQUATIONS = """
dx/dt = -x/tau_syn : 1           # spikes filtered by the targets' synapses
dpsp/dt = (x - psp)/tau_mem : 1  # ... and by their membranes
count : 1                        # spikes since the run started
"""
THRESHOLD = ("input_rasters((trial_pattern((int(t/dt + 0.5) // int(trial_steps))*dt)*trial_steps"
             " + int(t/dt + 0.5) % int(trial_steps))*dt, i) > 0.5")
RESET = """
x += 1
count += 1
"""
TIMED_ARRAYS = {"input_rasters": 1, "trial_pattern": 1}
PARAMETERS = {
    "tau_mem": (10 * ms, "membrane time constant of the targets", "Zenke & Ganguli 2018, Methods"),
    "tau_syn": (5 * ms, "synaptic time constant of the targets", "Zenke & Ganguli 2018, Methods"),
    "trial_steps": (5000, "steps of one trial", "neurosims: set from the task's trial length"),
}
