"""Feedforward Hebbian rule: when neuron k spikes, its weights move towards alpha x.

F[:, k] += eps_f (alpha x - F[:, k]), applied at each postsynaptic spike, with x the target
held by the presynaptic input units. F converges to alpha times the spike-triggered average
of x.
"""

KIND = "plasticity"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25. "
    "Rule as in Brendel W et al. (2020) PLOS Comput Biol 16(3):e1007692, code Learning.m"
)
EQUATIONS = ""
ON_POST = "F += eps_f*(alpha*x_pre - F)"
PRE = "x : 1"
SYNAPSE = "F : 1"
LEARNING_RATES = ("eps_f",)  # 0: no learning
PARAMETERS = {
    "eps_f": (1e-4, "learning rate of the feedforward weights",
              "Brendel et al. 2020 code Learning.m (epsf = 0.0001)"),
    "alpha": (0.18, "scale of the target towards which F moves",
              "Brendel et al. 2020 code Learning.m (alpha = 0.18)"),
}
