"""Input units carrying a signal c(t) and its leaky integral, the target x.

Unit j reads c_j(t) from the TimedArray c_in supplied by the experiment and integrates
dx/dt = -lambda x + c, the signal a predictive-coding network learns to represent.
"""
from brian2 import Hz

KIND = "input"
CITATION = (
    "Bourdoukan R, Barrett DGT, Machens CK, Deneve S (2012). Learning optimal spike-based "
    "representations. Advances in Neural Information Processing Systems 25."
)
EQUATIONS = """
c = c_in(t, i) : Hz             # input signal c_j(t)
dx/dt = -lambda_v*x + c : 1     # target x_j, the leaky integral of c_j
"""
TIMED_ARRAYS = {"c_in": Hz}
PARAMETERS = {
    "lambda_v": (50 * Hz, "leak rate of the target x (the same lambda as the neurons)",
                 "Bourdoukan et al. 2012, Eq. 1; Brendel et al. 2020 code Learning.m (lambd = 50)"),
}
