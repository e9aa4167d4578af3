"""Units of values and the one-line form of Brian2's errors."""

from __future__ import annotations

import brian2
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


UNITS_NAMESPACE = {
    name: getattr(brian2, name)
    for name in dir(brian2)
    if isinstance(getattr(brian2, name), Quantity) or name in ("sqrt", "exp", "log", "pi")
}


def parse_quantity(text: str, expected, name: str):
    """Read ``--set name=text``: a number or a Brian2 expression with units (``40*Hz``), checked
    against the unit of the default value ``expected``."""
    if isinstance(expected, str):  # a text field (a matrix, a file): its owner checks it
        return text
    try:
        value = eval(text, {"__builtins__": {}}, dict(UNITS_NAMESPACE))  # units and numbers only
    except Exception:
        raise NeurosimsError(f"cannot read a value for {name} from {text!r}: expected a number "
                             f"or an expression with units such as 40*Hz") from None
    return checked_value(value, expected, name, repr(text))


def checked_value(value, expected, name: str, shown: str | None = None):
    """`value` for a field or parameter whose default is `expected`: of the same unit (a
    number for a dimensionless one), a whole number where the default is one, true or false
    where it is; refused in one line otherwise. `shown`: how the value was written."""
    shown = shown or repr(value)
    if isinstance(expected, str):
        if not isinstance(value, str):
            raise NeurosimsError(f"{name} must be a text, not {shown}")
        return value
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
    if isinstance(expected, int) and want is DIMENSIONLESS:
        if float(value) != int(value):
            raise NeurosimsError(f"{name} must be a whole number, not {shown}")
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
