"""Value: a scalar that remembers how it was computed.

Every operation has the same shape: compute the forward value, compute the local
derivative with respect to each input, and return a new node holding both. No closures
are stored, so a node holds no reference to itself and graphs are freed by reference
counting alone (no work for the cyclic garbage collector).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, Union, final

from app.engine import autodiff
from app.engine.errors import EngineError
from app.ops import OPS, Scalar, Undefined

Number = int | float
Operand = Union["Value", int, float]

_INF = math.inf
_new = object.__new__


def _checked(op: str, out: float, operands: tuple[float, ...]) -> float:
    """Return out if it is finite, else raise EngineError for op."""
    if out - out != 0.0:  # true only for inf and nan
        raise EngineError(op, operands, "result is not a finite number")
    return out


def _make(
    data: float,
    op: str,
    a: Value | None = None,
    b: Value | None = None,
    ga: float = 0.0,
    gb: float = 0.0,
    nary: tuple[tuple[Value, ...], tuple[float, ...]] | None = None,
    name: str | None = None,
    v: Value | None = None,
) -> Value:
    """Return a node with every slot set: the one way a Value is built.

    v is a new object unless given (`Value.__init__` passes the object Python made).
    """
    if v is None:
        v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v.name = name
    v.detail = None
    v.a = a
    v.b = b
    v.ga = ga
    v.gb = gb
    v.nary = nary
    v.pending = 0.0
    return v


@final
class Value:
    """A scalar node: its value, its gradient, and the ordered inputs it was made from.

    Read the inputs through `.inputs` and `.local_grads`. Inside, a node made from one or
    two nodes keeps them in the slots `a` and `b` (`b` None for one input) and their local
    derivatives in `ga` and `gb`, so that an operation allocates one object the garbage
    collector tracks instead of three. Any other number of inputs (a user function call)
    is the pair of tuples `nary`, with `a` None; a leaf has `a` and `nary` None. Every slot
    is always set (unused ones to None or 0.0: it costs no memory), by `_make`; `pending`
    belongs to `backward`.
    """

    __slots__ = ("a", "b", "data", "detail", "ga", "gb", "grad", "name", "nary", "op", "pending")

    data: float
    grad: float
    op: str
    name: str | None
    detail: Any
    a: Value | None
    b: Value | None
    ga: float
    gb: float
    nary: tuple[tuple[Value, ...], tuple[float, ...]] | None
    pending: float

    def __init__(
        self,
        data: Number,
        op: str = "",
        inputs: tuple[Value, ...] = (),
        local_grads: tuple[float, ...] = (),
        name: str | None = None,
    ) -> None:
        x = data if type(data) is float else float(data)
        if not inputs and not local_grads:  # a leaf: an input or a constant
            _make(x, op, None, None, 0.0, 0.0, None, name, self)
            return
        n = len(inputs)
        if n != len(local_grads) or n > 2:
            _make(x, op, None, None, 0.0, 0.0, (inputs, local_grads), name, self)
        elif n == 1:
            _make(x, op, inputs[0], None, local_grads[0], 0.0, None, name, self)
        else:
            _make(x, op, inputs[0], inputs[1], local_grads[0], local_grads[1], None, name, self)

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The nodes this one was made from, in operand order (a * a gives (a, a))."""
        a = self.a
        if a is None:
            nary = self.nary
            return () if nary is None else nary[0]
        b = self.b
        return (a,) if b is None else (a, b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(input) for each input, in the order of `inputs`."""
        if self.a is None:
            nary = self.nary
            return () if nary is None else nary[1]
        return (self.ga,) if self.b is None else (self.ga, self.gb)

    @classmethod
    def constant(cls, x: Number) -> Value:
        """Return a constant leaf (a number written in a formula)."""
        return cls(x, "const")

    @classmethod
    def node(
        cls, data: float, op: str, inputs: tuple[Value, ...], local_grads: tuple[float, ...]
    ) -> Value:
        """Return a custom operation node with the given value and local derivatives."""
        if len(inputs) != len(local_grads):
            raise ValueError("one local derivative per input is required")
        return cls(
            _checked(op, float(data), tuple(v.data for v in inputs)),
            op,
            inputs,
            tuple(float(g) for g in local_grads),
        )

    @property
    def is_leaf(self) -> bool:
        """True for inputs and constants (nodes made from no other node)."""
        return self.a is None and self.nary is None

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{op}{label})"

    # ----- arithmetic -------------------------------------------------------------
    # The finiteness check `out - out != 0.0` (true only for inf and nan) is written out in
    # the hot operations rather than calling _checked: it is the same test, one call fewer.
    def __add__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _make(float(other), "const")
        a, b = self.data, o.data
        out = a + b
        if out - out != 0.0:
            raise EngineError("+", (a, b), "result is not a finite number")
        return _make(out, "+", self, o, 1.0, 1.0)

    def __radd__(self, other: Number) -> Value:
        return _make(float(other), "const") + self

    def __sub__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _make(float(other), "const")
        a, b = self.data, o.data
        out = a - b
        if out - out != 0.0:
            raise EngineError("-", (a, b), "result is not a finite number")
        return _make(out, "-", self, o, 1.0, -1.0)

    def __rsub__(self, other: Number) -> Value:
        return _make(float(other), "const") - self

    def __mul__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _make(float(other), "const")
        a, b = self.data, o.data
        out = a * b
        if out - out != 0.0:
            raise EngineError("*", (a, b), "result is not a finite number")
        return _make(out, "*", self, o, b, a)

    def __rmul__(self, other: Number) -> Value:
        return _make(float(other), "const") * self

    def __truediv__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _make(float(other), "const")
        a, b = self.data, o.data
        if b == 0.0:
            raise EngineError("/", (a, b), "division by zero")
        out = a / b
        if out - out != 0.0:
            raise EngineError("/", (a, b), "result is not a finite number")
        return _make(out, "/", self, o, 1.0 / b, -out / b)

    def __rtruediv__(self, other: Number) -> Value:
        return _make(float(other), "const") / self

    def __neg__(self) -> Value:
        return _make(-self.data, "neg", self, None, -1.0)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        return power(self, other)

    def __rpow__(self, other: Number) -> Value:
        return power(_make(float(other), "const"), self)

    # ----- functions: forward and local derivative from the table (app.ops) -------
    def exp(self) -> Value:
        """Return e**self."""
        return _unary("exp", self)

    def log(self) -> Value:
        """Return the natural logarithm; the operand must be > 0."""
        return _unary("log", self)

    def sqrt(self) -> Value:
        """Return the square root; the operand must be >= 0 (the slope at 0 is inf)."""
        return _unary("sqrt", self)

    def tanh(self) -> Value:
        """Return the hyperbolic tangent."""
        return _unary("tanh", self)

    def sigmoid(self) -> Value:
        """Return 1 / (1 + e**-self), computed without overflow."""
        return _unary("sigmoid", self)

    def relu(self) -> Value:
        """Return max(self, 0); the slope at 0 is taken as 0, as in PyTorch."""
        return _unary("relu", self)

    def abs(self) -> Value:
        """Return |self|; the slope at 0 is taken as 0 (sign(0)), as in PyTorch."""
        return _unary("abs", self)

    def __abs__(self) -> Value:
        return _unary("abs", self)

    def sin(self) -> Value:
        """Return the sine (radians)."""
        return _unary("sin", self)

    def cos(self) -> Value:
        """Return the cosine (radians)."""
        return _unary("cos", self)

    # ----- autodiff ---------------------------------------------------------------
    def backward(self, seed: float = 1.0) -> None:
        """Add d(self)/d(node) to every node's grad (gradients accumulate until zeroed)."""
        autodiff.backward(self, seed)

    def zero_grad(self) -> None:
        """Reset the gradient of this node and of every node it depends on to 0."""
        autodiff.zero_grad(self)


def power(base: Operand, exponent: Operand) -> Value:
    """Return base**exponent; either may be a Value (d/db = a**b * ln a)."""
    a_v = base if isinstance(base, Value) else _make(float(base), "const")
    b_v = exponent if isinstance(exponent, Value) else _make(float(exponent), "const")
    a, b = a_v.data, b_v.data
    if a == 0.0 and b < 0.0:
        raise EngineError("^", (a, b), "zero cannot be raised to a negative power")
    if a < 0.0 and not b.is_integer():
        raise EngineError("^", (a, b), "a negative base needs an integer exponent")
    try:
        out = a**b
    except OverflowError:
        raise EngineError("^", (a, b), "result overflows a float") from None
    _checked("^", out, (a, b))
    if b == 0.0:
        d_base = 0.0
    elif a == 0.0:  # b > 0 here: the slope of x**b at 0 is inf, 1 or 0
        d_base = _INF if b < 1.0 else (1.0 if b == 1.0 else 0.0)
    else:
        d_base = b * (out / a)  # = b * a**(b-1), which may overflow where a**b does not
    if a > 0.0:
        d_exp = out * math.log(a)
    elif a == 0.0 or b_v.op == "const":
        d_exp = 0.0  # limit from the right at 0; a written constant exponent is not varied
    else:
        d_exp = math.nan  # a**b is not real-valued around a negative base
    return _make(out, "^", a_v, b_v, d_base, d_exp)


def maximum(a: Operand, b: Operand) -> Value:
    """Return the larger of a and b; on a tie each receives half the gradient."""
    return _binary("max", a, b)


def minimum(a: Operand, b: Operand) -> Value:
    """Return the smaller of a and b; on a tie each receives half the gradient."""
    return _binary("min", a, b)


_SCALAR: dict[str, Scalar] = {name: op.scalar for name, op in OPS.items() if op.scalar}


def _unary(name: str, x: Value) -> Value:
    """Return the node of the one-input function name of the table at x."""
    a = x.data
    try:
        out, slope = _SCALAR[name](a)
    except Undefined as exc:
        raise EngineError(name, (a,), str(exc)) from None
    if out - out != 0.0:
        raise EngineError(name, (a,), "result is not a finite number")
    return _make(out, name, x, None, slope)


def _binary(name: str, a: Operand, b: Operand) -> Value:
    """Return the node of the two-input function name of the table at (a, b)."""
    x = a if isinstance(a, Value) else _make(float(a), "const")
    y = b if isinstance(b, Value) else _make(float(b), "const")
    try:
        out, da, db = _SCALAR[name](x.data, y.data)
    except Undefined as exc:
        raise EngineError(name, (x.data, y.data), str(exc)) from None
    if out - out != 0.0:
        raise EngineError(name, (x.data, y.data), "result is not a finite number")
    return _make(out, name, x, y, da, db)


_OPERATORS: dict[str, Callable[..., Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": power,
    "neg": operator.neg,
}


def apply(name: str, *operands: Operand) -> Value:
    """Return the node of the table's operation name (see app.ops.OPS) on the operands."""
    op = OPS.get(name)
    if op is None:
        raise ValueError(f"no operation {name!r}")
    if len(operands) != op.arity:
        raise TypeError(f"{name} takes {op.arity} operand(s), got {len(operands)}")
    args = [v if isinstance(v, Value) else _make(float(v), "const") for v in operands]
    if op.scalar is None:
        return _OPERATORS[name](*args)
    return _unary(name, args[0]) if op.arity == 1 else _binary(name, args[0], args[1])
