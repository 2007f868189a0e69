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


def mlp() -> tuple[str, dict[str, float]]:
    """A 2-4-1 MLP with tanh, written out by hand, and its 20 input values."""
    values: dict[str, float] = {"x1": 0.5, "x2": -1.0, "t": 1.0, "c": 0.1}
    lines = []
    for j in range(1, 5):
        lines.append(f"h{j} = tanh(w{j}1*x1 + w{j}2*x2 + b{j})")
        values |= {f"w{j}1": 0.1 * j, f"w{j}2": -0.2 * j, f"b{j}": 0.05 * j, f"v{j}": 0.3 - 0.1 * j}
    lines.append("out = v1*h1 + v2*h2 + v3*h3 + v4*h4 + c")
    lines.append("loss = (out - t)^2")
    return "\n".join(lines), values
