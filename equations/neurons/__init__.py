"""Neurons models of the neurosims library."""
