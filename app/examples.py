"""The example gallery: programs from the teaching material, with values to start from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Example:
    """One gallery entry: a program, its input values and what it shows."""

    id: str
    title: str
    explanation: str
    expression: str
    values: dict[str, float] = field(default_factory=dict)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "chain-rule",
        "The chain rule, step by step",
        "e = (a+b)(b+1) with its intermediates named: de/dc = d = 2, de/dd = c = 3, "
        "de/db sums two paths to 5.",
        "c = a + b\nd = b + 1\ne = c * d",
        {"a": 2.0, "b": 1.0},
    ),
    Example(
        "one-line",
        "The same product on one line",
        "(a+b)*(b+1) at a=2, b=1 is 6; b is used twice, so its gradient adds up.",
        "(a+b)*(b+1)",
        {"a": 2.0, "b": 1.0},
    ),
    Example(
        "cubic",
        "A cubic",
        "y = x^3 + 2x has dy/dx = 3x^2 + 2, which is 50 at x = 4.",
        "x^3 + 2*x",
        {"x": 4.0},
    ),
    Example(
        "scalar-exercise",
        "x·x·x + x + x, one node per operation",
        "The hand-written Scalar exercise: five uses of one leaf, gradients summed to 50.",
        "x*x*x + x + x",
        {"x": 4.0},
    ),
    Example(
        "relu-negative",
        "ReLU below zero",
        "relu(x) = max(x, 0) at x = -10: the output is 0 and so is the gradient.",
        "relu(x)",
        {"x": -10.0},
    ),
    Example(
        "relu-positive",
        "ReLU above zero",
        "relu(x) at x = 100 passes the value and the gradient (1) straight through.",
        "relu(x)",
        {"x": 100.0},
    ),
    Example(
        "three-variables",
        "Three variables under a square root",
        "f(x,y,z) = (x-1)(y-2)^2(z-3)^3 / sqrt(x+y+z) at (4,5,6): about 56.47, 119.21, 181.95.",
        "(x-1)*(y-2)^2*(z-3)^3 / sqrt(x+y+z)",
        {"x": 4.0, "y": 5.0, "z": 6.0},
    ),
    Example(
        "perceptron",
        "A perceptron with ReLU",
        "Two weighted inputs and a bias through relu: each weight's gradient is its input.",
        "z = w1*x1 + w2*x2 + b\ny = relu(z)",
        {"w1": 0.5, "x1": 2.0, "w2": -1.0, "x2": 0.5, "b": 0.1},
    ),
    Example(
        "sigmoid-neuron",
        "A sigmoid neuron",
        "sigmoid(n) has derivative s(1-s); every weight's gradient is that times its input.",
        "n = w1*x1 + w2*x2 + b\no = sigmoid(n)",
        {"w1": -3.0, "x1": 2.0, "w2": 1.0, "x2": 0.0, "b": 6.88},
    ),
    Example(
        "legendre",
        "A user function with a declared derivative",
        "P3(x) = (5x^3 - 3x)/2 with its derivative written out; the call is one node.",
        "def P3(x) = 0.5*(5*x^3 - 3*x) grad 1.5*(5*x^2 - 1)\ny = a + b*P3(c + d*x)",
        {"a": 0.0, "b": -2.2, "c": 0.0, "d": 0.26, "x": 1.5},
    ),
    Example(
        "squared-error",
        "Squared error, visited once",
        "loss = error·error uses one node twice: dloss/derror = 2·error, found in one visit.",
        "error = w*x - y\nloss = error * error",
        {"w": 2.0, "x": 3.0, "y": 5.0},
    ),
)
