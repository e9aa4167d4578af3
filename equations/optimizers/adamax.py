"""Adamax on the accumulated gradient, at every weight update where the postsynaptic
neuron's gate was open in the last step (Kingma & Ba 2015, Alg. 2; as torch.optim.Adamax,
which the DECOLLE authors call with betas (0, 0.95) after every time step past the burn-in):
    m <- beta_1 m + (1 - beta_1) g;  u <- max(beta_2 u, |g| + epsilon);  b1 <- beta_1 b1
    w <- w - eta/(1 - b1) m/u
(b1 = beta_1^n after n updates, kept as a product: no power per synapse and step)
then g is cleared. With eta = 0 (learning off) or the gate closed (the burn-in: no optimizer
step there in the authors' code), nothing changes. The gradient of a run's last step is
applied at the start of the next run (the gate is carried between runs).
"""

KIND = "optimizer"
CITATION = (
    "Kingma DP, Ba J (2015). Adam: a method for stochastic optimization. ICLR (Adamax, Alg. 2). "
    "As torch.optim.Adamax in the DECOLLE authors' code."
)
SYNAPSE = """
w : 1
g : 1
"""
EQUATIONS = """
b1_adamax : 1  # beta_1 to the power of the updates so far (bias correction; 1 before the first)
m_adamax : 1  # first moment of the gradient
u_adamax : 1  # infinity norm of the gradients
"""
ON_UPDATE = """
learning = int(eta > 0)*gate_post
b1_adamax *= 1 - learning*(1 - beta_1)
m_adamax += learning*(1 - beta_1)*(g - m_adamax)
u_adamax = learning*clip(beta_2*u_adamax, abs(g) + epsilon, inf) + (1 - learning)*u_adamax  # max(., .)
w -= learning*eta/clip(1 - b1_adamax, epsilon, inf)*m_adamax/clip(u_adamax, epsilon, inf)
g = 0
"""
POST = "gate : 1"
LEARNING_RATES = ("eta",)  # 0: no learning
PARAMETERS = {
    "eta": (1e-3, "learning rate", "decolle-public scripts/parameters/params_nmnist.yml (learning_rate 1e-3)"),
    "beta_1": (0.0, "decay of the first moment", "decolle-public params_nmnist.yml (betas [0, 0.95])"),
    "beta_2": (0.95, "decay of the infinity norm", "decolle-public params_nmnist.yml (betas [0, 0.95])"),
    "epsilon": (1e-8, "added to |g|", "torch.optim.Adamax default (eps 1e-8)"),
}
