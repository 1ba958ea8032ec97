"""Pictures of word vectors: 2-D maps of chosen words and the singular value spectrum.

A map projects the vectors of some words to two dimensions -- PCA of their unit vectors
by default (:func:`wordvec.factorize` of the centred rows: the two directions of most
variance), or t-SNE from scikit-learn (neighbourhoods kept, distances not) -- and labels
each point, moving labels apart where they would overlap.  The spectrum shows the
singular values that ``dim`` cuts and ``eig`` reweights.

Needs matplotlib (``pip install 'wordvec[plot]'``); figures are drawn without pyplot
(no window, no global state) and saved as PNG, SVG or PDF by the file's suffix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._util.files import atomic_write, check_writable
from ._util.validation import check_choice, check_int
from .errors import MissingDependencyError

if TYPE_CHECKING:
    from .vectors.vectors import WordVectors

__all__ = ["project", "plot_words", "plot_spectrum", "METHODS", "FORMATS"]

METHODS = ("pca", "tsne", "raw")
FORMATS = ("png", "svg", "pdf")


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingDependencyError("plotting needs matplotlib: pip install 'wordvec[plot]' "
                          f"({exc})") from None
    _notebook_display(Figure)
    return matplotlib, Figure, FigureCanvasAgg


def _notebook_display(figure_class: Any) -> None:
    """In Jupyter, show a returned figure as a PNG even when pyplot was never imported
    (IPython's matplotlib formatter is only set up by ``%matplotlib`` or pyplot)."""
    from ._util.progress import in_notebook

    if not in_notebook():
        return
    import IPython  # in_notebook() saw it imported

    png = IPython.get_ipython().display_formatter.formatters["image/png"]
    if figure_class not in png.type_printers:
        png.for_type(figure_class, _png_bytes)


def _png_bytes(fig: Any) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def project(wv: WordVectors, words: Sequence[str], method: str = "pca",
            seed: int = 0) -> np.ndarray:
    """``(len(words), 2)`` coordinates of the words' unit vectors.

    ``"pca"``: the scores on the two principal axes of the words' centred unit vectors
    (their cosine geometry; deterministic).  ``"tsne"``: scikit-learn's t-SNE with
    cosine distances (``seed`` fixes it), for 4 words or more.  ``"raw"``: the first two
    coordinates of the vectors as they are (not normalized): the plane itself for 2-D
    vectors, the two leading SVD dimensions for a model."""
    check_choice("method", method, METHODS)
    check_int("seed", seed, low=0)
    if isinstance(words, str) or len(words) < 2:
        raise ValueError("project needs a list of at least 2 words")
    rows = [wv._row(w) for w in words]  # unknown or unusable words: KeyError naming it
    if method == "raw":
        if wv.vector_size < 2:
            raise ValueError("method='raw' needs vectors of at least 2 dimensions")
        return np.asarray(wv.vectors[rows, :2], dtype=np.float64)
    x = wv.unit_vectors[rows].astype(np.float64)
    if method == "tsne":
        if len(rows) < 4:
            raise ValueError("t-SNE needs at least 4 words; use method='pca'")
        from sklearn.manifold import TSNE

        tsne = TSNE(n_components=2, perplexity=min(30.0, (len(rows) - 1) / 3),
                    metric="cosine", init="pca", random_state=seed)
        return np.asarray(tsne.fit_transform(x))
    from .linalg.factors import factorize

    centred = x - x.mean(axis=0)
    dim = min(2, *centred.shape)
    scores = factorize(centred, dim=dim, split="left").left
    return scores if dim == 2 else np.hstack([scores, np.zeros((len(rows), 1))])


def _groups(wv: WordVectors, words: Sequence[str],
            groups: Mapping[str, Sequence[str]] | None, neighbours: int
            ) -> tuple[list[str], list[str | None], list[bool]]:
    """The words to draw, each one's group (None: no group) and whether it was asked for
    (its neighbours are drawn smaller)."""
    if isinstance(words, str):
        raise ValueError("words must be a list of words, not one string")
    asked: list[tuple[str, str | None]] = [(w, None) for w in words]
    for name, members in (groups or {}).items():
        if isinstance(members, str) or not members:
            raise ValueError(f"group {name!r} must be a non-empty list of words")
        asked += [(w, str(name)) for w in members]
    out: dict[str, tuple[str | None, bool]] = {}
    for w, g in asked:
        wv._row(w)  # KeyError naming an unknown word, before any drawing
        out.setdefault(w, (g, True))
    for w, (group, _) in list(out.items()):
        if neighbours:
            for near, _ in wv.most_similar(w, topn=neighbours):
                out.setdefault(near, (group if group is not None else w, False))
    if len(out) < 2:
        raise ValueError("a map needs at least 2 distinct words")
    return list(out), [g for g, _ in out.values()], [a for _, a in out.values()]


def _save(fig: Any, out: str | os.PathLike[str]) -> None:
    suffix = os.fspath(out).rsplit(".", 1)[-1].lower() if "." in os.fspath(out) else ""
    if suffix not in FORMATS:
        raise ValueError(f"output {os.fspath(out)!r}: the name must end in "
                         f"{', '.join('.' + f for f in FORMATS)}")
    check_writable(out, "output")
    with atomic_write(out, "wb") as fh:
        fig.savefig(fh, format=suffix, bbox_inches="tight")


def plot_words(wv: WordVectors, words: Sequence[str] = (), *,
               groups: Mapping[str, Sequence[str]] | None = None, neighbours: int = 0,
               method: str = "pca", seed: int = 0, title: str | None = None,
               out: str | os.PathLike[str] | None = None) -> Any:
    """A 2-D map of ``words`` (and of each group's words), labelled.

    Parameters
    ----------
    wv : WordVectors
    words : list of str
        Words to place.
    groups : mapping of group name to words, optional
        Drawn in one colour per group, with a legend (e.g. ``{"days": ["monday",
        "tuesday"], "countries": ["france", "italy"]}``).
    neighbours : int, default=0
        Also place each word's ``neighbours`` nearest neighbours (smaller, in the colour
        of the word's group, or one colour per word when no groups are given).
    method : {"pca", "tsne"}, default="pca"
        See :func:`project`.
    title : str, optional
    out : path, optional
        Save the figure there (``.png``, ``.svg`` or ``.pdf``; written to a temporary
        file and renamed into place).

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_int("neighbours", neighbours, low=0, high=100)
    check_choice("method", method, METHODS)
    names, group_of, asked = _groups(wv, words, groups, neighbours)
    xy = project(wv, names, method=method, seed=seed)
    _, Figure, Canvas = _matplotlib()
    fig = Figure(figsize=(8, 6.5), dpi=110)
    Canvas(fig)
    ax = fig.add_subplot()
    keys = list(dict.fromkeys(g for g in group_of if g is not None))
    colours = {g: f"C{i % 10}" for i, g in enumerate(keys)}
    for g in [None, *keys]:
        idx = [i for i, k in enumerate(group_of) if k == g]
        if not idx:
            continue
        big = [i for i in idx if asked[i]]
        small = [i for i in idx if not asked[i]]
        colour = colours.get(g, "0.35") if g is not None else "0.35"
        label = g if g is not None and (groups and g in groups) else None
        if big:
            ax.scatter(xy[big, 0], xy[big, 1], s=36, color=colour, label=label, zorder=3)
        if small:
            ax.scatter(xy[small, 0], xy[small, 1], s=14, color=colour, alpha=0.6, zorder=2)
    texts = [ax.annotate(w, xy[i], xytext=(4, 3), textcoords="offset points",
                         fontsize=9 if asked[i] else 7.5,
                         color=colours.get(group_of[i] or "", "0.1"))
             for i, w in enumerate(names)]
    pad = 0.12 * max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9)
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + 2.5 * pad)
    ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    fig.canvas.draw()
    _spread_labels_annotations(fig, ax, texts, asked)
    axis = {"pca": "PC", "tsne": "t-SNE", "raw": "dimension"}[method]
    ax.set_xlabel(f"{axis} 1")
    ax.set_ylabel(f"{axis} 2")
    if groups:
        ax.legend(loc="best", fontsize=9)
    how = "the first two coordinates" if method == "raw" else \
        f"{method.upper()} of their unit vectors"
    ax.set_title(title or f"{len(names)} words, {how}"
                 + (f", {neighbours} neighbours each" if neighbours else ""))
    ax.grid(alpha=0.25)
    if out is not None:
        _save(fig, out)
    return fig


def _spread_labels_annotations(fig: Any, ax: Any, texts: list[Any], asked: list[bool]) -> int:
    """Moves each label to a free spot next to its point (see :func:`_place`), the words
    asked for first, and draws a thin leader line to labels set further out. Returns the
    number of label pairs that still overlap."""
    renderer = fig.canvas.get_renderer()
    anchors = np.array([ax.transData.transform(t.xy) for t in texts], dtype=float)
    size = np.array([[b.width, b.height] for b in
                     (t.get_window_extent(renderer) for t in texts)], dtype=float)
    frame = ax.get_window_extent(renderer)
    order = np.lexsort((np.arange(len(texts)), ~np.asarray(asked, dtype=bool)))
    pos, far = _place(anchors, size, _MARKER_PX * fig.dpi / 110,
                      (frame.x0, frame.y0, frame.x1, frame.y1), order)
    scale = 72.0 / fig.dpi  # pixels -> points
    to_data = ax.transData.inverted()
    for t, a, p, wh, f in zip(texts, anchors, pos, size, far):
        t.xyann = ((p[0] - a[0]) * scale, (p[1] - a[1]) * scale)
        if f:
            end = np.clip(a, p, p + wh)  # the point of the label's box nearest the anchor
            line = to_data.transform(np.vstack([a, end]))
            ax.plot(line[:, 0], line[:, 1], lw=0.5, color="0.55", zorder=1)
    return _overlaps(pos, size)


_MARKER_PX = 5.0  # half the width of the largest marker at 110 dpi, plus a margin
_PAD = 2.0  # pixels kept clear around each label
# candidate directions around a point: right, left, above, below, then the diagonals
_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1))
_RADII = (1.0, 4.0, 9.0, 16.0, 26.0, 40.0, 60.0, 90.0)  # pixels beyond the marker


def _place(anchors: np.ndarray, size: np.ndarray, marker: float,
           frame: tuple[float, float, float, float], order: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Greedy label placement in pixels: each label in ``order`` takes the first candidate
    box (around its anchor, nearest first) that overlaps no label placed so far, no marker
    and stays inside ``frame``; if there is none, the candidate with the least overlap.
    Returns the boxes' lower-left corners and whether each is far enough from its point
    to need a leader line."""
    n = len(anchors)
    pos = anchors.copy()
    far = np.zeros(n, dtype=bool)
    marks = np.hstack([anchors - marker, anchors + marker])  # marker boxes x0 y0 x1 y1
    placed = np.empty((0, 4))
    for i in order:
        (ax_, ay), (w, h) = anchors[i], size[i]
        best, best_cost = None, np.inf
        for r in _RADII:
            for dx, dy in _DIRECTIONS:
                gap = marker + r
                x0 = ax_ + gap if dx > 0 else ax_ - gap - w if dx < 0 else ax_ - w / 2
                y0 = ay + gap if dy > 0 else ay - gap - h if dy < 0 else ay - h / 2
                box = np.array([x0 - _PAD, y0 - _PAD, x0 + w + _PAD, y0 + h + _PAD])
                cost = (_overlap_area(box, placed) + _overlap_area(box, marks)
                        + 4 * _outside(box, frame))
                if cost < best_cost:
                    best, best_cost = (x0, y0, r), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        assert best is not None
        pos[i] = best[:2]
        far[i] = best[2] > 9.0
        placed = np.vstack([placed, [best[0] - _PAD, best[1] - _PAD,
                                     best[0] + w + _PAD, best[1] + h + _PAD]])
    return pos, far


def _overlap_area(box: np.ndarray, boxes: np.ndarray) -> float:
    if not len(boxes):
        return 0.0
    w = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    h = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))


def _outside(box: np.ndarray, frame: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = frame
    inner_w = max(0.0, min(box[2], x1) - max(box[0], x0))
    inner_h = max(0.0, min(box[3], y1) - max(box[1], y0))
    return float((box[2] - box[0]) * (box[3] - box[1]) - inner_w * inner_h)


def _overlaps(pos: np.ndarray, size: np.ndarray) -> int:
    """The number of pairs of boxes that overlap."""
    lo, hi = pos, pos + size
    over_x = np.minimum(hi[:, None, 0], hi[None, :, 0]) - np.maximum(lo[:, None, 0],
                                                                     lo[None, :, 0])
    over_y = np.minimum(hi[:, None, 1], hi[None, :, 1]) - np.maximum(lo[:, None, 1],
                                                                     lo[None, :, 1])
    return int(np.triu((over_x > 0) & (over_y > 0), k=1).sum())


def plot_spectrum(wv: WordVectors | Sequence[float] | np.ndarray, *,
                  title: str | None = None,
                  out: str | os.PathLike[str] | None = None) -> Any:
    """The singular values of a model's factorized matrix (or any given values), largest
    first, and the share of the squared sum the first ``k`` keep.

    A model stores its values in ``stats["singular_values"]`` (all ``dim`` of them for
    models built since this was added; the first 10 before)."""
    values = (wv.stats.get("singular_values") if hasattr(wv, "stats") else wv)
    s = np.asarray(values if values is not None else [], dtype=np.float64).ravel()
    if s.size == 0 or not np.isfinite(s).all() or (s < 0).any():
        raise ValueError("no singular values to plot (the model's stats hold none: it "
                         "was not built by wordvec.build)" if hasattr(wv, "stats") else
                         "singular values must be finite numbers >= 0")
    _, Figure, Canvas = _matplotlib()
    fig = Figure(figsize=(9, 3.6), dpi=110)
    Canvas(fig)
    a, b = fig.subplots(1, 2)
    k = np.arange(1, s.size + 1)
    a.plot(k, s, marker="." if s.size <= 60 else None)
    a.set_yscale("log" if s.min() > 0 else "linear")
    a.set_xlabel("component k")
    a.set_ylabel("singular value")
    a.grid(alpha=0.3)
    share = np.cumsum(s ** 2) / max(float(np.sum(s ** 2)), 1e-300)
    b.plot(k, share)
    b.set_ylim(0, 1.02)
    b.set_xlabel("first k components")
    b.set_ylabel("share of the sum of squares kept")
    b.grid(alpha=0.3)
    fig.suptitle(title or f"singular value spectrum ({s.size} values)")
    if out is not None:
        _save(fig, out)
    return fig
