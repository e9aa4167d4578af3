"""Inputs models of the neurosims library."""
