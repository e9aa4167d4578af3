"""The visible layer of eRBP: stochastic data and label neurons (escape-noise SRM0 neurons).

Each neuron spikes with the escape rate rho = rho0 exp((drive - theta_esc)/delta_esc),
drawn every step with probability rho dt, then stays silent for its refractory period (a
spike during it is not emitted). drive(t, i) is set per sample by the experiment (a
TimedArray of one row per sample): for a pixel of intensity p in (0, 1], beta (p - p0) and
-1 (silent) for p = 0; for a label neuron, 0.98 - 0.5 for the sample's class and
1e-5 - 0.5 for the others while training, -10 (silent) while testing. With the authors'
values a white pixel fires near 235 Hz (the refractory period bounds it), a pixel at half
intensity near 27 Hz, and the true label's neuron about 250 Hz. These are the neurons the
authors used (not a Poisson encoding): their SRM0Group, with the encoding of their
experimentLib.create_data_rbp.
"""
from brian2 import Hz, ms

KIND = "input"
CITATION = (
    "Neftci EO, Augustine C, Paul S, Detorakis G (2017). Event-driven random back-propagation: enabling neuromorphic deep learning machines. Front Neurosci 11:324. doi:10.3389/fnins.2017.00324"
)
EQUATIONS = """
rho = rho0*exp((drive(t, i) - theta_esc)/delta_esc) : Hz  # escape rate
count : 1  # spikes since the run started
"""
THRESHOLD = "rand() < rho*dt"
RESET = "count += 1"
REFRACTORY = "tau_ref_visible"
TIMED_ARRAYS = {"drive": 1}
PARAMETERS = {
    "rho0": (100 * Hz, "escape rate at drive = theta_esc", "HBPNeurorobotics/auryn d7c2e58 src/auryn/SRM0Group.cpp init (100 Hz)"),
    "theta_esc": (0.1, "drive at which the escape rate is rho0", "HBPNeurorobotics/auryn d7c2e58 src/auryn/SRM0Group.cpp init (0.1)"),
    "delta_esc": (0.05, "softness of the escape rate", "HBPNeurorobotics/auryn d7c2e58 src/auryn/SRM0Group.cpp init (0.05)"),
    "tau_ref_visible": (4 * ms, "refractory period of the data and label neurons",
                "HBPNeurorobotics/auryn d7c2e58 experiments/exp_rbp_dual.cpp line 192; Neftci et al. 2017, Table 2 (4.0 ms)"),
}
