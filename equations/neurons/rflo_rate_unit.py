"""The rate unit of Murray's recurrent network (Murray 2019, Eq. 1), in discrete time.

In every step but a trial's first (whose state is the fixed h0):
    u = W_rec h[t-1] + W_in x[t]          (the summed variables u_rec and u_in)
    h = h[t-1] + (tanh(u) - h[t-1])/tau   (tau in steps)
u, f'(u) = 1 - tanh(u)^2 and `active` (0 in a trial's first step, where nothing is learned)
are computed after integration, while h is still h[t-1], which is when the rule reads them
(plasticity/rflo's PER_STEP); h steps at the end of the step (END_OF_STEP, ordered by the
experiment before the readouts read it). L is the learning signal fed back to the unit. The
step is a time step of the simulation: the network has no time unit of its own.
"""

KIND = "neuron"
CITATION = (
    "Murray JM (2019). Local online learning in recurrent networks with random feedback. eLife 8:e43299. "
    "doi:10.7554/eLife.43299; murray-lab/rflo-learning RFLO_Example.ipynb"
)
EQUATIONS = """
h : 1       # rate
h0 : 1      # rate at the start of every trial
u : 1       # total input
u_rec : 1   # recurrent input W_rec h[t-1]
u_in : 1    # external input W_in x[t]
df : 1      # f'(u)
L : 1       # learning signal
active : 1  # 1 in every step of a trial but the first
"""
PER_STEP = """
active = int((int(t/dt + 0.5) % int(trial_steps)) > 0)
u = u_rec + u_in
df = 1 - tanh(u)**2
"""
END_OF_STEP = "h = h + active*(tanh(u) - h)/tau"
NEW_SEQUENCE = "h = h0"
PARAMETERS = {
    "tau": (10.0, "time constant in steps", "Murray 2019, Methods; murray-lab/rflo-learning (tau_m=10)"),
    "trial_steps": (100, "steps of one trial", "murray-lab/rflo-learning (duration = 100)"),
}
