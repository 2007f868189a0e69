"""Value: a scalar that remembers how it was computed.

Every operation has the same shape, read from its row of the op table (`chainrule.ops.OPS`):
compute the forward value and the local derivative with respect to each input, and return
a new node holding both: `_node` does that for every operation, `_make` sets a node's attributes.
No closures are stored, so a node holds no reference to itself and
graphs are freed by reference counting alone (no work for the cyclic garbage collector).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union, final

from chainrule.engine import autodiff
from chainrule.engine.errors import EngineError
from chainrule.ops import (
    CONSTANT,
    INPUT,
    OPS,
    Scalar,
    Undefined,
    is_alias,
    is_call,
    is_constant,
    is_input,
    is_leaf,
    power_rule,
)

Number = int | float
Operand = Union["Value", int, float]
Pair = tuple[tuple["Value", ...], tuple[float, ...]]

NOT_FINITE = "result is not a finite number"
_new = object.__new__


@final
class Extra:
    """What few nodes carry: a name, the builder's detail, inputs other than one or two."""

    __slots__ = ("detail", "many", "name")

    def __init__(self, name: str | None, many: Pair | None = None, detail: Any = None) -> None:
        self.name = name
        self.many = many  # the inputs and their local derivatives, as two tuples
        self.detail = detail


def _make(
    data: float,
    op: str,
    first: Value | None,
    second: Value | None,
    d_first: float,
    d_second: float,
    extra: Extra | None,
    v: Value | None = None,
) -> Value:
    """Return a node with every attribute set: the one way a Value is built.

    v is a new object unless given (`Value.__init__` passes the object Python made).
    """
    if v is None:
        v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v.first = first
    v.second = second
    v.d_first = d_first
    v.d_second = d_second
    v.pass_grad = 0.0
    v.extra = extra
    return v


def _operand(x: Operand) -> Value:
    """Return x if it is a Value, else a constant leaf holding the number x."""
    if isinstance(x, Value):
        return x
    return _make(x if type(x) is float else float(x), CONSTANT, None, None, 0.0, 0.0, None)


def _node(name: str, rule: Scalar, a: Value, b: Value | None) -> Value:
    """Return the node of operation name on a (and b), its value and slopes from rule.

    The one place an operation becomes a node: rule gives the forward value and the local
    derivative with respect to each input; an `Undefined` or a result that is not finite
    becomes an `EngineError` naming the operation and its operands.
    """
    try:
        if b is None:
            out, d_a = rule(a.data)
            d_b = 0.0
        else:
            out, d_a, d_b = rule(a.data, b.data)
    except Undefined as exc:
        raise EngineError(name, _operands(a, b), str(exc)) from None
    if out - out != 0.0:  # true only for inf and nan
        raise EngineError(name, _operands(a, b), NOT_FINITE)
    return _make(out, name, a, b, d_a, d_b, None)


def _operands(a: Value, b: Value | None) -> tuple[float, ...]:
    """The operands' values, as an error names them."""
    return (a.data,) if b is None else (a.data, b.data)


def _infix(name: str) -> tuple[Callable[[Value, Operand], Value], Callable[[Value, Number], Value]]:
    """Return the operator of the table's row name and its reflected form (2 + x)."""
    rule = OPS[name].scalar

    def operator(self: Value, other: Operand) -> Value:
        if type(other) is Value:
            o = other
        elif type(other) is float:  # a number operand becomes a constant leaf
            o = _make(other, CONSTANT, None, None, 0.0, 0.0, None)
        else:
            o = _operand(other)
        return _node(name, rule, self, o)

    def reflected(self: Value, other: Number) -> Value:
        return operator(_operand(other), self)

    return operator, reflected


@final
class Value:
    """A scalar node: its value, its gradient, and the ordered inputs it was made from.

    Read the inputs through `.inputs` and `.local_grads`. Inside, a node made from one or
    two nodes keeps them in the attributes `first` and `second` (`second` None for one
    input) and their local derivatives in `d_first` and `d_second`, so that an operation
    allocates one object the garbage collector tracks instead of three. What few nodes have
    is in `extra` (None for most operation nodes): a name, the builder's `detail`, and any
    other number of inputs (a user function call) as the pair of tuples `many`, with
    `first` None; a leaf has `first` None and no `many`. Every attribute is always set, by
    `_make` (the fewer attributes, the less a node costs to make, free and trace for the
    garbage collector); `pass_grad` is backward's (0 outside it).
    """

    __slots__ = (
        "d_first",
        "d_second",
        "data",
        "extra",
        "first",
        "grad",
        "op",
        "pass_grad",
        "second",
    )

    data: float
    grad: float
    op: str  # the table's operation, or INPUT, CONSTANT, ALIAS, CALL (chainrule.ops)
    first: Value | None
    second: Value | None
    d_first: float
    d_second: float
    pass_grad: float
    extra: Extra | None

    def __init__(
        self,
        data: Number,
        op: str = INPUT,
        inputs: tuple[Value, ...] = (),
        local_grads: tuple[float, ...] = (),
        name: str | None = None,
    ) -> None:
        """Make a leaf (no inputs), or a node with one local derivative per input."""
        x = data if type(data) is float else float(data)
        if not inputs and not local_grads:  # a leaf: an input or a constant
            if not is_leaf(op):
                raise ValueError(f"a node with no inputs is an input or a constant, not {op!r}")
            _make(x, op, None, None, 0.0, 0.0, None if name is None else Extra(name), self)
            return
        if is_leaf(op):
            raise ValueError(f"a node made from inputs needs an operation, not {op!r}")
        n = len(inputs)
        if n != len(local_grads):
            raise ValueError(
                f"one local derivative per input is required: {n} input(s), "
                f"{len(local_grads)} local derivative(s)"
            )
        if not all(isinstance(v, Value) for v in inputs):
            raise TypeError("every input of a Value must be a Value")
        grads = tuple(float(g) for g in local_grads)
        extra = None if name is None else Extra(name)
        if n == 1:
            _make(x, op, inputs[0], None, grads[0], 0.0, extra, self)
        elif n == 2:
            _make(x, op, inputs[0], inputs[1], grads[0], grads[1], extra, self)
        else:
            _make(x, op, None, None, 0.0, 0.0, Extra(name, (tuple(inputs), grads)), self)

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The nodes this one was made from, in operand order (a * a gives (a, a))."""
        first = self.first
        if first is None:
            many = None if self.extra is None else self.extra.many
            return () if many is None else many[0]
        second = self.second
        return (first,) if second is None else (first, second)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(input) for each input, in the order of `inputs`."""
        if self.first is None:
            many = None if self.extra is None else self.extra.many
            return () if many is None else many[1]
        return (self.d_first,) if self.second is None else (self.d_first, self.d_second)

    @property
    def name(self) -> str | None:
        """The name the program gives this node (an input, a named line), or None."""
        extra = self.extra
        return None if extra is None else extra.name

    @name.setter
    def name(self, name: str | None) -> None:
        if self.extra is None:
            self.extra = Extra(name)
        else:
            self.extra.name = name

    @property
    def detail(self) -> Any:
        """What the builder attached (a user function call's body), or None."""
        extra = self.extra
        return None if extra is None else extra.detail

    @detail.setter
    def detail(self, detail: Any) -> None:
        if self.extra is None:
            self.extra = Extra(None, None, detail)
        else:
            self.extra.detail = detail

    @classmethod
    def constant(cls, x: Number) -> Value:
        """Return a constant leaf (a number written in a formula)."""
        return cls(x, CONSTANT)

    @classmethod
    def node(
        cls, data: float, op: str, inputs: tuple[Value, ...], local_grads: tuple[float, ...]
    ) -> Value:
        """Return a custom operation node with the given value and local derivatives."""
        if len(inputs) != len(local_grads):
            raise ValueError("one local derivative per input is required")
        x = float(data)
        if x - x != 0.0:
            raise EngineError(op, tuple(v.data for v in inputs), NOT_FINITE)
        return cls(x, op, inputs, local_grads)

    # ----- what kind of node this is (chainrule.ops names the kinds) ---------------------
    @property
    def is_input(self) -> bool:
        """True for an input leaf (a name the program reads)."""
        return is_input(self.op)

    @property
    def is_constant(self) -> bool:
        """True for a written number."""
        return is_constant(self.op)

    @property
    def is_alias(self) -> bool:
        """True for a named line that only renames another node (b = a)."""
        return is_alias(self.op)

    @property
    def is_call(self) -> bool:
        """True for a user function call (its body is in `detail`)."""
        return is_call(self.op)

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{op}{label})"

    # ----- arithmetic: the grammar's operators, each from its row of the table -------
    __add__, __radd__ = _infix("+")
    __sub__, __rsub__ = _infix("-")
    __mul__, __rmul__ = _infix("*")
    __truediv__, __rtruediv__ = _infix("/")

    def __neg__(self) -> Value:
        return _unary("neg", self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        return power(self, other)

    def __rpow__(self, other: Number) -> Value:
        return power(_operand(other), self)

    # ----- functions: forward and local derivative from the table (chainrule.ops) -------
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
    """Return base**exponent; either may be a Value (d/db = a**b * ln a); see power_rule."""
    x = _operand(base)
    k = _operand(exponent)
    return _node("^", _constant_power if k.is_constant else _power, x, k)


def _constant_power(x: float, k: float) -> tuple[float, float, float]:
    return power_rule(x, k, True)  # a written exponent is never varied


_power = OPS["^"].scalar


def maximum(a: Operand, b: Operand) -> Value:
    """Return the larger of a and b; on a tie each receives half the gradient."""
    return _binary("max", a, b)


def minimum(a: Operand, b: Operand) -> Value:
    """Return the smaller of a and b; on a tie each receives half the gradient."""
    return _binary("min", a, b)


def _unary(name: str, x: Value) -> Value:
    """Return the node of the one-input operation name of the table at x."""
    return _node(name, OPS[name].scalar, x, None)


def _binary(name: str, a: Operand, b: Operand) -> Value:
    """Return the node of the two-input operation name of the table at (a, b)."""
    return _node(name, OPS[name].scalar, _operand(a), _operand(b))


def apply(name: str, *operands: Operand) -> Value:
    """Return the node of the table's operation name (see chainrule.ops.OPS) on the operands."""
    op = OPS.get(name)
    if op is None:
        raise ValueError(f"no operation {name!r}")
    if len(operands) != op.arity:
        raise TypeError(f"{name} takes {op.arity} operand(s), got {len(operands)}")
    if name == "^":  # a written constant exponent is not varied (see power_rule)
        return power(*operands)
    if op.arity == 1:
        return _unary(name, _operand(operands[0]))
    return _binary(name, *operands)
