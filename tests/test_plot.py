"""Maps of words and the spectrum: files written, labels apart, errors named."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import wordvec  # noqa: E402
from wordvec import plot  # noqa: E402
from wordvec.vectors.vectors import WordVectors  # noqa: E402


@pytest.fixture()
def wv() -> WordVectors:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((3, 20)) * 3
    rows = np.vstack([c + rng.standard_normal((10, 20)) * 0.3 for c in centres])
    words = [f"{g}{i}" for g in ("day", "coin", "town") for i in range(10)]
    return WordVectors(rows.astype(np.float32), words,
                       stats={"singular_values": list(np.geomspace(50, 1, 20))})


def test_pca_projection_is_pca_of_unit_vectors(wv: WordVectors) -> None:
    from sklearn.decomposition import PCA

    words = list(wv)[:12]
    xy = plot.project(wv, words)
    want = PCA(n_components=2).fit_transform(wv.unit_vectors[:12])
    np.testing.assert_allclose(np.abs(xy), np.abs(want), atol=1e-5)


def test_map_written_as_png_and_svg_with_labels_apart(wv: WordVectors, tmp_path: Path) -> None:
    fig = wv.plot(["day0", "coin0"], groups={"days": ["day1", "day2"]}, neighbours=5,
                  out=tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    texts = ax.texts
    assert {t.get_text() for t in texts} >= {"day0", "coin0", "day1", "day2"}
    assert len(texts) == len({t.get_text() for t in texts})
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not clashes  # no label over another
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["days"]
    wordvec.plot_words(wv, list(wv)[:6], method="tsne", out=tmp_path / "map.svg")
    assert b"<svg" in (tmp_path / "map.svg").read_bytes()[:500]


def test_crowded_labels_are_separated() -> None:
    x = np.random.default_rng(3).standard_normal((40, 2)) * 0.01 + [5, 5]
    wv = WordVectors(np.hstack([x, np.ones((40, 1))]).astype(np.float32),
                     [f"word{i}" for i in range(40)])
    fig = wv.plot(list(wv))
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert not [1 for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


def test_spectrum(wv: WordVectors, tmp_path: Path) -> None:
    fig = wordvec.plot_spectrum(wv, out=tmp_path / "s.pdf")
    assert (tmp_path / "s.pdf").read_bytes()[:4] == b"%PDF"
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), np.geomspace(50, 1, 20))
    with pytest.raises(ValueError, match="no singular values"):
        wordvec.plot_spectrum(WordVectors(np.eye(3, dtype=np.float32), ["a", "b", "c"]))


def test_errors_name_the_problem(wv: WordVectors, tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="'nosuch' not in vocabulary"):
        wv.plot(["day0", "nosuch"])
    with pytest.raises(ValueError, match="must end in .png, .svg, .pdf"):
        wv.plot(["day0", "day1"], out=tmp_path / "map.jpg")
    with pytest.raises(ValueError, match="at least 2 distinct words"):
        wv.plot(["day0", "day0"])
    with pytest.raises(ValueError, match="t-SNE needs at least 4 words"):
        wv.plot(["day0", "day1"], method="tsne")
    with pytest.raises(ValueError, match="not one string"):
        wv.plot("day0")
    assert not list(tmp_path.iterdir())


def test_without_matplotlib_the_message_says_what_to_install(
        wv: WordVectors, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'wordvec\[plot\]'"):
        wv.plot(["day0", "day1"])


def test_cli_plot(wv: WordVectors, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wordvec.cli import main

    model = tmp_path / "m.wv"
    wv.save(model)
    assert main(["plot", str(model), "day0", "coin0", "--group", "towns:town1,town2",
                 "--neighbours", "2", "-o", str(tmp_path / "a.png")]) == 0
    assert (tmp_path / "a.png").stat().st_size > 1000
    assert main(["plot", str(model), "--spectrum", "-o", str(tmp_path / "s.svg")]) == 0
    assert main(["plot", str(model), "-o", str(tmp_path / "b.png")]) == 2
    assert "give WORD arguments" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["plot", str(model), "--group", "nowords", "-o", str(tmp_path / "c.png")])


def test_labels_keep_clear_of_every_point() -> None:
    """The greedy placement: no label over another label or over any marker, when there
    is room; labels moved further out get a leader line."""
    rng = np.random.default_rng(5)
    anchors = rng.uniform(100, 500, size=(30, 2))
    size = np.tile([40.0, 10.0], (30, 1))
    pos, far = plot._place(anchors, size, 5.0, (0, 0, 600, 600), np.arange(30))
    boxes = np.hstack([pos, pos + size])
    for i in range(30):
        for j in range(30):
            if i != j:
                a, b = boxes[i], boxes[j]
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            x, y = anchors[j]  # no label covers a point's marker
            a = boxes[i]
            assert not (a[0] < x + 5 and x - 5 < a[2] and a[1] < y + 5 and y - 5 < a[3])
    assert far.dtype == bool


def test_raw_method_plots_the_coordinates_themselves() -> None:
    wv = WordVectors(np.array([[1, 0], [0, 2], [-1, -1]], dtype=np.float32), ["a", "b", "c"])
    np.testing.assert_array_equal(plot.project(wv, ["a", "b", "c"], method="raw"),
                                  [[1, 0], [0, 2], [-1, -1]])
    fig = wv.plot(["a", "b", "c"], method="raw")
    assert fig.axes[0].get_xlabel() == "dimension 1"
    one = WordVectors(np.ones((2, 1), dtype=np.float32), ["a", "b"])
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        plot.project(one, ["a", "b"], method="raw")
