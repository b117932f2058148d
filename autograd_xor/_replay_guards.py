"""What a compiled replay assumes, recorded while fn runs eagerly, and checked on every call.

A replay does not run fn: it reruns the graph fn built last time. That is right only while
fn would build the same graph from the same numbers. So, like the guards of
`torch.compile`, the replay records what fn's result depended on and checks it before each
replay, at a cost that grows with fn's inputs, not with its graph:

* *state*: everything fn can reach through its closure cells, the globals its code names,
  its defaults (and, for a bound method or callable object, the object): Values by identity
  (rebinding a parameter to a new Value is a change), plain numbers by their bits, lists,
  tuples and dicts by their shape, other objects by identity and their attributes;
* *arguments*: their structure (types, lengths, Values by identity);
* *traced numbers*: the floats of fn's arguments and every `.data` that fn's own code reads
  (as opposed to the engine's own arithmetic). While tracing, fn gets each as a
  `TracedFloat`, which behaves as the float and records what fn does with it: what it
  computes from it (`-y`, `2 * y`) the replay recomputes from the new numbers; a comparison
  (`if w.data < 5`) becomes a condition that must come out the same; any other use
  (`math.exp(y)`, `str(y)`, an exponent) pins the number: it must keep its bits.

Recording swaps the `data` and `grad` slots of `Value` for properties while fn runs, and
looks at the reading frame: reads made by the engine's own modules are the ops' arithmetic,
which the replay recomputes; any other read is fn's.

    >>> from autograd_xor import Value
    >>> w = Value(2.0)
    >>> rec = Recorder()
    >>> with recording(rec):
    ...     y = w * 3.0 if w.data > 0 else w      # fn's own read, and the engine's
    >>> [(source is w, op, result) for (source, _, _), (op, _, _, result, _)
    ...  in zip(rec.sources, rec.conditions)]
    [(True, '>', True)]
"""

import array
import collections
import functools
import math
import random
import struct
import sys
import sysconfig
import threading
import types
from contextlib import contextmanager
from itertools import chain
from numbers import Real
from operator import is_
from typing import Any

from . import engine as _engine, modes as _modes, ops as _ops
from .engine import Value

__all__ = ["Recorder", "Snapshot", "TracedFloat", "condition_code", "flatten_args", "proxied_args",
           "recording", "same_bits", "state_roots"]

_DATA = Value.__dict__["data"]        # the slots, as member descriptors
_GRAD = Value.__dict__["grad"]
_ENGINE = {id(m.__dict__) for m in (_engine, _ops, _modes)}
_NUMBER = _engine._number.__code__
_F64 = struct.Struct("<d")


def same_bits(a, b):
    """True when floats a and b have the same bits (so -0.0 is not 0.0, and a nan is the
    nan it was).

        >>> same_bits(0.0, -0.0), same_bits(float("nan"), float("nan")), same_bits(1.5, 1.5)
        (False, True, True)
    """
    return a is b or type(a) is type(b) is float and _F64.pack(a) == _F64.pack(b) or \
        type(a) is not float and type(b) is not float and a == b


# --- recording fn's own reads and writes -------------------------------------------------

class _Local(threading.local):
    recorder = None


_active = _Local()
_lock = threading.Lock()
_installed = 0


class Recorder:
    """What fn did while it ran under `recording`: its own `.data`/`.grad` reads and writes,
    and what it did with its traced numbers.

    Each traced number fn gets, an argument float or a `.data` that its own code read, has a
    *slot*: the arguments' floats first, then the reads (`sources[slot]` is the Value read,
    or None for an argument). For each slot: `conversions` (the plain floats the engine got
    from TracedFloats computed from it, which a replay can recompute), `conditions` (the
    comparisons fn made: a replay holds while each comes out the same) and `tainted` (any
    other use: a replay holds while the number is the same). `reads` are the reads a replay
    can only hold to their numbers (`.grad`, or all reads when `proxies` is off)."""

    def __init__(self, slots=0, proxies=True):
        self.proxies = proxies
        self.reads, self.writes = [], []
        # per slot: None, or (Value, where, number read)
        self.sources: list[tuple[Any, Any, float] | None] = [None] * slots
        self.read_slots = {}               # id(Value) -> its slot
        self.conversions = {}              # id(float) -> (the float, the TracedFloat)
        self.conditions = []               # (op, left, right, result, where)
        self.tainted = {}                  # slot -> where fn used it otherwise

    def read(self, v, x, where):
        """fn's own code read v.data, which is x: a TracedFloat of v's slot (or x itself
        when not using stand-ins)."""
        if not self.proxies:
            self.reads.append((v, "data", x, where))
            return x
        slot = self.read_slots.get(id(v))
        if slot is None:
            slot = self.read_slots[id(v)] = len(self.sources)
            self.sources.append((v, where, x))
        return TracedFloat(x, self, slot=slot)

    def convert(self, proxy):
        """The float the engine gets for a TracedFloat: a new object, so that the trace can
        tell where each number of the graph came from."""
        x = _F64.unpack(_F64.pack(proxy._x))[0]
        self.conversions[id(x)] = (x, proxy)
        return x

    def taint(self, proxy, frame):
        where = _where(frame)
        for slot in proxy.slots():
            self.tainted.setdefault(slot, where)


def _where(frame):
    return f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})"


def _by_fn(frame):
    return id(frame.f_globals) not in _ENGINE


# The properties that stand in for the slots while fn is traced. They are on the hot path
# of every op while recording, so the common case (the engine reading) is kept short.

def _getter(slot, record):
    """A property's getter for `slot` that hands fn's own reads to `record`."""
    def getter(v, get=slot.__get__, frame_of=sys._getframe, local=_active,
               engine=_engine.__dict__):
        rec = local.recorder
        if rec is not None:
            frame = frame_of(1)
            if frame.f_globals is not engine and _by_fn(frame):
                return record(rec, v, get(v), _where(frame))
        return get(v)
    return getter


def _setter(slot, attr):
    """A property's setter for `slot` that records fn's own writes (and gives the engine
    a traceable float for a TracedFloat)."""
    def setter(v, x, put=slot.__set__, frame_of=sys._getframe, local=_active,
               engine=_engine.__dict__):
        rec = local.recorder
        if rec is not None:
            if type(x) is TracedFloat:
                x = rec.convert(x)
            frame = frame_of(1)
            if frame.f_globals is not engine and _by_fn(frame):
                rec.writes.append((v, attr, _where(frame)))
        put(v, x)
    return setter


def _read_grad(rec, v, x, where):
    rec.reads.append((v, "grad", x, where))
    return x


def _item(v):
    """Value.item() while recording: fn's own read of the number."""
    rec = _active.recorder
    x = _DATA.__get__(v)
    return x if rec is None else rec.read(v, x, _where(sys._getframe(1)))


_item.__doc__ = Value.item.__doc__
_ATTRIBUTES = {"data": property(_getter(_DATA, Recorder.read), _setter(_DATA, "data")),
               "grad": property(_getter(_GRAD, _read_grad), _setter(_GRAD, "grad")),
               "item": _item}
_ORIGINAL = {name: Value.__dict__[name] for name in _ATTRIBUTES}


@contextmanager
def recording(rec):
    """Record into `rec` what the code run inside does in this thread (see `Recorder`).
    While any thread records, `Value.data` and `Value.grad` are properties."""
    global _installed
    with _lock:
        _installed += 1
        if _installed == 1:
            for name, attribute in _ATTRIBUTES.items():
                setattr(Value, name, attribute)
    outer, _active.recorder = _active.recorder, rec
    try:
        yield rec
    finally:
        _active.recorder = outer
        with _lock:
            _installed -= 1
            if _installed == 0:
                for name, attribute in _ORIGINAL.items():
                    setattr(Value, name, attribute)


# --- the floats of fn's arguments ---------------------------------------------------------

class TracedFloat:
    """A number that fn gets while it is traced, an argument float or a `.data` its own
    code reads: it behaves as the float, and records what fn does with it. Arithmetic
    (`+ - * / // % ** abs`) gives another TracedFloat that remembers how it was computed;
    the engine converts it to a plain float the trace can follow back; a comparison (or
    `bool()`) is recorded as a condition; showing it (`str`, `repr`, f-strings) is no use;
    any other use (`float(y)`, `math.exp(y)`, `round(y)`, an attribute) *taints* the
    numbers it came from, and gives the plain answer.

        >>> rec = Recorder(slots=1)
        >>> y = TracedFloat(2.5, rec, slot=0)
        >>> z = -y * 2
        >>> z.code(lambda slot: f"A[{slot}]"), z > 0, float(z), sorted(rec.tainted)
        ('((-A[0]) * (2))', False, -5.0, [0])
        >>> [(op, result) for op, _, _, result, _ in rec.conditions]
        [('>', False)]
    """

    __slots__ = ("_x", "_rec", "_op", "_args")

    def __init__(self, x, rec, slot=None, op=None, args=()):
        self._x, self._rec, self._op = x, rec, op
        self._args = (slot,) if op is None else args

    def slots(self):
        """The slots this number was computed from."""
        out, stack, seen = set(), [self], set()
        while stack:
            p = stack.pop()
            if id(p) in seen:
                continue
            seen.add(id(p))
            if p._op is None:
                out.add(p._args[0])
            else:
                stack.extend(a for a in p._args if type(a) is TracedFloat)
        return out

    def code(self, slot_code, names=None):
        """Python source for this number from the slots (`slot_code(slot)`); `names` maps
        the id of a TracedFloat already computed to its variable."""
        if names is not None and id(self) in names:
            return names[id(self)]
        if self._op is None:
            return slot_code(self._args[0])
        parts = [a.code(slot_code, names) if type(a) is TracedFloat else _literal(a)
                 for a in self._args]
        if len(parts) == 1:
            return f"({self._op}{parts[0]})" if self._op != "abs" else f"abs({parts[0]})"
        return f"({parts[0]} {self._op} {parts[1]})"

    def _taint(self):
        self._rec.taint(self, sys._getframe(2))

    def __float__(self):
        if sys._getframe(1).f_code is _NUMBER:      # the engine's _number: traced
            return self._rec.convert(self)
        self._rec.taint(self, sys._getframe(1))
        return self._x

    def __bool__(self):
        result = bool(self._x)
        self._rec.conditions.append(("bool", self, None, result, _where(sys._getframe(1))))
        return result

    def __repr__(self):                             # showing it is not using it
        return repr(self._x)

    def __str__(self):
        return str(self._x)

    def __format__(self, spec):
        return format(self._x, spec)

    def __getattr__(self, name):                    # is_integer(), hex(), real, ...
        self._taint()
        return getattr(self._x, name)


def _literal(x):
    if type(x) is float:
        return f"({x!r})" if math.isfinite(x) else \
            ("nan" if x != x else "inf" if x > 0 else "(-inf)")
    return f"({int(x)!r})" if type(x) is bool else f"({x!r})"


def condition_code(op, left, right, slot_code):
    """Python source that is true while a recorded condition comes out as it did."""
    a = left.code(slot_code)
    if op == "bool":
        return f"bool({a})"
    b = right.code(slot_code) if type(right) is TracedFloat else _literal(right)
    return f"({a} {op} {b})"


def _number_of(x):
    t = type(x)
    if t is TracedFloat:
        return x._x
    if t is float or t is int or t is bool:
        return x
    return NotImplemented


def _arith(symbol, fn, reflected=False):
    def method(self, other):
        y = _number_of(other)
        if y is NotImplemented:
            return NotImplemented           # e.g. a Value: its own reflected method runs
        x = fn(y, self._x) if reflected else fn(self._x, y)
        if type(x) is not float:            # e.g. a complex power: not a float to follow
            self._rec.taint(self, sys._getframe(1))
            if type(other) is TracedFloat:
                self._rec.taint(other, sys._getframe(1))
            return x
        args = (other, self) if reflected else (self, other)
        return TracedFloat(x, self._rec, op=symbol, args=args)
    return method


def _compare(symbol, fn):
    def method(self, other):
        y = _number_of(other)
        if y is NotImplemented:
            return NotImplemented
        result = fn(self._x, y)
        self._rec.conditions.append((symbol, self, other, result, _where(sys._getframe(1))))
        return result
    return method


def _unary(symbol, fn):
    def method(self):
        return TracedFloat(fn(self._x), self._rec, op=symbol, args=(self,))
    return method


def _tainting(name):
    def method(self, *args):
        self._rec.taint(self, sys._getframe(1))
        plain = [a._x if type(a) is TracedFloat else a for a in args]
        for a in args:
            if type(a) is TracedFloat:
                a._rec.taint(a, sys._getframe(1))
        return getattr(self._x, name)(*plain)
    return method


for _name, _symbol, _fn in [("add", "+", lambda a, b: a + b),
                            ("sub", "-", lambda a, b: a - b),
                            ("mul", "*", lambda a, b: a * b),
                            ("truediv", "/", lambda a, b: a / b),
                            ("floordiv", "//", lambda a, b: a // b),
                            ("mod", "%", lambda a, b: a % b),
                            ("pow", "**", lambda a, b: a ** b)]:
    setattr(TracedFloat, f"__{_name}__", _arith(_symbol, _fn))
    setattr(TracedFloat, f"__r{_name}__", _arith(_symbol, _fn, reflected=True))
for _name, _symbol, _fn in [("lt", "<", lambda a, b: a < b), ("le", "<=", lambda a, b: a <= b),
                            ("gt", ">", lambda a, b: a > b), ("ge", ">=", lambda a, b: a >= b),
                            ("eq", "==", lambda a, b: a == b),
                            ("ne", "!=", lambda a, b: a != b)]:
    setattr(TracedFloat, f"__{_name}__", _compare(_symbol, _fn))
TracedFloat.__neg__ = _unary("-", lambda a: -a)    # type: ignore[operator]
TracedFloat.__pos__ = _unary("+", lambda a: +a)    # type: ignore[operator]
TracedFloat.__abs__ = _unary("abs", abs)           # type: ignore[attr-defined]
for _name in ["hash", "int", "round", "trunc", "floor", "ceil", "divmod", "rdivmod"]:
    setattr(TracedFloat, f"__{_name}__", _tainting(f"__{_name}__"))
Real.register(TracedFloat)


# --- what fn can reach: its closure, the globals it names, its defaults -------------------

_STDLIB = sysconfig.get_paths()["stdlib"]
_PLAIN = frozenset({int, str, bool, bytes, range, complex, type(None)})
_OPAQUE = (types.ModuleType, types.BuiltinFunctionType, types.CodeType, threading.Thread,
           type(threading.Lock()), types.GeneratorType)
_names_cache: dict[Any, Any] = {}


def _global_names(code):
    """The names code (and the functions and comprehensions inside it) may read as
    globals or as attributes."""
    names = _names_cache.get(code)
    if names is None:
        names = set(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names.update(_global_names(const))
        _names_cache[code] = names = tuple(sorted(names))
    return names


def _is_library(obj):
    """Functions and classes of this package and of Python's own library: what they read
    is taken to stay as it is (the package's op table, `math.exp`)."""
    name = getattr(obj, "__module__", None) or getattr(obj, "__name__", "") or ""
    if name == "autograd_xor" or name.startswith("autograd_xor."):
        return True
    library = _LIBRARY.get(name)
    if library is None:
        filename = getattr(sys.modules.get(name), "__file__", None) or ""
        library = _LIBRARY[name] = name in sys.builtin_module_names or (
            filename.startswith(_STDLIB) and "-packages" not in filename)
    return library


_LIBRARY: dict[Any, Any] = {}


def state_roots(fn, getters=None):
    """[(name, object)]: what fn can read besides its arguments. With a `getters` list,
    also appends, per root that can change, (code, objects, root): Python code that
    gets it again ({0}, {1}.. the objects), for Snapshot's fast check.

        >>> k = 2.0
        >>> def f(x):
        ...     return x * k
        >>> [name for name, _ in state_roots(f)]
        ['global k']
    """
    roots = []

    def add(name, obj, code=None, *objects):
        roots.append((name, obj))
        if getters is not None and code is not None:
            getters.append((code, objects, obj))
    if isinstance(fn, types.MethodType):
        add("self", fn.__self__)
        fn = fn.__func__
    elif not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)) and \
            callable(fn) and not isinstance(fn, type):
        add("the callable object", fn)
        fn = type(fn).__call__
    if not isinstance(fn, types.FunctionType):
        return roots
    code = fn.__code__
    for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
        add(f"closure variable {name}", _cell_contents(cell), "_cell({0})", cell)
    if fn.__defaults__:
        add("defaults", fn.__defaults__, "{0}.__defaults__", fn)
    if fn.__kwdefaults__:
        add("keyword defaults", fn.__kwdefaults__, "{0}.__kwdefaults__", fn)
    names = _global_names(code)
    found = fn.__globals__
    for name in names:
        if name not in found:
            continue
        value = found[name]
        add(f"global {name}", value, f"{{0}}.get({name!r}, E)", found)
        if value is random:                   # random.random(): the module's generator
            add(f"global {name}'s generator", random._inst, "{0}._inst", random)
        if isinstance(value, types.ModuleType) and not _is_library(value):
            for attr in names:                # config.lr: the module's numbers fn names
                x = getattr(value, attr, None)
                if x is not None and not callable(x) and \
                        not isinstance(x, types.ModuleType):
                    add(f"global {name}.{attr}", x, f"getattr({{0}}, {attr!r}, None)", value)
    return roots


def _cell_contents(cell):
    try:
        return cell.cell_contents
    except ValueError:                        # a closure variable not bound yet
        return _EMPTY


_EMPTY = object()


class Snapshot:
    """A picture of what fn can read, to tell whether it is still the same.

    Two pictures of the same objects: a fast one, the objects themselves (the roots, and
    every list, dict and object's attributes they reach, compared by identity, in one
    generated function), and a full one, flattened (objects by identity, floats by their
    bits, the rest by value), which also tells what changed. When the fast one fails (e.g.
    a float replaced by an equal one), the full one decides, and the fast one is taken
    again.

        >>> from autograd_xor import Value
        >>> w, data = Value(1.0), [[0.5, -1.0], [2.0, 3.0]]
        >>> s = Snapshot([("x", data), ("w", w)])
        >>> s.holds(), s.differs([("x", data), ("w", w)])
        (True, None)
        >>> data[1][0] = 2.5
        >>> s.holds(), s.differs([("x", data), ("w", w)])
        (False, 'x: its numbers changed')
    """

    def __init__(self, roots, getters=()):
        self._take(roots, getters)

    def _take(self, roots, getters):
        checks = [("{0}", code, objects + (root,)) for code, objects, root in getters]
        self.parts = [(name,) + _flatten(obj, checks) for name, obj in roots]
        self.holds = _compiled_checks(checks)

    def object_ids(self):
        """The ids of the objects the snapshot holds (and keeps alive)."""
        return {id(x) for _, _, objs, _ in self.parts for x in objs}

    def differs(self, roots, getters=()):
        """None if the objects look as they did, else which root changed and how (the full
        comparison; `holds()` is the fast one)."""
        if len(roots) != len(self.parts):
            return "what fn can read changed"
        for (name, vals, objs, nums), (_, obj) in zip(self.parts, roots):
            vals2, objs2, nums2 = _flatten(obj)
            if vals2 != vals:
                return f"{name}: its shape or its non-float contents changed"
            if len(objs2) != len(objs) or not all(map(is_, objs2, objs)):
                return f"{name}: it holds another object (e.g. a parameter rebound to a " \
                       f"new Value)"
            if nums2 != nums:
                return f"{name}: its numbers changed"
        self._take(roots, getters)             # the same, in other objects
        return None


def _flatten(obj, checks=None):
    vals: list[Any] = []
    objs: list[Any] = []
    nums: list[float] = []
    _walk(obj, vals, objs, nums, {}, 0, None, checks)
    return vals, objs, array.array("d", nums).tobytes()


# The fast checks: one per root and per mutable thing the walk passed, each true while it
# holds the same objects (and so, with the others, the same numbers). A check is a kind,
# Python code in {0}, {1}.. and the objects they stand for.

_CHECKS = {
    "items": "len({0}) == {2} and all(map(is_, {0}, {1}))",
    "rows": ("len({0}) == len({1}) and all(map(is_, {0}, {1})) and "
             "tuple(map(len, {0})) == {2} and all(map(is_, chain.from_iterable({0}), {3}))"),
    "dict": ("len({0}) == len({1}) and all(map(is_, {0}.values(), {2})) and "
             "all(map(is_, {0}, {1}))"),
    "attrs": "all(map(is_, [getattr({0}, name, E) for name in {1}], {2}))",
    "value": "{1}({0}) == {2}",
}


def _compiled_checks(checks):
    """One function that is True while every check holds."""
    env = {"is_": is_, "chain": chain, "E": _EMPTY, "_cell": _cell_contents}
    conditions = []
    for kind, code, objects in checks:
        names = []
        for obj in objects:
            names.append(f"o{len(env)}")
            env[names[-1]] = obj
        if kind == "{0}":                   # a root: the code that gets it, is the root
            template = f"{code} is {{{len(objects) - 1}}}"
        else:
            template = _CHECKS[kind]
        conditions.append(template.format(*names))
    lines = [f"    if not ({' and '.join(conditions[c:c + 64])}): return False"
             for c in range(0, len(conditions), 64)]
    source = "def holds():\n" + "\n".join(lines + ["    return True"]) + "\n"
    # the guard is code generated here from the recorded conditions, not from user input
    exec(compile(source, "<autograd_xor.compile guards>", "exec"), env)  # noqa: S102
    return env["holds"]


def _same_items(c):
    return ("items", None, (c, tuple(c), len(c)))


def _same_rows(c):
    return ("rows", None, (c, tuple(c), tuple(map(len, c)), tuple(chain.from_iterable(c))))


def _same_dict(d):
    return ("dict", None, (d, tuple(d), tuple(d.values())))


def _same_attrs(x, names):
    return ("attrs", None, (x, names, tuple(getattr(x, name, _EMPTY) for name in names)))


def _same_value(x, get):
    return ("value", None, (x, get, get(x)))


def _kind(t):
    """How `_walk` pictures an object of type t (cached per type)."""
    kind = _KINDS.get(t)
    if kind is None:
        if issubclass(t, Value):
            kind = "value"
        elif issubclass(t, _OPAQUE) or getattr(t, "_replay_opaque", False):
            kind = "opaque"
        elif issubclass(t, types.FunctionType):
            kind = "function"
        elif issubclass(t, type):
            kind = "class"
        elif issubclass(t, functools.partial):
            kind = "partial"
        elif issubclass(t, types.MethodType):
            kind = "method"
        elif issubclass(t, random.Random):
            kind = "random"
        elif issubclass(t, (set, frozenset)):
            kind = "set"
        elif issubclass(t, collections.deque):
            kind = "deque"
        elif hasattr(t, "__dictoffset__") and t.__dictoffset__ or _slot_names(t):
            kind = "object"
        else:
            kind = "other"
        _KINDS[t] = kind
    return kind


_KINDS: dict[Any, Any] = {}


def _slot_names(t):
    return tuple(name for cls in t.__mro__ for name in getattr(cls, "__slots__", ())
                 if name not in ("__dict__", "__weakref__"))


def _walk(x, vals, objs, nums, seen, depth, slots, checks=None):
    """Append x's picture: floats to nums (or to `slots`, when given, for the floats that
    the lists, tuples and dicts of fn's arguments hold), objects to objs, the rest to vals;
    and, to `checks` when given, a fast check for each mutable thing passed."""
    t = type(x)
    if t is float:
        (nums if slots is None else slots).append(x)
        return
    if t in _PLAIN:
        vals.append(t)
        vals.append(x)
        return
    if t is list or t is tuple or t is dict or (isinstance(x, tuple) and
                                                hasattr(x, "_fields")):
        if id(x) in seen:
            vals.append(("again", seen[id(x)]))
            return
        seen[id(x)] = len(seen)
        if checks is not None and t is not tuple and t is not dict and t is list:
            checks.append(_same_items(x))
        if t is dict:
            if checks is not None:
                checks.append(_same_dict(x))
            vals.append(dict)
            vals.append(tuple(x))
            x = list(x.values())
        else:
            vals.append(t)
            vals.append(len(x))
        kinds = set(map(type, x))
        if kinds == _FLOAT:
            vals.append(float)
            (nums if slots is None else slots).extend(x)
        elif kinds <= _VALUES and kinds:
            vals.append(Value)
            objs.extend(x)
        elif kinds <= _PLAIN and kinds:
            vals.append(tuple(x))
        elif kinds and kinds <= _ROWS and set(map(type, chain.from_iterable(x))) <= _FLOAT:
            vals.append(tuple(map(type, x)))
            vals.append(tuple(map(len, x)))
            (nums if slots is None else slots).extend(chain.from_iterable(x))
            if checks is not None:
                checks.append(_same_rows(x))
        else:
            for y in x:
                vals.append(type(y))
                _walk(y, vals, objs, nums, seen, depth + 1, slots, checks)
        return
    objs.append(x)
    kind = _KINDS.get(t) or _kind(t)
    if kind == "value" or kind == "opaque" or depth > 40 or id(x) in seen:
        return
    seen[id(x)] = len(seen)
    if kind == "object":
        if not _is_library(t):                  # its class's attributes too
            _walk(t, vals, objs, nums, seen, depth + 1, None, checks)
        names = _SLOTS.get(t)
        if names is None:
            names = _SLOTS[t] = _slot_names(t)
        attrs = getattr(x, "__dict__", None)
        if checks is not None:
            if attrs is not None:
                checks.append(_same_dict(attrs))
            if names:
                checks.append(_same_attrs(x, names))
        if names:
            attrs = dict(attrs or {})
            for name in names:
                if hasattr(x, name):
                    attrs[name] = getattr(x, name)
        elif attrs is None:
            return
        vals.append(tuple(attrs))
        for y in list(attrs.values()):
            ty = type(y)
            if ty in _PLAIN:
                vals.append(ty)
                vals.append(y)
            elif ty is float:
                nums.append(y)
            elif ty in _VALUES:
                objs.append(y)
            else:
                _walk(y, vals, objs, nums, seen, depth + 1, None, checks)
    elif kind == "function":
        if not _is_library(x):
            getters: list[Any] | None = [] if checks is not None else None
            for name, root in state_roots(x, getters):
                vals.append(name)
                _walk(root, vals, objs, nums, seen, depth + 1, None, checks)
            if getters is not None:             # (exactly when checks is not None)
                checks += [("{0}", code, objects + (root,)) for code, objects, root in getters]
    elif kind == "method":
        _walk(x.__func__, vals, objs, nums, seen, depth + 1, None, checks)
        _walk(x.__self__, vals, objs, nums, seen, depth + 1, None, checks)
    elif kind == "class":
        if not _is_library(x):                  # class attributes, methods
            attrs = x.__dict__
            if checks is not None:
                checks.append(_same_dict(attrs))
            vals.append(tuple(attrs))
            for y in list(attrs.values()):
                _walk(y, vals, objs, nums, seen, depth + 1, None, checks)
    elif kind == "partial":
        for y in (x.func, x.args, x.keywords):
            _walk(y, vals, objs, nums, seen, depth + 1, None, checks)
        if checks is not None:
            checks.append(_same_value(x, lambda p: (p.func, p.args, p.keywords)))
    elif kind == "random":
        vals.append(x.getstate())               # numbers fn would draw from it
        if checks is not None:
            checks.append(_same_value(x, random.Random.getstate))
    elif kind == "set":
        vals.append(frozenset(x))
        if checks is not None:
            checks.append(_same_value(x, frozenset))
    elif kind == "deque":
        if checks is not None:
            checks.append(_same_items(x))
        _walk(list(x), vals, objs, nums, seen, depth + 1, None, checks)
    else:
        try:                                    # an array of numbers (array, numpy)
            view = memoryview(x)
        except TypeError:
            return
        vals.append((view.format, view.shape, view.tobytes()))
        if checks is not None:
            checks.append(_same_value(x, _buffer_bytes))


def _buffer_bytes(x):
    view = memoryview(x)
    return view.format, view.shape, view.tobytes()


_SLOTS: dict[Any, Any] = {}
_FLOAT = {float}
_ROWS = {list, tuple}
_VALUES = {Value, type(Value(0.0))}


# --- fn's arguments ----------------------------------------------------------------------

def flatten_args(args):
    """(picture, floats): the structure of fn's arguments, and the floats that its lists,
    tuples and dicts hold directly, in order (the replay's `A`)."""
    vals: list[Any] = []
    objs: list[Any] = []
    nums: list[float] = []
    slots: list[float] = []
    _walk(args, vals, objs, nums, {}, 0, slots)
    return (vals, objs, array.array("d", nums).tobytes()), slots


def proxied_args(args, rec):
    """A copy of the arguments in which each float that `flatten_args` counts as a slot is
    an TracedFloat of that slot (the lists, tuples and dicts that hold them are copies)."""
    slots = iter(range(sys.maxsize))
    done: dict[int, Any] = {}            # id(a list, tuple or dict) -> its copy

    def copy(x):
        t = type(x)
        if t is float:
            return TracedFloat(x, rec, slot=next(slots))
        if not (t is list or t is tuple or t is dict or
                isinstance(x, tuple) and hasattr(x, "_fields")):
            return x
        if id(x) in done:                 # seen before: flatten_args counts it once
            return done[id(x)]
        items = [copy(y) for y in (x.values() if t is dict else x)]
        new = dict(zip(x, items)) if t is dict else items if t is list else \
            tuple(items) if t is tuple else t._make(items)
        done[id(x)] = new
        return new
    return copy(args)
