"""Median time of one move of the dropout explorer's sliders (the grid of runs is trained
once beforehand, as in the lesson; a move only looks a run up and redraws the Monte-Carlo
panel), and separately the PNG render the notebook displays."""
import io
import itertools
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from coursekit import data, nn, optim, train, widgets


def main():
    d = data.digits(seed=0)
    X, y = d.X_train[:200], d.y_train[:200]
    histories = {}
    for p, width in itertools.product((0.0, 0.5, 0.8), (64, 256)):
        model = nn.MLP([64, width, 10], dropout=p, rng=0)
        histories[p, width] = train.fit(model, nn.cross_entropy, optim.Adam(model.parameters(), lr=3e-3),
                                        X, y, epochs=3, batch_size=50, val=(d.X_val, d.y_val), rng=1)
    explorer = widgets.dropout_explorer(histories)
    moves = list(histories) * 5
    update = []
    for p, width in moves:
        t0 = time.perf_counter()
        explorer.update(p=p, width=width)
        update.append(time.perf_counter() - t0)
    render = []
    for p, width in list(histories):
        explorer.update(p=p, width=width)
        t0 = time.perf_counter()
        explorer.fig.savefig(io.BytesIO(), format="png")
        render.append(time.perf_counter() - t0)
    print(f"dropout_explorer: median update {1e3 * statistics.median(update):.1f} ms over "
          f"{len(moves)} moves; median PNG render {1e3 * statistics.median(render):.0f} ms")


if __name__ == "__main__":
    main()
