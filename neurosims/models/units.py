"""Units of values and the one-line form of Brian2's errors."""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit

from neurosims.errors import NeurosimsError


def unit_string(value) -> str:
    """The unit of a value as Brian2 equations write it ('Hz', '1', 'second ** -0.5')."""
    dim = get_dimensions(value)
    return "1" if dim is DIMENSIONLESS else repr(get_unit(dim))


def same_value(a, b) -> bool:
    return get_dimensions(a) is get_dimensions(b) and np.allclose(np.asarray(a), np.asarray(b))


def parse_quantity(text: str, expected, name: str):
    """Read ``--set name=text``: a number or units (``40*Hz``, read by neurosims.values, never
    evaluated), checked against the default value ``expected``."""
    from neurosims.values import parse_value

    if isinstance(expected, str):  # a text field (a matrix, a file): its owner reads it
        return text
    if isinstance(expected, bool) and text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        value = parse_value(text)
    except NeurosimsError as err:
        if isinstance(expected, bool):
            raise NeurosimsError(f"{name} must be true or false (1 or 0), not {text!r}") from None
        raise NeurosimsError(f"cannot read a value for {name}: {err}") from None
    return checked_value(value, expected, name, repr(text))


# Whole-number fields (sizes, counts, iterations) take values in this range
LARGEST_WHOLE_NUMBER = 10**8


def checked_value(value, expected, name: str, shown: str | None = None):
    """`value` for a field or parameter whose default is `expected`: of the same unit (a
    number for a dimensionless one), a whole number where the default is one, true or false
    where it is; refused in one line otherwise. `shown`: how the value was written."""
    shown = shown or repr(value)
    if isinstance(expected, str):
        if not isinstance(value, str):
            raise NeurosimsError(f"{name} must be a text, not {shown}")
        return value
    if isinstance(expected, tuple):  # a tuple of numbers (periods, layer sizes, ...), maybe empty
        if not isinstance(value, (list, tuple)):
            raise NeurosimsError(f"{name} must be a list of numbers such as [1, 2], not {shown}")
        return tuple(checked_value(v, expected[0] if expected else 0.0, f"{name}[{k}]", repr(v))
                     for k, v in enumerate(value))
    if isinstance(expected, bool):
        if value not in (0, 1, True, False) or isinstance(value, Quantity) and not value.is_dimensionless:
            raise NeurosimsError(f"{name} must be true or false (1 or 0), not {shown}")
        return bool(value)
    if not isinstance(value, (int, float, np.number, Quantity)) or isinstance(value, bool):
        raise NeurosimsError(f"cannot read a value for {name} from {shown}: not a number")
    want, got = get_dimensions(expected), get_dimensions(value)
    if want is not got:
        raise NeurosimsError(f"unit mismatch for {name}: {shown} has unit {unit_string(value)}, "
                             f"expected {unit_string(expected)}")
    if not np.all(np.isfinite(np.asarray(value, dtype=float))):
        raise NeurosimsError(f"{name} must be a finite number, not {shown}")
    if isinstance(expected, int) and want is DIMENSIONLESS:
        if float(value) != int(value):
            raise NeurosimsError(f"{name} must be a whole number, not {shown}")
        if not 0 <= int(value) <= LARGEST_WHOLE_NUMBER:
            raise NeurosimsError(f"{name}={shown} is out of range: whole numbers here go from 0 to "
                                 f"{LARGEST_WHOLE_NUMBER:,}")
        return int(value)
    return value if isinstance(value, Quantity) else float(value)


def brian_error_message(err: BaseException) -> str:
    """The informative line of a Brian2 error, which may be wrapped several times."""
    messages = []
    while err is not None:
        text = " ".join(str(err).split())
        if text and not text.startswith("An error occurred when preparing an object"):
            messages.append(text)
        err = err.__cause__ or err.__context__
    # the innermost message says what is wrong; unit errors name variable and both units
    return messages[-1] if messages else "unknown Brian2 error"
