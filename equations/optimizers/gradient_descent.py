"""Gradient descent on the accumulated gradient, at every weight update (once per batch).

w <- clip(w - eta gradient_scale g, w_min, w_max); g <- 0. gradient_scale (1/batch size,
1/learning window, ...) is set by the experiment (NEST 3.10 weight_optimizer: batch mean,
optional average over the learning window). No update at t = 0 of a run: every run of an
e-prop experiment ends with the update of its last batch. With eta = 0 (learning off) the
weights stay and g is not cleared: after the run it holds the gradient summed over all its
trials.
"""

KIND = "optimizer"
CITATION = (
    "Bellec G, Scherr F, Subramoney A, Hajek E, Salaj D, Legenstein R, Maass W (2020). A solution "
    "to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. "
    "NEST 3.10 weight_optimizer (gradient_descent)."
)
SYNAPSE = """
w : 1
g : 1
"""
EQUATIONS = """
gradient_scale : 1 (shared)  # set by the experiment: 1/batch size (and 1/learning window)
"""
ON_UPDATE = """
learning = int(t > 0*second)*int(eta > 0)  # eta = 0: learning off
w = clip(w - learning*eta*gradient_scale*g, w_min, w_max)
g = g*(1 - learning)  # learning off: g sums the gradient of the whole run
"""
LEARNING_RATES = ("eta",)  # 0: no learning
PARAMETERS = {
    "eta": (1e-4, "learning rate", "NEST sine-wave example (eta 1e-4)"),
    "w_min": (-100.0, "lower bound of the weights", "NEST 3.10 weight_optimizer (Wmin -100)"),
    "w_max": (100.0, "upper bound of the weights", "NEST 3.10 weight_optimizer (Wmax 100)"),
}
