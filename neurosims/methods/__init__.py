"""Learning methods used by several experiments, each with the references it is held to:

    spike_coding/    spike-coding networks (Bourdoukan, Deneve and colleagues): predictive
                     coding and balance; their coding measures; the authors' Learning.m step
                     in NumPy, which the Brian2 network is held to
    eprop/           e-prop networks in generated code (Bellec et al. 2020); classification
                     with e-prop; the NumPy reference of the rule, backpropagation through
                     time, and NEST 3.10 as a peer
    erbp/            event-driven random back-propagation (Neftci et al. 2017) in generated
                     code; the NumPy reference of its neurons and rule; the non-spiking network
                     trained by random back-propagation it is compared with
    exact_gradient/  differentiable theta-neuron networks trained by their exact gradient
                     (Huh & Sejnowski 2018), in NumPy, and the same network in Brian2
"""
