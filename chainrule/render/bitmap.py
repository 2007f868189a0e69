"""Bounds for `dot`'s own outputs, fixed before it runs: pixels of a PNG, the page of a PDF,
and the address space of every `dot` child (RLIMIT_AS).

A PNG is drawn at `dpi = 96 × scale` (graphviz's bitmap default is 96 dpi), the scale cut
down so that width × height stays within the budget's pixels and each side within cairo's
limit; `-Gsize` repeats the bound to dot, so the picture cannot come out larger even where
its text metrics differ from the layout it was sized from. A PDF page is at most 200
inches a side (the largest page PDF readers open).
"""

from __future__ import annotations

import math
import re
import resource
import struct
from dataclasses import dataclass

BASE_DPI = 96.0  # graphviz's bitmap resolution at scale 1
MAX_SIDE = 32_000  # px: cairo refuses surfaces over 32,767 px a side
MAX_SCALE = 8.0  # the largest scale asked for that is honoured
PAD_INCHES = 4 / 72  # dot's default pad around a drawing
PDF_MAX_INCHES = 200  # PDF readers (Acrobat) refuse pages over 200 in (14,400 pt)
_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"', re.S)


@dataclass(frozen=True)
class Bitmap:
    """How one PNG is drawn: its resolution, dot's arguments and its size in pixels."""

    scale: float
    dpi: float
    width: int
    height: int

    def args(self) -> tuple[str, ...]:
        """Return dot's arguments (-Gdpi, and -Gsize in inches bounding the same pixels:
        dot adds its pad, 4 points a side, outside the size)."""
        w = max(0.01, self.width / self.dpi - 2 * PAD_INCHES)
        h = max(0.01, self.height / self.dpi - 2 * PAD_INCHES)
        return (f"-Gdpi={self.dpi:.3f}", f"-Gsize={w:.4f},{h:.4f}")


def layout_size(svg: str) -> tuple[float, float]:
    """Return the width and height in points of a drawing laid out by dot (its SVG)."""
    found = _SIZE.search(svg[:2000])
    if found is None:
        return (72.0, 72.0)
    return (max(1.0, float(found[1])), max(1.0, float(found[2])))


def bitmap_for(width_pt: float, height_pt: float, scale: float, max_pixels: int) -> Bitmap:
    """Return the largest Bitmap up to scale whose pixels fit max_pixels and MAX_SIDE."""
    w1 = width_pt / 72.0 * BASE_DPI  # px at scale 1
    h1 = height_pt / 72.0 * BASE_DPI
    fit = min(
        max(0.05, min(scale, MAX_SCALE)),
        math.sqrt(max_pixels / (w1 * h1)),
        MAX_SIDE / w1,
        MAX_SIDE / h1,
    )
    return Bitmap(fit, BASE_DPI * fit, max(1, math.floor(w1 * fit)), max(1, math.floor(h1 * fit)))


def png_pixels(png: bytes) -> tuple[int, int]:
    """Return the width and height of a PNG (its IHDR chunk)."""
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def pdf_args() -> tuple[str, ...]:
    """Return dot's arguments for a PDF: the drawing scaled down to fit the largest page."""
    return (f"-Gsize={PDF_MAX_INCHES},{PDF_MAX_INCHES}",)


def address_space_limit(nbytes: int) -> None:
    """Limit this process's address space to nbytes (run in the `dot` child before exec)."""
    resource.setrlimit(resource.RLIMIT_AS, (nbytes, nbytes))
