"""The `kgan` command line: `kgan train | sample | export`.

`kgan train` with no arguments trains a DCGAN on the 1,797 handwritten
digits bundled with scikit-learn (offline) and writes a run directory:

    RUN_DIR/samples/epoch_0001.png ...  fixed-noise sample grids, one per epoch
    RUN_DIR/training.gif                the grids as an animation
    RUN_DIR/history.csv                 per-epoch losses (Keras CSVLogger)
    RUN_DIR/losses.png                  the loss curves
    RUN_DIR/gan.keras                   the GAN (keras.models.load_model)
    RUN_DIR/saved_model/                the generator as a SavedModel
    RUN_DIR/run.json                    the arguments of the run

An existing RUN_DIR is never overwritten: `kgan train` refuses it.
"""

import argparse
import json
import os
import sys
import time

DEFAULTS = {
    "model": "dcgan",
    "data": "digits",
    "epochs": 60,
    "batch_size": 64,
    "latent_dim": 32,
    "filters": 32,
    "loss": "non_saturating",
    "learning_rate": 2e-4,
    "num_samples": 64,
}


# Text models train in epochs of a fixed number of steps, after an MLE warm start.
TEXT_MODELS = ("textgan", "textgan_wgan")
TEXT_DEFAULTS = {"data": "surnames", "steps_per_epoch": 60, "pretrain_steps": 3000,
                 "loss": {"textgan": "relativistic", "textgan_wgan": "wasserstein"},
                 "learning_rate": 1e-4}


class CommandError(Exception):
    """A user error the CLI reports in one line."""


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kgan", description="Train, sample and export GANs built on Keras 3."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train", help="train a GAN and write a run directory",
        description="Train a GAN with Keras' fit and write sample grids, a GIF, the "
                    "saved model and a SavedModel into a new run directory.",
    )
    train.add_argument("--model", default=DEFAULTS["model"],
                       help="registered network pair (default: %(default)s)")
    train.add_argument("--data", default=None,
                       help="'digits' (offline default), a directory of IDX or image files, "
                            "or a tensorflow-datasets name; for text models 'surnames' "
                            "(offline default) or a UTF-8 file, one sample per line")
    train.add_argument("--epochs", type=_positive_int, default=DEFAULTS["epochs"],
                       help="default: %(default)s")
    train.add_argument("--batch-size", type=_positive_int, default=DEFAULTS["batch_size"],
                       help="default: %(default)s")
    train.add_argument("--image-size", type=_positive_int, default=None,
                       help="resize images to SIZE x SIZE (default: the data's own size)")
    train.add_argument("--latent-dim", type=_positive_int, default=DEFAULTS["latent_dim"],
                       help="default: %(default)s")
    train.add_argument("--filters", type=_positive_int, default=DEFAULTS["filters"],
                       help="network width (default: %(default)s)")
    train.add_argument("--loss", default=None,
                       help="default: non_saturating; relativistic for text models")
    train.add_argument("--learning-rate", type=_positive_float, default=None,
                       help="Adam learning rate of both networks (default: 2e-4; for text "
                            "models 1e-4 for the discriminator and half that for the generator)")
    train.add_argument("--num-samples", type=_positive_int, default=DEFAULTS["num_samples"],
                       help="samples per grid (default: %(default)s)")
    train.add_argument("--seed", type=int, default=None, help="seed for repeatable runs")
    train.add_argument("--out", default=None,
                       help="run directory; must not exist yet (default: runs/MODEL-DATA-TIME)")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                       help="Keras progress output: 0 silent, 1 progress bar, 2 one line per epoch")
    text_options = train.add_argument_group("text models (--model textgan, textgan_wgan)")
    text_options.add_argument("--max-length", type=_positive_int, default=None,
                              help="characters per sample; longer lines are an error "
                                   "(default: the longest line)")
    text_options.add_argument("--steps-per-epoch", type=_positive_int,
                              default=TEXT_DEFAULTS["steps_per_epoch"],
                              help="GAN updates per epoch (default: %(default)s)")
    text_options.add_argument("--pretrain-steps", type=int,
                              default=TEXT_DEFAULTS["pretrain_steps"],
                              help="maximum-likelihood warm-start updates of the generator "
                                   "before the GAN, 0 for none (default: %(default)s; "
                                   "textgan only)")

    sample = commands.add_parser("sample", help="write generated images to an .npz file")
    sample.add_argument("run_dir", help="a run directory written by `kgan train`")
    sample.add_argument("--n", type=_positive_int, default=64, help="default: %(default)s")
    sample.add_argument("--seed", type=int, default=None)
    sample.add_argument("--out", required=True,
                        help="output .npz; key 'images' holds uint8 (N, H, W, C) (a text "
                             "run writes a UTF-8 .txt file, one sample per line)")

    export = commands.add_parser("export", help="export the generator as a SavedModel")
    export.add_argument("run_dir", help="a run directory written by `kgan train`")
    export.add_argument("--out", required=True, help="SavedModel directory to write")
    export.add_argument("--overwrite", action="store_true",
                        help="replace an existing export at --out")
    return parser


def _run_name(model, data):
    data_name = os.path.basename(os.path.normpath(data)) or "data"
    return f"{model}-{data_name}-{time.strftime('%Y%m%d-%H%M%S')}"


def train(args):
    if args.model in TEXT_MODELS:
        from kgan.cli_text import train_text

        return train_text(args, CommandError)
    args.data = args.data or DEFAULTS["data"]
    args.loss = args.loss or DEFAULTS["loss"]
    args.learning_rate = args.learning_rate or DEFAULTS["learning_rate"]
    import keras

    import kgan
    from kgan import callbacks, datasets, images

    out = args.out or os.path.join("runs", _run_name(args.model, args.data))
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise CommandError(
            f"--out {out!r} already exists and is not empty; kgan never overwrites a run. "
            "Choose a new directory."
        )
    if args.model not in kgan.networks.names():
        raise CommandError(
            f"unknown --model {args.model!r}; registered: {', '.join(kgan.networks.names())}."
        )
    kgan.losses.get(args.loss)
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)

    # Everything that can fail on bad input runs before the run directory exists.
    dataset = datasets.load(args.data, batch_size=args.batch_size, image_size=args.image_size,
                            seed=args.seed)
    image_shape = tuple(int(d) for d in dataset.element_spec.shape[1:])
    generator, discriminator = kgan.networks.get(
        args.model, image_shape=image_shape, latent_dim=args.latent_dim, filters=args.filters
    )
    gan = kgan.GAN(generator, discriminator, latent_dim=args.latent_dim, seed=args.seed)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
        loss=args.loss,
    )
    gan.check_data(dataset)

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "run.json"), "w") as f:
        json.dump({**vars(args), "out": out, "image_shape": list(image_shape),
                   "kgan_version": kgan.__version__}, f, indent=2)
    samples_dir = os.path.join(out, "samples")
    fit_callbacks = [
        callbacks.SampleGrid(samples_dir, num_samples=args.num_samples,
                             seed=0 if args.seed is None else args.seed,
                             scale=max(1, 32 // image_shape[0])),
        callbacks.TrainingGif(out, frames_dir=samples_dir),
        keras.callbacks.CSVLogger(os.path.join(out, "history.csv")),
    ]
    print(f"Training {args.model} on {args.data} {image_shape} for {args.epochs} epochs "
          f"into {out}")
    history = gan.fit(dataset, epochs=args.epochs, callbacks=fit_callbacks,
                      verbose=args.verbose)

    gan.save(os.path.join(out, "gan.keras"))
    kgan.export_generator(gan, os.path.join(out, "saved_model"))
    images.save_loss_plot(history.history, os.path.join(out, "losses.png"))
    print(f"Wrote {out}: samples/ ({len(fit_callbacks[0].paths)} grids), training.gif, "
          "history.csv, losses.png, gan.keras, saved_model/")
    return out


def _load_run(run_dir):
    import keras

    path = os.path.join(run_dir, "gan.keras")
    if not os.path.isfile(path):
        raise CommandError(f"{run_dir!r} is not a run directory: {path!r} does not exist.")
    return keras.models.load_model(path, safe_mode=True)


def sample(args):
    if _run_family(args.run_dir) == "text":
        from kgan.cli_text import sample_text

        return sample_text(args, _load_run(args.run_dir))
    import numpy as np

    from kgan import images

    out = args.out if args.out.endswith(".npz") else args.out + ".npz"
    gan = _load_run(args.run_dir)
    samples = images.to_uint8(gan.generate(args.n, seed=args.seed))
    directory = os.path.dirname(os.path.abspath(out))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(out)}.tmp.npz")
    np.savez_compressed(tmp, images=samples)
    os.replace(tmp, out)
    print(f"Wrote {samples.shape[0]} images {samples.shape[1:]} to {out}")
    return out


def _run_family(run_dir):
    """"text" for a run written by a text model, else "image"."""
    try:
        with open(os.path.join(run_dir, "run.json")) as f:
            return json.load(f).get("family", "image")
    except (OSError, ValueError, AttributeError):
        return "image"


def export(args):
    import kgan

    gan = _load_run(args.run_dir)
    path = kgan.export_generator(gan, args.out, overwrite=args.overwrite)
    outputs = "text tf.string" if getattr(gan, "vocabulary", None) else "images uint8"
    print(f"Wrote SavedModel to {path} (signature serving_default: z -> {outputs})")
    return path


def main(argv=None):
    args = build_parser().parse_args(argv)
    command = {"train": train, "sample": sample, "export": export}[args.command]
    try:
        command(args)
    except Exception as error:
        if not _is_user_error(error):
            raise
        print(f"kgan {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


def _is_user_error(error):
    if isinstance(error, (CommandError, ValueError, OSError)):
        return True
    if "kgan.datasets" in sys.modules:
        from kgan.datasets import DatasetUnavailableError

        return isinstance(error, DatasetUnavailableError)
    return False


if __name__ == "__main__":
    sys.exit(main())
