"""Differentiable theta-neuron networks trained by their exact gradient (Huh & Sejnowski
2018): the gradient by backpropagation through the Euler grid in NumPy, held to finite
differences and to Brian2's simulation of the same network (network.py)."""
