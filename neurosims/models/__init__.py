"""The model library, from model files to what Brian2 runs:

    files.py     find, read and check a model file (data only: equations, code, parameters)
    model.py     a loaded model; variants by substitution; synapses composed with their
                 plasticity rule and optimizer
    schedule.py  when each field of a model file runs within a time step; the Brian2 groups
                 and synapses that run models
    units.py     units of values, Brian2's errors in one line
"""

from neurosims.models.files import check_units, find_model, library, load_model_file, load_roles
from neurosims.models.model import (CODE_FIELDS, KINDS, Model, Parameter, combine, learning_rates,
                                    merge_parameters, structure)
from neurosims.models.schedule import STEP, make_group, make_synapses
from neurosims.models.units import brian_error_message, checked_value, parse_quantity, unit_string

__all__ = ["CODE_FIELDS", "KINDS", "STEP", "Model", "Parameter", "brian_error_message", "check_units",
           "checked_value", "combine", "find_model", "learning_rates", "library", "load_model_file",
           "load_roles", "make_group", "make_synapses", "merge_parameters", "parse_quantity", "structure",
           "unit_string"]
