"""The one error type that reaches users: a single line saying what is wrong and where."""


class NeurosimsError(Exception):
    """Bad input (a model file, a parameter, a preset, a path).

    The command-line interface prints the message on one line, without a traceback.
    """
