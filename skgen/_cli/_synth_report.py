"""The report folder of ``skgen synth``: the scores, and figures in SVG.

``report.md`` holds the table of scores; ``report.html`` the same table and
two figures drawn as inline SVG (each column's marginal, real against
synthetic; how far each pair of columns' relation moved). SVG is written
here directly: no plotting library to install, and none to import (which
would cost a third of a second on every run).
"""

from html import escape

import numpy as np

from skgen._cli._common import format_score

#: Columns drawn in the figure of marginals, at most.
_MAX_PANELS = 24
#: Categories drawn per column, at most (the most frequent real ones).
_MAX_BARS = 12
_REAL, _SYNTHETIC = "#1f77b4", "#ff7f0e"


def write_report(folder, real, synthetic, scores, pair_trends, out):
    """``report.md`` and ``report.html`` (scores and figures) in ``folder``.

    ``pair_trends`` is :func:`skgen.metrics.quality_report`'s, of ``real``
    against ``synthetic``.
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    title = "Synthetic table: quality and privacy"
    summary = (
        f"{len(synthetic)} synthetic rows against {len(real)} real rows, "
        f"{real.shape[1]} columns."
    )
    rows = [
        (name, format_score(value), meaning)
        for name, (value, meaning) in scores.items()
    ]
    markdown = [f"# {title}", "", summary, "", "| measure | value | meaning |"]
    markdown += ["|---|---:|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rows)]
    markdown += ["", "Figures: report.html."]
    (folder / "report.md").write_text("\n".join(markdown) + "\n")
    (folder / "report.html").write_text(
        _html(title, summary, rows, real, synthetic, pair_trends)
    )
    print(f"wrote {folder}/{{report.md, report.html}}", file=out)


def _html(title, summary, rows, real, synthetic, pair_trends):
    table = "".join(
        f"<tr><td>{escape(a)}</td><td align=right>{b}</td><td>{escape(c)}</td></tr>"
        for a, b, c in rows
    )
    panels = "".join(
        _marginal(real[column], synthetic[column], str(column))
        for column in list(real.columns)[:_MAX_PANELS]
    )
    legend = (
        f'<span style="color:{_REAL}">&#9632; real</span> '
        f'<span style="color:{_SYNTHETIC}">&#9632; synthetic</span>'
    )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:2px 8px}"
        "svg{margin:4px}</style></head><body>"
        f"<h1>{title}</h1><p>{escape(summary)}</p><table>{table}</table>"
        f"<h2>Marginals</h2><p>{legend}</p>{panels}"
        "<h2>Pair trends</h2><p>1 minus each pair's trend score: 0 where the "
        "synthetic rows keep the pair's relation.</p>"
        f"{_heat_map(list(real.columns), pair_trends)}</body></html>\n"
    )


def _marginal(real, synthetic, name, width=240, height=150):
    """A histogram (numbers) or bars (categories, few values) as SVG."""
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(real.dtype) and not (
        pd.api.types.is_bool_dtype(real.dtype)
    )
    if numeric and real.nunique() > _MAX_BARS:
        values = pd.concat([real, synthetic]).dropna().to_numpy(dtype=np.float64)
        edges = np.histogram_bin_edges(values, bins=20)
        shares = [
            np.histogram(series.dropna(), bins=edges)[0] / max(series.notna().sum(), 1)
            for series in (real, synthetic)
        ]
        labels = [f"{edges[0]:.3g}", f"{edges[-1]:.3g}"]
    else:
        counts = real.astype(str).value_counts(normalize=True)
        keys = list(counts.index[:_MAX_BARS])
        other = synthetic.astype(str).value_counts(normalize=True)
        shares = [counts.reindex(keys).fillna(0.0), other.reindex(keys).fillna(0.0)]
        shares = [np.asarray(s, dtype=np.float64) for s in shares]
        labels = [keys[0][:8], keys[-1][:8]] if keys else ["", ""]
    return _bars(name, shares, labels, width, height)


def _bars(name, shares, labels, width, height):
    top = max(float(np.max(s, initial=0.0)) for s in shares) or 1.0
    n = len(shares[0])
    plot_w, plot_h, left, bottom = width - 10, height - 40, 5, height - 20
    step = plot_w / max(n, 1)
    parts = [f'<text x="{left}" y="12" font-size="11">{escape(name[:32])}</text>']
    for i in range(n):
        for j, (series, colour) in enumerate(zip(shares, (_REAL, _SYNTHETIC))):
            h = plot_h * series[i] / top
            x = left + i * step + j * step / 2
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{step / 2:.1f}" '
                f'height="{h:.1f}" fill="{colour}" opacity="0.8"/>'
            )
    parts.append(
        f'<text x="{left}" y="{height - 5}" font-size="9">{escape(labels[0])}</text>'
        f'<text x="{width - 5}" y="{height - 5}" font-size="9" text-anchor="end">'
        f"{escape(labels[1])}</text>"
    )
    return (
        f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="100%" height="100%" fill="white" stroke="#ccc"/>'
        f"{''.join(parts)}</svg>"
    )


def _heat_map(names, pair_trends, cell=22):
    """Cells of 1 - trend score, white (0) to red (the largest)."""
    n = len(names)
    difference = np.zeros((n, n))
    for (a, b), score in pair_trends.items():
        i, j = names.index(a), names.index(b)
        difference[i, j] = difference[j, i] = 1.0 - score
    top = difference.max() or 1.0
    margin = 110
    size = margin + n * cell + 10
    parts = []
    for i in range(n):
        y = margin + i * cell
        parts.append(
            f'<text x="{margin - 4}" y="{y + cell * 0.7:.1f}" font-size="10" '
            f'text-anchor="end">{escape(str(names[i])[:16])}</text>'
            f'<text transform="translate({margin + i * cell + cell * 0.7:.1f},'
            f'{margin - 4}) rotate(-90)" font-size="10">'
            f"{escape(str(names[i])[:16])}</text>"
        )
        for j in range(n):
            shade = int(255 * (1 - difference[i, j] / top))
            parts.append(
                f'<rect x="{margin + j * cell}" y="{y}" width="{cell}" '
                f'height="{cell}" fill="rgb(255,{shade},{shade})" stroke="#eee">'
                f"<title>{difference[i, j]:.3f}</title></rect>"
            )
    return (
        f'<svg width="{size}" height="{size}" xmlns="http://www.w3.org/2000/svg">'
        f"{''.join(parts)}</svg>"
    )
