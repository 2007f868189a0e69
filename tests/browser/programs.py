"""Programs at the size a backprop course reaches: a long program, an MLP, long chains."""

from __future__ import annotations


def chain(ops: int) -> str:
    """A chain of `ops` operations, two per line: t_k = t_(k-1) * 0.999 + 0.01."""
    lines = ["t0 = x"]
    lines += [f"t{k} = t{k - 1} * 0.999 + 0.01" for k in range(1, ops // 2 + 1)]
    return "\n".join(lines)


def long_program(lines: int = 68) -> str:
    """An unrolled loop of `lines` lines (a step of gradient descent on w, written out)."""
    out = ["w0 = w", "lr = 0.1"]
    k = 0
    while len(out) < lines - 1:
        out.append(f"g{k} = 2 * (w{k} * x - y) * x")
        out.append(f"w{k + 1} = w{k} - lr * g{k}")
        k += 1
    out.append(f"loss = (w{k} * x - y)^2")
    return "\n".join(out[:lines])


def mlp(hidden: int = 4) -> tuple[str, dict[str, float]]:
    """A 2-`hidden`-1 MLP with tanh, written out by hand, and its input values (a 2-4-1 MLP,
    30 operations, opens op by op at 1280x800; a 2-6-1 MLP, 44, at the lines level)."""
    values: dict[str, float] = {"x1": 0.5, "x2": -1.0, "t": 1.0, "c": 0.1}
    lines = []
    for j in range(1, hidden + 1):
        lines.append(f"h{j} = tanh(w{j}1*x1 + w{j}2*x2 + b{j})")
        values |= {f"w{j}1": 0.1 * j, f"w{j}2": -0.2 * j, f"b{j}": 0.05 * j, f"v{j}": 0.3 - 0.1 * j}
    lines.append("out = " + " + ".join(f"v{j}*h{j}" for j in range(1, hidden + 1)) + " + c")
    lines.append("loss = (out - t)^2")
    return "\n".join(lines), values


def rnn(steps: int = 10) -> tuple[str, dict[str, float]]:
    """A recurrent net unrolled by hand: h_t = tanh(w*h_(t-1) + u*x_t), w and u shared."""
    lines = ["h0 = tanh(u*x0)"]
    lines += [f"h{t} = tanh(w*h{t - 1} + u*x{t})" for t in range(1, steps)]
    lines.append(f"loss = (h{steps - 1} - y)^2")
    values = {f"x{t}": round(0.1 * (t % 5) - 0.2, 2) for t in range(steps)}
    return "\n".join(lines), values | {"w": 0.5, "u": 0.8, "y": 0.3}


def neuron() -> tuple[str, dict[str, float]]:
    """The simplest neuron, on one line."""
    return "sigmoid(w1*x1 + w2*x2 + b)", {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b": 0.1}


def seeds_exercise() -> tuple[str, dict[str, float]]:
    """The seeds' three-variable exercise (19 nodes)."""
    return "(x-1)*(y-2)^2*(z-3)^3/sqrt(x+y+z)", {"x": 4.0, "y": 5.0, "z": 6.0}


def convolution() -> tuple[str, dict[str, float]]:
    """A 1-D convolution's six positions with a shared kernel, summed."""
    lines = [f"y{i} = relu(k1*x{i} + k2*x{i + 1} + k3*x{i + 2} + c)" for i in range(1, 7)]
    program = "\n".join([*lines, "loss = y1 + y2 + y3 + y4 + y5 + y6"])
    names = ["k1", "k2", "k3", "c"] + [f"x{i}" for i in range(1, 9)]
    return program, dict.fromkeys(names, 0.3)


def softmax_xent() -> tuple[str, dict[str, float]]:
    """Softmax cross-entropy over 3 logits, the true class first."""
    program = "\n".join(
        [
            "e1 = exp(z1)",
            "e2 = exp(z2)",
            "e3 = exp(z3)",
            "s = e1 + e2 + e3",
            "p1 = e1 / s",
            "loss = -log(p1)",
        ]
    )
    return program, {"z1": 2.0, "z2": 1.0, "z3": 0.1}


def neurons() -> tuple[str, dict[str, float]]:
    """A 2-2-1 net whose neurons are user functions."""
    program = "\n".join(
        [
            "def neuron(a, b, wa, wb, c) = tanh(wa*a + wb*b + c)",
            "h1 = neuron(x1, x2, w11, w12, b1)",
            "h2 = neuron(x1, x2, w21, w22, b2)",
            "out = neuron(h1, h2, v1, v2, c)",
            "loss = (out - t)^2",
        ]
    )
    values = {"x1": 0.5, "x2": -1.0, "w11": 0.1, "w12": -0.2, "b1": 0.05}
    values |= {"w21": 0.2, "w22": -0.4, "b2": 0.1, "v1": 0.3, "v2": 0.1, "c": 0.0, "t": 1.0}
    return program, values


def wide_program(lines: int = 60) -> tuple[str, dict[str, float]]:
    """A 60-line program as a course writes one: 58 features of two inputs, then a sum."""
    out = []
    for k in range(lines - 2):
        out.append(f"f{k} = w{k % 6} * x{k % 3} + {0.1 * (k % 7):g}")
    out.append("s = " + " + ".join(f"f{k}" for k in range(0, lines - 2, 2)))
    out.append("loss = s * s")
    values = {f"w{k}": 0.1 * (k + 1) for k in range(6)} | {f"x{k}": 1.0 - k for k in range(3)}
    return "\n".join(out), values


def shared_chain(ops: int) -> str:
    """A chain of `ops` operations, two per line, each line using the weight w."""
    lines = ["t0 = x"]
    lines += [f"t{k} = t{k - 1} * w + 0.01" for k in range(1, ops // 2 + 1)]
    return "\n".join(lines)
