"""Super-resolution on the held-out photos: bicubic, the PSNR-phase model and the GAN.

Trains the default recipe (`srresnet-photos-x4`, or `srresnet-photos-x2`
with `--scale 2`; `--recipe` picks another, e.g. `srresnet-photos-x4-long`)
with `kgan train` (its L1 phase, then its GAN phase), then measures on the
three held-out photos (chelsea, coffee, flower; whole, cropped to a multiple
of the scale, LR made by `kgan.datasets.photos.downscale`):

- PSNR and SSIM on RGB and on Y (BT.601, MATLAB's), the border cropped by
  the scale (`kgan.metrics.psnr` / `ssim`);
- sharpness: the output's Laplacian energy relative to HR's (1.0 = as sharp);
- FD on patches: Fréchet distance between the features of 32x32 patches of
  the outputs and of HR, the features those of a small CNN trained to tell
  which of the 17 photos a patch comes from (`kgan.metrics.FeatureExtractor`,
  trained here in about a minute, offline), patch for patch at the same
  places, so HR itself scores 0;
- `kgan upscale` speed (output megapixels per second, start-up excluded by
  subtracting a run on a 16x16 image) and peak RSS for a 2048x2048 output,
  each in a fresh process (`resource.getrusage`);

and writes the figure of the crop of each held-out photo that bicubic
loses most on: bicubic | PSNR model | GAN | HR (`--figure`, default
`assets/super_resolution_x4.png`).

Run:

    python benchmarks/super_resolution.py                # x4, the recipe's full schedule
    python benchmarks/super_resolution.py --scale 2      # x2
    python benchmarks/super_resolution.py --recipe srresnet-photos-x4-long  # the longer recipe
    python benchmarks/super_resolution.py --quick        # smoke run: a tiny model, a few steps
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

from common import REPO_ROOT, print_machine  # noqa: E402 (sets TF_CPP_MIN_LOG_LEVEL)
from sample_memory import run as peak_rss_and_seconds  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(REPO_ROOT))  # benchmark this checkout's kgan

import kgan  # noqa: E402,F401 (registers every task's model classes for loading)
from kgan import images, metrics, saving  # noqa: E402
from kgan.datasets import photos  # noqa: E402

KGAN = [sys.executable, "-m", "kgan"]
PATCH = 32
QUICK = ["--epochs", "2", "--psnr-epochs", "1", "--steps-per-epoch", "2", "--filters", "8",
         "--blocks", "1", "--batch-size", "4"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, choices=(2, 4), default=4)
    parser.add_argument("--recipe", default=None,
                        help="the recipe to train (default srresnet-photos-x{scale}), e.g. "
                             "srresnet-photos-x4-long")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny model for a few steps, a small upscale image: checks the "
                             "script, not the figures")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", default=None,
                        help="where to write the comparison PNG (default "
                             "assets/super_resolution_x{scale}.png; '' for none)")
    parser.add_argument("--train-args", default="",
                        help="extra `kgan train` flags, e.g. '--epochs 16 --psnr-epochs 8'")
    parser.add_argument("--run-dir", default=None,
                        help="an existing run of the recipe to measure instead of training")
    return parser.parse_args(argv)


# ------------------------------------------------------------------ training


def train(args, run_dir):
    recipe = args.recipe or f"srresnet-photos-x{args.scale}"
    command = KGAN + ["train", "--recipe", recipe, "--seed", str(args.seed), "--out", run_dir,
                      "--verbose", "0"] + (QUICK if args.quick else []) + args.train_args.split()
    print(f"\nTraining: {' '.join(command[2:])}", flush=True)
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


# --------------------------------------------------------------- evaluation


def held_out(scale):
    """`[(name, hr uint8, lr uint8)]`: the held-out photos cropped to a multiple of `scale`."""
    out = []
    for name, image in photos.held_out_images():
        height, width = image.shape[0] // scale * scale, image.shape[1] // scale * scale
        hr = image[:height, :width]
        out.append((name, hr, photos.downscale(hr, scale)))
    return out


def upscalings(model, photos_lr_hr):
    """`{method: [uint8 output per photo]}` for bicubic, the PSNR-phase model and the GAN."""
    from kgan.tasks.super_resolution.upscale import upscale_image

    results = {"bicubic": [], "PSNR model": [], "GAN": []}
    for _, _, lr in photos_lr_hr:
        results["bicubic"].append(photos.bicubic_upscale(lr, model.scale))
        results["PSNR model"].append(upscale_image(model, lr, psnr=True))
        results["GAN"].append(upscale_image(model, lr))
    return results


def grid_patches(image):
    height, width = image.shape[:2]
    return np.stack([image[y:y + PATCH, x:x + PATCH]
                     for y in range(0, height - PATCH + 1, PATCH)
                     for x in range(0, width - PATCH + 1, PATCH)])


def patch_extractor(seed, per_photo=400, epochs=None):
    """A CNN trained to tell which of the 17 photos a random 32x32 patch comes from."""
    rng = np.random.default_rng(seed)
    patches, labels = [], []
    for label, (_, image) in enumerate(photos.training_images() + photos.held_out_images()):
        ys = rng.integers(0, image.shape[0] - PATCH + 1, per_photo)
        xs = rng.integers(0, image.shape[1] - PATCH + 1, per_photo)
        patches += [image[y:y + PATCH, x:x + PATCH] for y, x in zip(ys, xs)]
        labels += [label] * per_photo
    data = (np.stack(patches).astype("float32") / 127.5 - 1.0, np.array(labels))
    return metrics.FeatureExtractor.fit(data, epochs=epochs, seed=seed)


def patch_fd(extractor, outputs, references):
    def features(group):
        batch = np.concatenate([grid_patches(image) for image in group])
        return extractor.predict(batch.astype("float32") / 127.5 - 1.0)[0]

    return metrics.frechet_distance(features(references), features(outputs))


def quality_table(outputs, photos_lr_hr, extractor, scale):
    """Rows `(method, PSNR RGB, SSIM RGB, PSNR Y, SSIM Y, sharpness, FD)`."""
    references = [hr for _, hr, _ in photos_lr_hr]
    rows = []
    for method, group in outputs.items():
        def mean(metric, **kwargs):
            return float(np.mean([metric(out, hr, crop_border=scale, **kwargs)
                                  for out, hr in zip(group, references)]))

        rows.append((method, mean(metrics.psnr, on="rgb"), mean(metrics.ssim, on="rgb"),
                     mean(metrics.psnr, on="y"), mean(metrics.ssim, on="y"),
                     mean(metrics.sharpness), patch_fd(extractor, group, references)))
    return rows


def print_quality(rows, scale, extractor):
    print(f"\nHeld-out photos at x{scale} (chelsea, coffee, flower; the border cropped by "
          f"{scale} px; mean over the 3 photos; FD on {PATCH}x{PATCH} patches, features of a "
          f"photo classifier with test accuracy {extractor.metadata['test_accuracy']:.2f})")
    print("| method | PSNR RGB dB | SSIM RGB | PSNR Y dB | SSIM Y | sharpness | FD patches |")
    print("|---|---|---|---|---|---|---|")
    for name, *values in rows:
        print(f"| {name} | {values[0]:.2f} | {values[1]:.4f} | {values[2]:.2f} | "
              f"{values[3]:.4f} | {values[4]:.3f} | {values[5]:.3f} |")


# ------------------------------------------------------------------ figure


def figure(outputs, photos_lr_hr, path, crop):
    """Per photo, the `crop`-px square bicubic loses most on: bicubic | PSNR model | GAN | HR."""
    rows = []
    for i, (_, hr, _) in enumerate(photos_lr_hr):
        bicubic = outputs["bicubic"][i]
        corners = [(y, x) for y in range(0, hr.shape[0] - crop + 1, crop // 2)
                   for x in range(0, hr.shape[1] - crop + 1, crop // 2)]
        y, x = min(corners, key=lambda c: metrics.psnr(
            bicubic[c[0]:c[0] + crop, c[1]:c[1] + crop], hr[c[0]:c[0] + crop, c[1]:c[1] + crop]))
        rows.append([outputs[m][i][y:y + crop, x:x + crop] for m in outputs] +
                    [hr[y:y + crop, x:x + crop]])
    images.comparison_grid(rows, path, padding=2)
    return os.path.getsize(path)


# ------------------------------------------------------------------ upscale


def upscale_speed(run_dir, scale, side, tmp):
    """`kgan upscale` on a `side`-px LR image, against a 16x16 one for the start-up."""
    import imageio.v3 as iio
    import tensorflow as tf

    retina = dict(photos.training_images())["retina"]
    big = tf.image.resize(retina, (side, side), antialias=True).numpy()
    inputs = {"small": np.asarray(retina[:16, :16]), "big": np.clip(np.rint(big), 0, 255)}
    results = {}
    for name, image in inputs.items():
        path = os.path.join(tmp, f"{name}.png")
        iio.imwrite(path, image.astype(np.uint8))
        peak_kb, seconds = peak_rss_and_seconds(KGAN + [
            "upscale", run_dir, path, "--out", os.path.join(tmp, f"{name}_x{scale}.png"),
            "--overwrite"])
        results[name] = (peak_kb / 1024, seconds)
    seconds = results["big"][1] - results["small"][1]
    megapixels = (side * scale) ** 2 / 1e6
    speed = f"{megapixels / seconds:.2f}" if seconds > 0 else "n/a (start-up varied more)"
    print(f"\nkgan upscale, {side}x{side} -> {side * scale}x{side * scale} (default --tile): "
          f"{results['big'][1]:.1f} s in all, start-up {results['small'][1]:.1f} s, "
          f"{speed} output megapixels/s after start-up, peak RSS {results['big'][0]:.0f} MB "
          f"(the 16x16 run: {results['small'][0]:.0f} MB)")
    return results


def main(argv=None):
    args = parse_args(argv)
    print_machine()
    figure_path = (args.figure if args.figure is not None
                   else os.path.join(REPO_ROOT, "assets", f"super_resolution_x{args.scale}.png"))
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run_dir or os.path.join(tmp, "run")
        if args.run_dir is None:
            print(f"Trained in {train(args, run_dir):.0f} s (kgan train, wall)")
        model = saving.load_model(os.path.join(run_dir, "gan.keras"))
        data = held_out(model.scale)
        outputs = upscalings(model, data)
        extractor = (patch_extractor(args.seed, per_photo=60, epochs=2) if args.quick
                     else patch_extractor(args.seed))
        print_quality(quality_table(outputs, data, extractor, model.scale), model.scale,
                      extractor)
        side = 64 if args.quick else 2048 // model.scale
        upscale_speed(run_dir, model.scale, side, tmp)
        if figure_path:
            size = figure(outputs, data, figure_path, crop=96 if model.scale == 4 else 64)
            print(f"\nWrote {figure_path} ({size / 1024:.0f} KB): bicubic | PSNR model | GAN | "
                  "HR, where bicubic loses most in each held-out photo")


if __name__ == "__main__":
    main()
