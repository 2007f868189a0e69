"""The network builder: a small MLP written out as a readable chainrule program.

One user function per fan-in (`neuron2(x1, x2, w1, w2, b) = tanh(w1*x1 + w2*x2 + b)`),
one line per neuron, a linear output layer, then the per-example loss. Classes are
one-hot data columns c0, c1, ...; a regression target is the column y. The starting
weights are seeded (Glorot uniform), biases start at 0, so a spec and a seed always
give the same program and the same parameters.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from chainrule.ops import ACTIVATIONS

DEFAULT_ACTIVATION = "tanh"
LOSSES = ("logistic", "softmax", "hinge", "squared")
MAX_WIDTH = 16
MAX_HIDDEN_LAYERS = 3


class NetworkError(ValueError):
    """A network spec that cannot be written (bad sizes, a loss that does not fit)."""


@dataclass(frozen=True)
class NetworkSpec:
    """Inputs (1: x, or 2: x1, x2), hidden widths, classes (0: regression), and the loss."""

    inputs: int = 2
    hidden: tuple[int, ...] = (8, 8)
    classes: int = 2
    activation: str = DEFAULT_ACTIVATION
    loss: str = "logistic"
    l2: float = 0.0

    def __post_init__(self) -> None:
        if self.inputs not in (1, 2):
            raise NetworkError("a network takes 1 input (x) or 2 (x1, x2)")
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise NetworkError(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
        if any(not 1 <= w <= MAX_WIDTH for w in self.hidden):
            raise NetworkError(f"each hidden layer has 1 to {MAX_WIDTH} neurons")
        if self.activation not in ACTIVATIONS:
            raise NetworkError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        if self.loss not in LOSSES:
            raise NetworkError(f"loss must be one of {', '.join(LOSSES)}")
        if (self.loss == "squared") != (self.classes == 0):
            raise NetworkError("the squared loss is for regression (classes 0), and only it")
        if self.classes == 1 or self.classes > 8:
            raise NetworkError("classes must be 0 (regression) or 2 to 8")
        if not (math.isfinite(self.l2) and self.l2 >= 0):
            raise NetworkError("l2 must be a finite number >= 0")

    @property
    def outputs(self) -> list[str]:
        """The names of the model's outputs (what the plane and the curve show)."""
        if self.classes == 0:
            return ["pred"]
        if self.classes == 2 and self.loss != "softmax":
            return ["out"]
        return [f"o{k}" for k in range(self.classes)]

    @property
    def columns(self) -> list[str]:
        """The data columns the program reads."""
        xs = ["x"] if self.inputs == 1 else ["x1", "x2"]
        return xs + (["y"] if self.classes == 0 else [f"c{k}" for k in range(self.classes)])


def _weights(layer: str, j: str, fan_in: int) -> list[str]:
    return [f"w{layer}_{j}_{i}" for i in range(1, fan_in + 1)]


def _affine(weights: list[str], xs: list[str], bias: str) -> str:
    return " + ".join(f"{w}*{x}" for w, x in zip(weights, xs, strict=True)) + f" + {bias}"


def _neuron_def(n: int, activation: str) -> str:
    xs = [f"x{i}" for i in range(1, n + 1)]
    ws = [f"w{i}" for i in range(1, n + 1)]
    args = ", ".join([*xs, *ws, "b"])
    return f"def neuron{n}({args}) = {activation}({_affine(ws, xs, 'b')})"


def _loss_lines(spec: NetworkSpec) -> list[str]:
    outs = spec.outputs
    if spec.loss == "squared":
        return ["loss = (pred - y)^2"]
    if outs == ["out"]:
        margin = "s*out"
        lines = ["s = c1 - c0  # the label as +1 or -1"]
        if spec.loss == "logistic":
            return [*lines, f"loss = log(1 + exp(-{margin}))"]
        return [*lines, f"loss = max(0, 1 - {margin})"]
    if spec.loss == "softmax":
        total = " + ".join(f"exp({o})" for o in outs)
        picked = " + ".join(f"c{k}*{o}" for k, o in enumerate(outs))
        return [f"loss = log({total}) - ({picked})"]
    # one class against the rest, one output each
    each = (
        "log(1 + exp(-(2*c{k} - 1)*{o}))"
        if spec.loss == "logistic"
        else ("max(0, 1 - (2*c{k} - 1)*{o})")
    )
    return ["loss = " + " + ".join(each.format(k=k, o=o) for k, o in enumerate(outs))]


def write_program(spec: NetworkSpec) -> str:
    """Return the program of the network and its per-example loss."""
    xs = ["x"] if spec.inputs == 1 else ["x1", "x2"]
    sizes = "-".join(str(n) for n in (spec.inputs, *spec.hidden, len(spec.outputs)))
    what = "regression" if spec.classes == 0 else f"{spec.classes} classes"
    lines = [f"# A {sizes} network with {spec.activation} neurons; {spec.loss} loss ({what})."]
    fans = sorted({([spec.inputs, *spec.hidden])[i] for i in range(len(spec.hidden))})
    if fans:
        lines.append(f"# neuronN: {spec.activation} of a weighted sum of N inputs plus a bias")
        lines += [_neuron_def(n, spec.activation) for n in fans]
    below = xs
    for layer, width in enumerate(spec.hidden, start=1):
        lines.append(f"# layer {layer}")
        names = [f"h{layer}_{j}" for j in range(1, width + 1)]
        for j, name in enumerate(names, start=1):
            args = ", ".join([*below, *_weights(str(layer), str(j), len(below)), f"b{layer}_{j}"])
            lines.append(f"{name} = neuron{len(below)}({args})")
        below = names
    lines.append("# output layer (linear)")
    outs = spec.outputs
    for k, out in enumerate(outs):
        tag = "o" if len(outs) == 1 else f"o{k}"
        ws = [f"w{tag}_{i}" for i in range(1, len(below) + 1)]
        lines.append(f"{out} = {_affine(ws, below, f'b{tag}')}")
    lines.append("# loss of one example")
    loss = _loss_lines(spec)
    if spec.l2 > 0:
        weights = [p for p in init_names(spec) if p.startswith("w")]
        lines += loss[:-1]
        lines.append("data_loss" + loss[-1].removeprefix("loss"))
        lines.append(f"penalty = {spec.l2:g} * ({' + '.join(f'{w}^2' for w in weights)})")
        lines.append("loss = data_loss + penalty")
        return "\n".join(lines) + "\n"
    return "\n".join([*lines, *loss]) + "\n"


def init_names(spec: NetworkSpec) -> list[str]:
    """Return the parameter names in program order (each layer's weights, then its bias)."""
    names: list[str] = []
    fan = spec.inputs
    for layer, width in enumerate(spec.hidden, start=1):
        for j in range(1, width + 1):
            names += [*_weights(str(layer), str(j), fan), f"b{layer}_{j}"]
        fan = width
    outs = spec.outputs
    for k in range(len(outs)):
        tag = "o" if len(outs) == 1 else f"o{k}"
        names += [f"w{tag}_{i}" for i in range(1, fan + 1)] + [f"b{tag}"]
    return names


def init_params(spec: NetworkSpec, seed: int = 0) -> dict[str, float]:
    """Return seeded starting values: Glorot-uniform weights, zero biases (4 digits)."""
    import numpy as np  # (here: a process that never trains does not load it)

    rng = np.random.default_rng(seed)
    sizes = [spec.inputs, *spec.hidden, len(spec.outputs)]
    params: dict[str, float] = {}
    names = iter(init_names(spec))
    for fan_in, fan_out in itertools.pairwise(sizes):
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        for _ in range(fan_out):
            for w in rng.uniform(-limit, limit, fan_in):
                params[next(names)] = round(float(w), 4)
            params[next(names)] = 0.0
    return params
