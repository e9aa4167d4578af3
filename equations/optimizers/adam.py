"""Adam on the accumulated gradient, at every weight update (once per batch).

With g_hat = gradient_scale g and n the number of updates so far (Kingma & Ba 2015, Alg. 1;
the TensorFlow form NEST 3.10 uses):
    m <- beta_1 m + (1 - beta_1) g_hat;  v <- beta_2 v + (1 - beta_2) g_hat^2
    w <- clip(w - eta sqrt(1 - beta_2^n)/(1 - beta_1^n) m/(sqrt(v) + epsilon), w_min, w_max)
No update at t = 0 of a run: every run of an e-prop experiment ends with the update of its
last batch. With eta = 0 (learning off) the weights, the moments and the count of updates
stay as they are, and g is not cleared: after the run it holds the gradient summed over all
its trials, which the gradient checks read.
"""

KIND = "optimizer"
CITATION = (
    "Kingma DP, Ba J (2015). Adam: a method for stochastic optimization. ICLR. "
    "As in NEST 3.10 weight_optimizer (adam) and Bellec et al. 2020."
)
SYNAPSE = """
w : 1
g : 1
"""
EQUATIONS = """
gradient_scale : 1 (shared)  # set by the experiment: 1/batch size (and 1/learning window)
n_updates : 1 (shared)       # updates so far (bias correction); state carried between runs
m_adam : 1                   # first moment of the gradient
v_adam : 1                   # second moment of the gradient
"""
ON_UPDATE = """
n_updates += int(t > 0*second)*int(eta > 0)  # eta = 0: learning off
learning = int(t > 0*second)*int(eta > 0)
m_adam += learning*(1 - beta_1)*(gradient_scale*g - m_adam)
v_adam += learning*(1 - beta_2)*((gradient_scale*g)**2 - v_adam)
step = eta*sqrt(1 - beta_2**clip(n_updates, 1, inf))/(1 - beta_1**clip(n_updates, 1, inf))  # n >= 1: finite at t = 0
w = clip(w - learning*step*m_adam/(sqrt(v_adam) + epsilon), w_min, w_max)
g = g*(1 - learning)  # learning off: g sums the gradient of the whole run
"""
LEARNING_RATES = ("eta",)  # 0: no learning
PARAMETERS = {
    "eta": (5e-3, "learning rate", "Bellec et al. 2020, Methods; NEST evidence example (5e-3)"),
    "beta_1": (0.9, "decay of the first moment", "Kingma & Ba 2015"),
    "beta_2": (0.999, "decay of the second moment", "Kingma & Ba 2015"),
    "epsilon": (1e-8, "added to sqrt(v)", "Kingma & Ba 2015; NEST 3.10"),
    "w_min": (-100.0, "lower bound of the weights", "NEST 3.10 weight_optimizer (Wmin -100)"),
    "w_max": (100.0, "upper bound of the weights", "NEST 3.10 weight_optimizer (Wmax 100)"),
}
