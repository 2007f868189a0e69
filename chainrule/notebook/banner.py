"""What a notebook shows around a drawing: the banner (a verdict, warnings) and the HTML face.

JupyterLab and VS Code show the richest face of an output (text/html before image/svg+xml)
and hide text/plain behind it, so whatever a learner must read is in the banner: inside the
SVG (drawn above the graph, for the SVG face and saved files) and above the drawing in the
HTML face. The HTML face scales the drawing to the cell's width; a click on it shows it at
full size (a checkbox and a label: no script, so it works in trusted and exported output;
where a sanitizer drops them the drawing stays fitted).
"""

from __future__ import annotations

import base64
import html
import itertools
import re
import textwrap

LINE_PT = 16.0  # the banner's line height in the SVG (points)
TONES = {  # tone -> (text colour, background, border)
    "fail": ("#991b1b", "#fee2e2", "#dc2626"),
    "pass": ("#166534", "#dcfce7", "#16a34a"),
    "note": ("#854d0e", "#fef9c3", "#ca8a04"),
}
_SVG_TAG = re.compile(r"<svg\b([^>]*)>", re.S)
_ids = itertools.count(1)


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def svg_with_banner(svg: str, lines: list[str], tone: str) -> str:
    """Return the SVG with the banner's lines drawn above the graph (the same SVG if none)."""
    found = _SVG_TAG.search(svg)
    if not lines or found is None:
        return svg
    tag = found.group(0)
    box = (_attr(tag, "viewBox") or "").split()
    width, height = _attr(tag, "width") or "", _attr(tag, "height") or ""
    if len(box) != 4 or not width.endswith("pt") or not height.endswith("pt"):
        return svg
    x0, y0, w, h = (float(v) for v in box)
    chars = max(40, int((w - 16.0) / 6.6))  # ~6.6 pt per character of 12 pt sans-serif
    lines = [part for line in lines for part in textwrap.wrap(line, chars) or [""]]
    extra = LINE_PT * len(lines) + 8.0
    ink, fill, edge = TONES.get(tone, TONES["note"])
    new_tag = tag.replace(
        f'viewBox="{" ".join(box)}"', f'viewBox="{x0:g} {y0 - extra:g} {w:g} {h + extra:g}"'
    ).replace(f'height="{height}"', f'height="{float(height[:-2]) + extra:g}pt"')
    texts = "".join(
        f'<text x="{x0 + 8:g}" y="{y0 - extra + 4 + LINE_PT * (k + 0.75):g}" '
        f'font-family="Helvetica,sans-serif" font-size="{12 if k else 13}" '
        f'font-weight="{"normal" if k else "bold"}" fill="{ink}">{html.escape(line)}</text>'
        for k, line in enumerate(lines)
    )
    group = (
        f'<g id="banner" class="banner {tone}" role="status">'
        f'<rect x="{x0:g}" y="{y0 - extra:g}" width="{w:g}" height="{extra - 2:g}" '
        f'fill="{fill}" stroke="{edge}"/>{texts}</g>'
    )
    return svg[: found.start()] + new_tag + group + svg[found.end() :]


def _image(svg: str, alt: str) -> str:
    """Return the SVG as an <img> of a data: URI, scaled to the width it has: an image, not
    inline markup, so it survives the sanitizer of an untrusted notebook (JupyterLab drops
    inline <svg>, keeps <img src="data:...">), nbconvert and VS Code alike."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img class="chainrule-svg" style="max-width:100%;height:auto;display:block" '
        f'alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'
    )


def html_face(
    svg: str | None, lines: list[str], tone: str, fallback: str = "", alt: str = "the drawing"
) -> str:
    """Return the HTML face: the banner, then the drawing fitted to the cell's width (a click
    toggles full size), or the fallback text when there is no picture."""
    uid = f"chainrule-{next(_ids)}"
    ink, fill, edge = TONES.get(tone, TONES["note"])
    parts = [f'<div class="chainrule-output" id="{uid}" style="max-width:100%">']
    if lines:
        head, *rest = (html.escape(line) for line in lines)
        body = "".join(f"<div>{r}</div>" for r in rest)
        parts.append(
            f'<div class="chainrule-banner {tone}" role="status" style="color:{ink};'
            f"background:{fill};border:1px solid {edge};border-radius:4px;padding:4px 8px;"
            f'margin:0 0 6px 0;font-family:sans-serif;font-size:13px">'
            f"<div><b>{head}</b></div>{body}</div>"
        )
    if svg is None:
        parts.append(f"<pre>{html.escape(fallback)}</pre>")
    else:
        parts += [
            f"<style>#{uid} .chainrule-full:checked + label .chainrule-svg"
            "{max-width:none!important;width:auto}"
            f"#{uid} .chainrule-full:checked + label{{cursor:zoom-out}}</style>",
            f'<input type="checkbox" class="chainrule-full" id="{uid}-full" '
            'style="display:none" aria-label="show the drawing at full size">',
            f'<label for="{uid}-full" title="click: full size / fit to width" '
            'style="display:block;cursor:zoom-in;overflow-x:auto">',
            _image(svg, alt),
            "</label>",
        ]
    parts.append("</div>")
    return "".join(parts)
