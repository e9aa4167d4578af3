"""Differentiable theta-neuron networks trained by their exact gradient (Huh & Sejnowski
2018): the gradient by backpropagation through the neurons' exact phase map in NumPy, held to
an ODE solver, to finite differences and to Brian2's simulation of the same map (network.py)."""
