"""The one check of a whole-number argument, and the one way to shorten a value shown in an
error message, for the library and the command line alike.

    >>> check_whole_number(3, "steps", minimum=1)
    3
    >>> check_whole_number(True, "steps")
    Traceback (most recent call last):
    ...
    ValueError: steps must be a whole number, got True
"""


def check_whole_number(value, what="", minimum=None):
    """`value` if it is a whole number (an int, not a bool) of at least `minimum`; otherwise
    a `ValueError` that names `what`."""
    if isinstance(value, bool) or not isinstance(value, int) or \
            (minimum is not None and value < minimum):
        least = "" if minimum is None else f" of at least {minimum}"
        raise ValueError(f"{what + ' ' if what else ''}must be a whole number{least}, "
                         f"got {value!r}")
    return value


def shorten(x, limit=60):
    """repr(x), cut to about `limit` characters, for error messages: a huge argument or a
    10 MB string in a file is never echoed whole.

        >>> shorten("ab"), shorten(10 ** 100, limit=40)
        ("'ab'", '10000000000000000000…000000000000 (101 characters)')
    """
    text = repr(x)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 20]}…{text[-12:]} ({len(text)} characters)"


def check_keys(given, expected, what, fix):
    """Raise a KeyError naming the keys of `given` missing from or unexpected by `expected`
    (`what` names the dict, `fix` says what to pass instead), or return None.

        >>> check_keys({"a": 1}, ["a", "b"], "load_state_dict: the state", "save it again")
        Traceback (most recent call last):
        ...
        KeyError: "load_state_dict: the state's keys do not match (missing: ['b']; unexpected: none); save it again"
    """
    missing = [k for k in expected if k not in given]
    extra = [k for k in given if k not in expected]
    if missing or extra:
        raise KeyError(f"{what}'s keys do not match (missing: "
                       f"{shorten(missing) if missing else 'none'}; unexpected: "
                       f"{shorten(extra) if extra else 'none'}); {fix}")
