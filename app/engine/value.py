"""Value: a scalar that remembers how it was computed.

Every operation has the same shape: compute the forward value, compute the local
derivative with respect to each input, and return a new node holding both. No closures
are stored, so a node holds no reference to itself and graphs are freed by reference
counting alone (no work for the cyclic garbage collector).
"""

from __future__ import annotations

import math
from typing import Any, Union

from app.engine import autodiff
from app.engine.errors import EngineError

Number = int | float
Operand = Union["Value", int, float]

_INF = math.inf
_new = object.__new__


def _checked(op: str, out: float, operands: tuple[float, ...]) -> float:
    """Return out if it is finite, else raise EngineError for op."""
    if out - out != 0.0:  # true only for inf and nan
        raise EngineError(op, operands, "result is not a finite number")
    return out


def _node2(data: float, op: str, a: Value, b: Value, ga: float, gb: float) -> Value:
    """Return a new two-input operation node (the fast path: no __init__, data a float)."""
    v: Value = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v.name = None
    v.detail = None
    v.a = a
    v.b = b
    v.ga = ga
    v.gb = gb
    return v


def _node1(data: float, op: str, a: Value, ga: float) -> Value:
    """Return a new one-input operation node (gb is left unset: it is never read)."""
    v: Value = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v.name = None
    v.detail = None
    v.a = a
    v.b = None
    v.ga = ga
    return v


def _const(x: Number) -> Value:
    """Return a constant leaf for a number operand, exactly as Value(x, "const") would."""
    v: Value = _new(Value)
    v.data = x if type(x) is float else float(x)
    v.grad = 0.0
    v.op = "const"
    v.name = None
    v.detail = None
    v.a = None
    v.nary = None
    return v


class Value:
    """A scalar node: its value, its gradient, and the ordered inputs it was made from.

    Read the inputs through `.inputs` and `.local_grads`. Inside, a node made from one or
    two nodes keeps them in the slots `a` and `b` (`b` None for one input) and their local
    derivatives in `ga` and `gb`, so that an operation allocates one object the garbage
    collector tracks instead of three. Any other number of inputs (a user function call)
    is the pair of tuples `nary`, with `a` None; a leaf has `a` and `nary` None. Slots never
    read for a node's kind stay unset (`gb` with one input; `b`, `ga`, `gb` for a leaf or an
    n-ary node; `nary` for one or two inputs), and `pending` belongs to `backward`, which
    sets it on every node before reading it.
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
        self.data = data if type(data) is float else float(data)
        self.grad = 0.0
        self.op = op
        self.name = name
        self.detail = None
        if not inputs and not local_grads:  # a leaf: an input or a constant
            self.a = None
            self.nary = None
            return
        n = len(inputs)
        if n <= 2 and n == len(local_grads):
            self.a = inputs[0]
            self.ga = local_grads[0]
            if n == 2:
                self.b = inputs[1]
                self.gb = local_grads[1]
            else:
                self.b = None
        else:
            self.a = None
            self.nary = (inputs, local_grads)

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
        o = other if isinstance(other, Value) else _const(other)
        a, b = self.data, o.data
        out = a + b
        if out - out != 0.0:
            raise EngineError("+", (a, b), "result is not a finite number")
        return _node2(out, "+", self, o, 1.0, 1.0)

    def __radd__(self, other: Number) -> Value:
        return _const(other) + self

    def __sub__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _const(other)
        a, b = self.data, o.data
        out = a - b
        if out - out != 0.0:
            raise EngineError("-", (a, b), "result is not a finite number")
        return _node2(out, "-", self, o, 1.0, -1.0)

    def __rsub__(self, other: Number) -> Value:
        return _const(other) - self

    def __mul__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _const(other)
        a, b = self.data, o.data
        out = a * b
        if out - out != 0.0:
            raise EngineError("*", (a, b), "result is not a finite number")
        return _node2(out, "*", self, o, b, a)

    def __rmul__(self, other: Number) -> Value:
        return _const(other) * self

    def __truediv__(self, other: Operand) -> Value:
        o = other if isinstance(other, Value) else _const(other)
        a, b = self.data, o.data
        if b == 0.0:
            raise EngineError("/", (a, b), "division by zero")
        out = a / b
        if out - out != 0.0:
            raise EngineError("/", (a, b), "result is not a finite number")
        return _node2(out, "/", self, o, 1.0 / b, -out / b)

    def __rtruediv__(self, other: Number) -> Value:
        return _const(other) / self

    def __neg__(self) -> Value:
        return _node1(-self.data, "neg", self, -1.0)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        return power(self, other)

    def __rpow__(self, other: Number) -> Value:
        return power(_const(other), self)

    # ----- functions --------------------------------------------------------------
    def exp(self) -> Value:
        """Return e**self."""
        a = self.data
        try:
            out = math.exp(a)
        except OverflowError:
            raise EngineError("exp", (a,), "result overflows a float") from None
        return _node1(out, "exp", self, out)

    def log(self) -> Value:
        """Return the natural logarithm; the operand must be > 0."""
        a = self.data
        if a <= 0.0:
            raise EngineError("log", (a,), "operand must be > 0")
        return _node1(math.log(a), "log", self, 1.0 / a)

    def sqrt(self) -> Value:
        """Return the square root; the operand must be >= 0 (the slope at 0 is inf)."""
        a = self.data
        if a < 0.0:
            raise EngineError("sqrt", (a,), "operand must be >= 0")
        out = math.sqrt(a)
        return _node1(out, "sqrt", self, 0.5 / out if out else _INF)

    def tanh(self) -> Value:
        """Return the hyperbolic tangent."""
        t = math.tanh(self.data)
        return _node1(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        """Return 1 / (1 + e**-self), computed without overflow."""
        a = self.data
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return _node1(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        """Return max(self, 0); the slope at 0 is taken as 0, as in PyTorch."""
        a = self.data
        return _node1(a if a > 0.0 else 0.0, "relu", self, 1.0 if a > 0.0 else 0.0)

    def abs(self) -> Value:
        """Return |self|; the slope at 0 is taken as 0 (sign(0)), as in PyTorch."""
        a = self.data
        slope = 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)
        return _node1(abs(a), "abs", self, slope)

    def __abs__(self) -> Value:
        return self.abs()

    def sin(self) -> Value:
        """Return the sine (radians)."""
        a = self.data
        return _node1(math.sin(a), "sin", self, math.cos(a))

    def cos(self) -> Value:
        """Return the cosine (radians)."""
        a = self.data
        return _node1(math.cos(a), "cos", self, -math.sin(a))

    # ----- autodiff ---------------------------------------------------------------
    def backward(self, seed: float = 1.0) -> None:
        """Add d(self)/d(node) to every node's grad (gradients accumulate until zeroed)."""
        autodiff.backward(self, seed)

    def zero_grad(self) -> None:
        """Reset the gradient of this node and of every node it depends on to 0."""
        autodiff.zero_grad(self)


def power(base: Operand, exponent: Operand) -> Value:
    """Return base**exponent; either may be a Value (d/db = a**b * ln a)."""
    a_v = base if isinstance(base, Value) else _const(base)
    b_v = exponent if isinstance(exponent, Value) else _const(exponent)
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
    return _node2(out, "^", a_v, b_v, d_base, d_exp)


def maximum(a: Operand, b: Operand) -> Value:
    """Return the larger of a and b; on a tie each receives half the gradient."""
    x = a if isinstance(a, Value) else _const(a)
    y = b if isinstance(b, Value) else _const(b)
    if x.data == y.data:
        return _node2(x.data, "max", x, y, 0.5, 0.5)
    first = x.data > y.data
    if first:
        return _node2(x.data, "max", x, y, 1.0, 0.0)
    return _node2(y.data, "max", x, y, 0.0, 1.0)


def minimum(a: Operand, b: Operand) -> Value:
    """Return the smaller of a and b; on a tie each receives half the gradient."""
    x = a if isinstance(a, Value) else _const(a)
    y = b if isinstance(b, Value) else _const(b)
    if x.data == y.data:
        return _node2(x.data, "min", x, y, 0.5, 0.5)
    first = x.data < y.data
    if first:
        return _node2(x.data, "min", x, y, 1.0, 0.0)
    return _node2(y.data, "min", x, y, 0.0, 1.0)
