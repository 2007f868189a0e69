"""A scalar reverse-mode autodiff engine (standard library only).

>>> from chainrule.engine import Value
>>> a, b = Value(2.0), Value(1.0)
>>> e = (a + b) * (b + 1)
>>> e.backward()
>>> (e.data, a.grad, b.grad)
(6.0, 2.0, 5.0)
"""

from chainrule.engine.autodiff import backward, topological_order, zero_grad
from chainrule.engine.errors import EngineError
from chainrule.engine.value import Value, apply, maximum, minimum, power

__all__ = [
    "EngineError",
    "Value",
    "apply",
    "backward",
    "maximum",
    "minimum",
    "power",
    "topological_order",
    "zero_grad",
]

# Function-style aliases matching the language: max(a, b), min(a, b), pow(a, b).
max = maximum
min = minimum
pow = power
