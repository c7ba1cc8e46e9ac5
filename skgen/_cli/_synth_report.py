"""The report folder of ``skgen synth``: the scores, and two figures."""

import numpy as np

#: Columns drawn in the figure of marginals, at most.
_MAX_PANELS = 24


def write_report(folder, real, synthetic, scores, pair_trends, out):
    """``report.md`` (the table of scores), ``marginals.png`` (each column,
    real against synthetic) and ``pair_trends.png`` (how far each pair of
    columns' relation moved, from ``pair_trends`` of
    :func:`skgen.metrics.quality_report`) in ``folder``."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(folder, real, synthetic, pair_trends)
    lines = [
        "# Synthetic table: quality and privacy",
        "",
        f"{len(synthetic)} synthetic rows against {len(real)} real rows, "
        f"{real.shape[1]} columns.",
        "",
        "| measure | value | meaning |",
        "|---|---:|---|",
    ]
    for name, (value, meaning) in scores.items():
        shown = f"{value:d}" if isinstance(value, (int, np.integer)) else f"{value:.3f}"
        lines.append(f"| {name} | {shown} | {meaning} |")
    lines += ["", *(f"![{name}]({name}.png)" for name in figures)]
    (folder / "report.md").write_text("\n".join(lines) + "\n")
    written = ", ".join(["report.md", *(f"{name}.png" for name in figures)])
    print(f"wrote {folder}/{{{written}}}", file=out)


def _figures(folder, real, synthetic, pair_trends):
    """The figures drawn (none without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        return []
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = list(real.columns)[:_MAX_PANELS]
    n_cols = min(4, len(columns))
    n_rows = -(-len(columns) // n_cols)
    figure, axes = plt.subplots(
        n_rows, n_cols, figsize=(3.2 * n_cols, 2.4 * n_rows), squeeze=False
    )
    for ax, column in zip(axes.ravel(), columns):
        _marginal(ax, real[column], synthetic[column], str(column))
    for ax in axes.ravel()[len(columns) :]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=7)
    figure.subplots_adjust(hspace=0.9, wspace=0.3, left=0.05, right=0.98)
    figure.savefig(folder / "marginals.png", dpi=72)
    plt.close(figure)
    _pair_trends(folder, list(real.columns), pair_trends, plt)
    return ["marginals", "pair_trends"]


def _marginal(ax, real, synthetic, title):
    """Histograms of a numeric column, bars of a categorical one."""
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(
        real.dtype
    ) and not pd.api.types.is_bool_dtype(real.dtype)
    if numeric and real.nunique() > 12:
        values = pd.concat([real, synthetic]).dropna()
        bins = np.histogram_bin_edges(values, bins=20)
        for series, label in ((real, "real"), (synthetic, "synthetic")):
            ax.hist(series.dropna(), bins=bins, density=True, alpha=0.5, label=label)
    else:
        shares = pd.DataFrame(
            {
                "real": real.astype(str).value_counts(normalize=True),
                "synthetic": synthetic.astype(str).value_counts(normalize=True),
            }
        ).fillna(0.0)
        shares = shares.iloc[:20]
        positions = np.arange(len(shares))
        ax.bar(positions - 0.2, shares["real"], 0.4, label="real")
        ax.bar(positions + 0.2, shares["synthetic"], 0.4, label="synthetic")
        ax.set_xticks(positions, [str(i)[:8] for i in shares.index], rotation=90)
    ax.set_title(title[:30], fontsize=9)
    ax.tick_params(labelsize=7)


def _pair_trends(folder, names, pair_trends, plt):
    """Heat map of 1 - pair trend: 0 where a pair's relation is reproduced."""
    difference = np.zeros((len(names), len(names)))
    for (a, b), score in pair_trends.items():
        i, j = names.index(a), names.index(b)
        difference[i, j] = difference[j, i] = 1.0 - score
    size = max(4.0, 0.45 * len(names))
    figure, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(difference, cmap="Reds", vmin=0.0)
    ax.set_xticks(range(len(names)), [str(n)[:12] for n in names], rotation=90)
    ax.set_yticks(range(len(names)), [str(n)[:12] for n in names])
    ax.set_title("pair trends: real against synthetic (0: the same)", fontsize=9)
    figure.colorbar(image, ax=ax, shrink=0.8)
    figure.subplots_adjust(bottom=0.3, left=0.25)
    figure.savefig(folder / "pair_trends.png", dpi=72)
    plt.close(figure)
