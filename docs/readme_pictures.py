"""Writes the README's pictures of the default run from its run directory.

    kgan train --out runs/digits
    python docs/readme_pictures.py runs/digits

assets/mnist5k_epoch_0020.png is the run's last sample grid as written;
assets/mnist5k_training.gif shows the first 16 of the grid's 64 samples at
every epoch (the run's own GIF shows all 64 and is too large for the repo).
"""

import argparse
import json
import os
import shutil

import imageio.v3 as iio

from kgan import images

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir")
    parser.add_argument("--tiles", type=int, default=16)
    args = parser.parse_args(argv)
    run = json.load(open(os.path.join(args.run_dir, "run.json")))
    shape, epochs, n = tuple(run["image_shape"]), run["epochs"], run["num_samples"]
    scale = max(1, 32 // shape[0])
    assets = os.path.join(REPO, "assets")
    name = f"{run['data']}_epoch_{epochs:04d}.png"
    samples = os.path.join(args.run_dir, "samples")
    shutil.copyfile(os.path.join(samples, f"epoch_{epochs:04d}.png"), os.path.join(assets, name))
    frames = []
    for epoch in range(1, epochs + 1):
        grid = iio.imread(os.path.join(samples, f"epoch_{epoch:04d}.png"))
        grid = grid[..., None] if grid.ndim == 2 else grid
        tiles = images.split_grid(grid, n, shape, scale=scale)[:args.tiles]
        frames.append(images.make_grid(tiles, cols=4, drange=(0, 255), scale=scale))
    gif = os.path.join(assets, f"{run['data']}_training.gif")
    images.write_gif(frames, gif, duration=0.3)
    for path in (name, gif):
        path = os.path.join(assets, path)
        print(f"{path}: {os.path.getsize(path):,} bytes")


if __name__ == "__main__":
    main()
