"""Plasticity models of the neurosims library."""
