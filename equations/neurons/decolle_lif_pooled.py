"""A DECOLLE layer's neuron under 2x2 max pooling: U = W P + b + R, its own spikes S driving
its refractory trace, as decolle_lif (Kaiser et al. 2020, Eqs. 1-4); its output is the pool's
(neurons/decolle_max_pool), and the rule's factor is the pool's for the neuron that holds its
window's maximum and 0 for the other three (the gradient of the max, as in the authors' code).

pool_* are linked to the neuron's pooled unit (the experiment gives the index); slot is the
neuron's place in its window (0-3 row-major; -1 outside every window, where the pooling drops
a last odd row or column). The factor is copied at the end of the step, after the pool's error
was fed back (order 6 of the end slot: the experiment schedules it).
"""

KIND = "neuron"
CITATION = (
    "Kaiser J, Mostafa H, Neftci E (2020). Synaptic plasticity dynamics for deep continuous local "
    "learning (DECOLLE). Front Neurosci 14:424. doi:10.3389/fnins.2020.00424"
)
EQUATIONS = """
U : 1      # membrane potential
U_ff : 1   # W P, summed from the layer's input synapses
U_b : 1    # the bias b, summed from the bias synapses
R : 1      # refractory trace
S : 1      # spike in this step (0 or 1), before pooling
gate : 1   # 1 in a step where the layer learns: training and past the sample's burn-in
count : 1  # spikes since the run started
slot : 1   # the neuron's place in its pooling window (0-3; -1: in none)
pool_argmax : 1 (linked)  # the pooled unit's argmax
pool_err : 1 (linked)     # its dL/dS
pool_smask : 1 (linked)   # its gate * dropout * sigma'(U)
pool_reg : 1 (linked)     # its regulariser gradient
err : 1    # the factors of the rule: the pool's where this neuron holds the maximum, else 0
smask : 1
reg : 1
"""
PER_STEP = """
R = alpha_rp*R - (1 - alpha_rp)*w_rp*S
U = U_ff + U_b + R
S = int(U > 0)
count += S
gate = training*int((int(t/dt + 0.5) % sample_steps) >= burnin)
"""
END_OF_STEP = """
err = int(pool_argmax == slot)*pool_err
smask = int(pool_argmax == slot)*pool_smask
reg = int(pool_argmax == slot)*pool_reg
"""
NEW_SEQUENCE = """
U = 0
R = 0
S = 0
"""
PARAMETERS = {
    "alpha_rp": (0.65, "decay of the refractory trace per step",
                 "decolle-public scripts/parameters/params_nmnist.yml (alpharp 0.65)"),
    "w_rp": (1.0, "strength of the refractory trace (soft reset)", "decolle 0.2 LenetDECOLLE default (wrp 1.0)"),
    "training": (1, "1 while training (dropout, learning), 0 when testing",
                 "decolle 0.2 utils.train / utils.test (training and test modes)"),
    "burnin": (60, "steps of each sample before learning starts",
               "decolle-public scripts/parameters/params_nmnist.yml (burnin_steps 60)"),
    "sample_steps": (300, "steps of one sample", "decolle-public params_nmnist.yml (chunk_size_train 300)"),
}
