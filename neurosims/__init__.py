"""neurosims: spiking networks that learn with local plasticity rules, written as Brian2
equations, compiled once to C++ and run many times."""

__version__ = "0.1.0"
