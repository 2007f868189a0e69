"""Run notebooks in a real Jupyter kernel (nbclient + ipykernel) and read their outputs."""

from __future__ import annotations

import html as _html
import re
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
_TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")


def notebook(*cells: str) -> Any:
    """Return a notebook of code cells."""
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.cells = [nbformat.v4.new_code_cell(s) for s in cells]  # type: ignore[no-untyped-call]
    return nb


def run(nb: Any, cwd: Path = ROOT, timeout: int = 120) -> Any:
    """Execute every cell in a fresh python3 kernel started in cwd; return the notebook."""
    NotebookClient(
        nb, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def run_cells(*cells: str) -> list[Any]:
    """Execute cells in a fresh kernel; return each cell's outputs."""
    return [cell.outputs for cell in run(notebook(*cells)).cells]


def svgs(outputs: list[Any]) -> list[str]:
    """Return every image/svg+xml of a cell's outputs."""
    return [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]


def html(outputs: list[Any]) -> str:
    """Return the text/html of a cell's rich outputs (what JupyterLab shows), joined, with
    its markup's entities unescaped."""
    found = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    return _html.unescape("\n".join(found))


def texts(svg: str) -> list[str]:
    """Return the text of every <text> element, unescaped (dot writes minus as &#45;)."""
    return [_html.unescape(t).strip() for t in _TEXT.findall(svg)]


_NODE = re.compile(r'<g id="[^"]*" class="node value[^"]*">(.*?)</g>', re.S)


def numbers(svg: str) -> list[str]:
    """The numbers each value node shows, as "value X" and "grad Y" (the drawing's contract:
    a value node's last two texts are its value, then its gradient)."""
    out: list[str] = []
    for body in _NODE.findall(svg):
        shown = texts(body)
        if len(shown) >= 2:
            out += [f"value {shown[-2]}", f"grad {shown[-1]}"]
    return out


def plain(outputs: list[Any]) -> str:
    """Return the text/plain of a cell's rich outputs and its printed streams, joined."""
    parts = [o["data"].get("text/plain", "") for o in outputs if "data" in o]
    parts += [o.get("text", "") for o in outputs if o.get("output_type") == "stream"]
    return "\n".join(parts)


def stream(outputs: list[Any], name: str) -> str:
    """Return what a cell printed to stdout or stderr."""
    return "".join(o["text"] for o in outputs if o.get("name") == name)


EXAMPLE = ROOT / "examples" / "notebooks" / "chainrule.ipynb"


def run_example(cwd: Path) -> Any:
    """Execute the example notebook in a fresh kernel started in cwd; return it."""
    return run(nbformat.read(EXAMPLE, as_version=4), cwd=cwd)  # type: ignore[no-untyped-call]
