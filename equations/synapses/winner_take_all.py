"""One spike per time step: counts, for each neuron, the neurons further above threshold.

Connect a group to itself all-to-all; a neuron whose count n_above is 0 holds the largest u
of the group. The discrete-time selection of Bourdoukan et al.'s code (only the neuron
furthest above threshold spikes in a step), written as a summed variable so that it runs
in generated code. Its summed variable must be updated after u is drawn and before the
threshold test (the experiment schedules it 'before_thresholds').
"""

KIND = "synapse"
CITATION = (
    "Brendel W, Bourdoukan R, Vertechi P, Machens CK, Deneve S (2020). Learning to represent "
    "signals spike by spike. PLOS Comput Biol 16(3):e1007692, code Learning.m "
    "([m,k] = max(V - Thresh - 0.01*randn))"
)
EQUATIONS = """
n_above_post = int(u_pre > u_post) : 1 (summed)  # 1 for each neuron further above threshold
"""
PRE = "u : 1"
POST = """
u : 1
n_above : 1
"""
PARAMETERS = {}
