"""Input neurons that replay a given spike pattern, with the presynaptic trace e-prop reads.

Neuron i spikes in step n when spikes_in(t, i) > 0.5 (a 0/1 TimedArray the experiment
fills). A spike reaches its targets in the next step, as every spike does in the e-prop
networks here (one step of delay, as in NEST's e-prop models). zbar is the spike train
filtered with the targets' membrane leak: z_bar[q] = alpha z_bar[q-1] + zeta x[q], x[q] the
spike arriving in step q (Bellec et al. 2020, Eq. 22 for LIF targets).
Variables are plain numbers in the units of NEST's e-prop models (mV, ms-based rates).
"""
from brian2 import ms

KIND = "input"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. "
    "doi:10.1038/s41467-020-17236-y"
)
EQUATIONS = """
x : 1     # 1 in the step this neuron's last spike arrives at its targets, else 0
zbar : 1  # presynaptic trace: arriving spikes filtered with the targets' membrane leak
"""
THRESHOLD = "spikes_in(t, i) > 0.5"
RESET = "x = 1"
PER_STEP = """
zbar = exp(-dt/tau_m)*zbar + (1 - leaky_input*exp(-dt/tau_m))*x  # zeta = 1 - alpha or 1
x = 0
"""
NEW_SEQUENCE = """
x = 0     # input arriving in the first step of a sequence is dropped (NEST)
zbar = 0
"""
TIMED_ARRAYS = {"spikes_in": 1}
PARAMETERS = {
    "tau_m": (20 * ms, "membrane time constant of the target neurons (alpha = exp(-dt/tau_m))",
              "Bellec et al. 2020, Methods (evidence accumulation: 20 ms); NEST eprop example"),
    "leaky_input": (0.0, ("1: inputs scaled by zeta = 1 - alpha (NEST regular_spike_arrival "
                          "False); 0: zeta = 1"),
                    "NEST 3.10 eprop_iaf_bsshslm_2020, regular_spike_arrival"),
}
