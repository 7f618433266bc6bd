"""Plots of training runs."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_history"]


def plot_history(histories, metrics=("loss", "accuracy"), title=None):
    """Training curves of one or several runs, training solid and validation dashed.

    Parameters
    ----------
    histories : dict
        Run name -> history as returned by :func:`mirlib.nn.train`.
    metrics : sequence of str
        One panel per metric.
    title : str or None
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (name, hist) in enumerate(histories.items()):
            color = f"C{i}"
            if metric in hist:
                ax.plot(np.arange(1, len(hist[metric]) + 1), hist[metric], color=color, label=f"{name} (training)")
            if f"val_{metric}" in hist:
                ax.plot(np.arange(1, len(hist[f"val_{metric}"]) + 1), hist[f"val_{metric}"], "--", color=color,
                        label=f"{name} (validation)")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
