"""Values written by users (`--set`, `--grid`, exported overrides) and by model files: read from
their syntax tree, never evaluated as Python.

A value is a number, a Brian2 unit name, or unit arithmetic of them: `*`, `/`, a sign, `**`
with a whole-number exponent (at most 16), `sqrt(...)` and parentheses; or a list or tuple of
values. Anything else (names that are not units, attributes, other calls, subscripts, `+`,
strings, lambdas, ...) is refused in one line, and so is a result that is not finite
(`1e400`, `10.0**400`).
"""

from __future__ import annotations

import ast
import math
import operator

import numpy as np

from neurosims.errors import NeurosimsError

LARGEST_POWER = 16


def _units() -> dict:
    import brian2
    from brian2 import Quantity

    return {name: getattr(brian2, name) for name in dir(brian2)
            if isinstance(getattr(brian2, name), Quantity) and not name.startswith("_")}


_UNITS: dict | None = None


def units() -> dict:
    """Brian2's unit names (ms, Hz, mV, ...) and their quantities."""
    global _UNITS
    if _UNITS is None:
        _UNITS = _units()
    return _UNITS


_BINARY = {ast.Mult: operator.mul, ast.Div: operator.truediv}


def parse_value(text: str, lists: bool = True):
    """The value `text` stands for: a number, a Brian2 quantity, or a list of them."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise NeurosimsError(f"{text!r} is not a value: expected a number or units such as 40*Hz") from None
    return value_of(tree.body, text, lists)


def value_of(node: ast.AST, text: str, lists: bool = True):
    """The value of one node of a syntax tree (see the module docstring)."""
    value = _value(node, text, lists)
    _check_finite(value, text)
    return value


def _value(node, text, lists):
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, (int, float)):  # bool is an int: True and False are read
            raise NeurosimsError(f"{text!r}: {node.value!r} is not a number")
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in units():
            raise NeurosimsError(f"{text!r}: {node.id!r} is not a unit (such as ms, Hz, mV)")
        return units()[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _value(node.operand, text, lists)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, text, lists), _value(node.right, text, lists)
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise NeurosimsError(f"{text!r}: division by zero") from None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        exponent = node.right
        sign = 1
        if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub):
            exponent, sign = exponent.operand, -1
        if not (isinstance(exponent, ast.Constant) and isinstance(exponent.value, int)
                and not isinstance(exponent.value, bool)):
            raise NeurosimsError(f"{text!r}: ** takes a whole number as its exponent")
        if exponent.value > LARGEST_POWER:
            raise NeurosimsError(f"{text!r}: exponents go up to {LARGEST_POWER}")
        base = _value(node.left, text, lists)
        base = float(base) if isinstance(base, int) else base
        try:
            return base ** (sign * exponent.value)
        except (OverflowError, ZeroDivisionError):
            raise NeurosimsError(f"{text!r} is not a finite number") from None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sqrt" \
            and len(node.args) == 1 and not node.keywords:
        import brian2

        inner = _value(node.args[0], text, lists)
        if np.any(np.asarray(inner) < 0):
            raise NeurosimsError(f"{text!r}: the square root of a negative value")
        return brian2.sqrt(inner)
    if lists and isinstance(node, (ast.List, ast.Tuple)):
        return [_value(element, text, lists) for element in node.elts]
    raise NeurosimsError(f"{text!r} is not a value: only numbers, units, * / ** (whole exponents), sqrt() "
                      f"and lists are read")


def _check_finite(value, text):
    if isinstance(value, list):
        for element in value:
            _check_finite(element, text)
        return
    if isinstance(value, bool):
        return
    number = float(np.asarray(value))
    if not math.isfinite(number):
        raise NeurosimsError(f"{text!r} is not a finite number")
