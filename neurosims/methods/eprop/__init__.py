"""e-prop (Bellec et al. 2020) and the references it is held to:

    network.py         the e-prop network in generated code: shapes, blueprint, runs,
                       the roles every e-prop experiment shares
    classification.py  classification with e-prop (softmax, Adam, the original's stopping
                       criterion), its gradient compared with BPTT's
    reference.py       the rule in plain NumPy, from the model files' equations
    bptt.py            backpropagation through time on the same network: the exact gradient
    nest.py            the same network run by NEST 3.10 (a peer; optional)
"""
