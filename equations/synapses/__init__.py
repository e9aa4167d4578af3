"""Synapses models of the neurosims library."""
