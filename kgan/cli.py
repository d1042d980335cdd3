"""The `kgan` command line: `kgan train | sample | export | evaluate`.

`kgan train` with no arguments trains a DCGAN on the 1,797 handwritten
digits bundled with scikit-learn (offline) and writes a run directory:

    RUN_DIR/samples/epoch_0001.png ...  fixed-noise sample grids, one per epoch
    RUN_DIR/training.gif                the grids as an animation
    RUN_DIR/history.csv                 per-epoch losses (Keras CSVLogger)
    RUN_DIR/losses.png                  the loss curves
    RUN_DIR/gan.keras                   the GAN (keras.models.load_model)
    RUN_DIR/saved_model/                the generator as a SavedModel
    RUN_DIR/run.json                    the arguments of the run

With `--model cgan` (a class-conditional GAN, `--conditioning concat |
projection | acgan`) the data's labels are used, each grid has one row per
class, and RUN_DIR/interpolation.gif morphs between classes.

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
    # batch_size, learning_rate and r1_weight were chosen for dcgan by
    # measurement (README, "Choosing the defaults"); cgan and the text models
    # keep what they were measured with (CONDITIONAL_DEFAULTS, TEXT_DEFAULTS).
    "batch_size": 8,
    "latent_dim": 32,
    "filters": 32,
    "loss": "non_saturating",
    "learning_rate": 4e-4,
    "num_samples": 64,
    "conditioning": "acgan",
    "samples_per_class": 8,
    # Quality options (issue 8); a run.json without them is a run without them.
    "g_learning_rate": None,
    "d_learning_rate": None,
    "ema_decay": 0.999,  # chosen by benchmarks/quality.py (README, "Sample quality")
    "augment": "",
    "spectral_norm": False,
    "r1_weight": 1.0,
}
QUALITY_OFF = {"g_learning_rate": None, "d_learning_rate": None, "ema_decay": 0.0,
               "augment": "", "spectral_norm": False, "r1_weight": 0.0}


# Network pairs (kgan.networks) that are trained as a kgan.ConditionalGAN.
CONDITIONAL_MODELS = ("cgan",)
CONDITIONAL_AND_TEXT_BATCH_SIZE = 64
CONDITIONAL_DEFAULTS = {"batch_size": CONDITIONAL_AND_TEXT_BATCH_SIZE, "learning_rate": 2e-4}


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


def _unit_interval(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0.0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _augment_policy(text):
    from kgan import augment

    if text.strip().lower() == "none":
        return ""
    try:
        return augment.check_policy(text) or ""
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kgan", description="Train, sample and export GANs built on Keras 3."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train", help="train a GAN and write a run directory (or resume one)",
        description="Train a GAN with Keras' fit and write sample grids, a GIF, the "
                    "saved model and a SavedModel into a run directory. Given an existing "
                    "run directory, continue it from its last completed epoch.",
    )
    # Options default to None so that a resumed run can tell which were given.
    train.add_argument("--model", help=f"registered network pair (default: {DEFAULTS['model']})")
    train.add_argument("--data",
                       help="'digits' (offline default), a directory of IDX or image files, "
                            "or a tensorflow-datasets name; for text models 'surnames' "
                            "(offline default) or a UTF-8 file, one sample per line")
    train.add_argument("--epochs", type=_positive_int,
                       help=f"total epochs (default: {DEFAULTS['epochs']}); a resumed run "
                            "continues up to this number")
    train.add_argument("--batch-size", type=_positive_int,
                       help=f"default: {DEFAULTS['batch_size']} ({CONDITIONAL_AND_TEXT_BATCH_SIZE} "
                            "for cgan and the text models)")
    train.add_argument("--image-size", type=_positive_int,
                       help="resize images to SIZE x SIZE (default: the data's own size)")
    train.add_argument("--latent-dim", type=_positive_int,
                       help=f"default: {DEFAULTS['latent_dim']}")
    train.add_argument("--filters", type=_positive_int,
                       help=f"network width (default: {DEFAULTS['filters']})")
    train.add_argument("--loss",
                       help=f"default: {DEFAULTS['loss']}; relativistic for text models")
    train.add_argument("--learning-rate", type=_positive_float,
                       help=f"Adam learning rate of both networks (default: "
                            f"{DEFAULTS['learning_rate']}; {CONDITIONAL_DEFAULTS['learning_rate']} "
                            "for cgan; for text models 1e-4 for the discriminator and half "
                            "that for the generator)")
    train.add_argument("--g-learning-rate", type=_positive_float,
                       help="generator learning rate (TTUR; default: --learning-rate)")
    train.add_argument("--d-learning-rate", type=_positive_float,
                       help="discriminator learning rate (TTUR; default: --learning-rate)")
    train.add_argument("--ema-decay", type=_unit_interval,
                       help="EMA of the generator's weights used for sampling and export; "
                            f"0 disables it (default: {DEFAULTS['ema_decay']})")
    train.add_argument("--augment", type=_augment_policy,
                       help="DiffAugment policy for D's inputs, e.g. color,translation,cutout; "
                            f"'none' disables it (default: {DEFAULTS['augment'] or 'none'})")
    train.add_argument("--spectral-norm", action=argparse.BooleanOptionalAction, default=None,
                       help="spectral normalization in the discriminator "
                            f"(default: {DEFAULTS['spectral_norm']})")
    train.add_argument("--r1-weight", type=_non_negative_float,
                       help=f"R1 penalty weight gamma (default: {DEFAULTS['r1_weight']}; "
                            "dcgan-style models only)")
    train.add_argument("--num-samples", type=_positive_int,
                       help=f"samples per grid (default: {DEFAULTS['num_samples']})")
    train.add_argument("--conditioning", choices=("concat", "projection", "acgan"),
                       help="--model cgan only: how the networks see the class "
                            f"(default: {DEFAULTS['conditioning']})")
    train.add_argument("--samples-per-class", type=_positive_int,
                       help="--model cgan only: columns of the class grid, one row per class "
                            f"(default: {DEFAULTS['samples_per_class']})")
    train.add_argument("--seed", type=int,
                       help="seed: two runs with the same seed give bit-identical weights on CPU")
    train.add_argument("--nan-lr-factor", type=float,
                       help="on a NaN, restore the last good epoch and multiply the learning "
                            "rates by this factor in (0, 1) instead of stopping")
    train.add_argument("--strategy", choices=("default", "mirrored", "multiworker"),
                       default="default",
                       help="tf.distribute strategy: all local GPUs (mirrored) or the workers "
                            "in TF_CONFIG (multiworker); default: one device")
    train.add_argument("--out", default=None,
                       help="run directory: a new one, or an earlier run to resume "
                            "(default: a new runs/MODEL-DATA-TIME)")
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
    sample.add_argument("--labels", default=None,
                        help="conditional runs: comma-separated labels, e.g. 0,1,2; a token "
                             "that is not an integer is a class name from run.json, e.g. A,b "
                             "(default: --n samples cycling through the classes; the .npz then "
                             "also holds 'labels')")
    sample.add_argument("--n-per-label", type=_positive_int, default=8,
                        help="samples per label given with --labels (default: %(default)s)")

    export = commands.add_parser("export", help="export the generator as a SavedModel")
    export.add_argument("run_dir", help="a run directory written by `kgan train`")
    export.add_argument("--out", required=True, help="SavedModel directory to write")
    export.add_argument("--overwrite", action="store_true",
                        help="replace an existing export at --out")

    evaluation = commands.add_parser(
        "evaluate", help="measure FD, KID, IS, precision/recall and coverage of a run",
        description="Generate --n images from RUN_DIR/gan.keras, compare them with real images "
                    "in the features of a domain classifier (trained once per data and image "
                    "size, then cached) or of a local InceptionV3, print a table and write "
                    "RUN_DIR/metrics.json.",
    )
    evaluation.add_argument("run_dir", help="a run directory written by `kgan train`")
    evaluation.add_argument("--data", default=None,
                            help="real images to compare with, labelled for the domain "
                                 "extractor (default: the run's --data)")
    evaluation.add_argument("--image-size", type=_positive_int, default=None,
                            help="resize the real images (default: the generator's size)")
    evaluation.add_argument("--n", type=_positive_int, default=10000,
                            help="generated images (default: %(default)s)")
    evaluation.add_argument("--n-real", type=_positive_int, default=None,
                            help="real images (default: all)")
    evaluation.add_argument("--seed", type=int, default=0, help="default: %(default)s")
    evaluation.add_argument("--batch-size", type=_positive_int, default=250,
                            help="default: %(default)s")
    evaluation.add_argument("--max-samples", type=_positive_int, default=5000,
                            help="features per side for KID and the k-NN metrics "
                                 "(default: %(default)s)")
    evaluation.add_argument("--kid-subset-size", type=_positive_int, default=1000,
                            help="rows per KID subset (default: %(default)s)")
    evaluation.add_argument("--extractor", default=None,
                            help="domain extractor .keras file to use, or to train and write "
                                 "if missing (default: cached under $KGAN_CACHE_DIR/extractors "
                                 "or ~/.cache/kgan/extractors)")
    evaluation.add_argument("--inception-weights", default=None,
                            help="a local InceptionV3 weights file: use Inception features "
                                 "instead of the domain classifier (never downloaded)")
    return parser


def _run_name(model, data):
    data_name = os.path.basename(os.path.normpath(data)) or "data"
    return f"{model}-{data_name}-{time.strftime('%Y%m%d-%H%M%S')}"


# Options a resumed run takes from its run.json; giving another value is an error.
RUN_OPTIONS = ("model", "data", "batch_size", "image_size", "latent_dim", "filters", "loss",
               "learning_rate", "num_samples", "seed", "conditioning",
               "samples_per_class") + tuple(QUALITY_OFF)


def _resolve_run(args):
    """Returns `(out, options)`: the run directory and the full set of options.

    A new run fills unset options from DEFAULTS; a resumed run from its run.json.
    """
    given = {k: v for k, v in vars(args).items() if v is not None}
    out = args.out or os.path.join(
        "runs", _run_name(given.get("model", DEFAULTS["model"]), given.get("data", DEFAULTS["data"]))
    )
    run_file = os.path.join(out, "run.json")
    if os.path.isfile(run_file):
        with open(run_file) as f:
            saved = json.load(f)
        conflicts = [
            f"--{name.replace('_', '-')} {given[name]!r} (the run has {saved.get(name)!r})"
            for name in RUN_OPTIONS
            if name in given and given[name] != saved.get(name, QUALITY_OFF.get(name))
        ]
        if conflicts:
            raise CommandError(
                f"--out {out!r} is an earlier run with other options: {'; '.join(conflicts)}. "
                "Resume it without them, or choose a new --out."
            )
        options = {**DEFAULTS, **{k: saved.get(k, QUALITY_OFF.get(k)) for k in RUN_OPTIONS},
                   "epochs": saved.get("epochs", DEFAULTS["epochs"]), **given}
        return out, options, True
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise CommandError(
            f"--out {out!r} exists and is not a kgan run directory (no run.json); kgan never "
            "overwrites it. Choose a new directory."
        )
    model = given.get("model", DEFAULTS["model"])
    defaults = {name: _default(name, model) for name in DEFAULTS}
    return out, {**defaults, "image_size": None, "seed": None, **given}, False


def _default(name, model):
    """The default of option `name` for a new run of `model`."""
    if model in CONDITIONAL_MODELS and name in CONDITIONAL_DEFAULTS:
        return CONDITIONAL_DEFAULTS[name]
    if name == "batch_size" and model in TEXT_MODELS:
        return CONDITIONAL_AND_TEXT_BATCH_SIZE
    return DEFAULTS[name]


def _trim_history(path, epochs):
    """Drops rows of history.csv past `epochs` (epochs a crash cut short)."""
    if not os.path.isfile(path):
        return
    with open(path) as f:
        lines = f.readlines()
    kept = lines[:1] + [line for line in lines[1:] if int(line.split(",", 1)[0]) < epochs]
    with open(path + ".tmp", "w") as f:
        f.writelines(kept)
    os.replace(path + ".tmp", path)


def train(args):
    if (args.model or DEFAULTS["model"]) in TEXT_MODELS:
        from kgan.cli_text import train_text

        for name in ("model", "epochs", "batch_size", "latent_dim", "filters", "num_samples"):
            if getattr(args, name) is None:
                setattr(args, name, _default(name, args.model))
        return train_text(args, CommandError)
    import keras
    import tensorflow as tf

    import kgan
    from kgan import callbacks, datasets, images, saving

    out, opt, resuming = _resolve_run(args)
    if opt["model"] not in kgan.networks.names():
        raise CommandError(
            f"unknown --model {opt['model']!r}; registered: {', '.join(kgan.networks.names())}."
        )
    kgan.losses.get(opt["loss"])
    conditional = opt["model"] in CONDITIONAL_MODELS
    if args.conditioning is not None and not conditional:
        raise CommandError(
            f"--conditioning applies to --model {' or '.join(CONDITIONAL_MODELS)} only, "
            f"not {opt['model']!r}."
        )
    if not conditional:
        opt["conditioning"] = None
    nan_guard = callbacks.NaNGuard(lr_factor=opt.get("nan_lr_factor"))
    backup_dir = os.path.join(out, "backup")
    state = saving.read_training_state(backup_dir) if resuming else None
    done = state["epoch"] if state else 0
    if done >= opt["epochs"]:
        print(f"{out} has already trained {done} epochs; pass a larger --epochs to continue.")
        return out
    if opt["seed"] is not None:
        keras.utils.set_random_seed(opt["seed"])
        tf.config.experimental.enable_op_determinism()

    # Everything that can fail on bad input runs before the run directory is written.
    dataset = datasets.load(opt["data"], batch_size=opt["batch_size"],
                            image_size=opt["image_size"], seed=opt["seed"], labels=conditional)
    spec = dataset.element_spec[0] if conditional else dataset.element_spec
    image_shape = tuple(int(d) for d in spec.shape[1:])
    strategy = {
        "default": tf.distribute.get_strategy,
        "mirrored": tf.distribute.MirroredStrategy,
        "multiworker": tf.distribute.MultiWorkerMirroredStrategy,
    }[args.strategy]()
    extra = {}
    with strategy.scope():
        if conditional:
            # EMA, DiffAugment, spectral norm and R1 are wired for kgan.GAN's DCGAN
            # networks only (ConditionalGAN samples with its raw generator): off here.
            opt.update({k: v for k, v in QUALITY_OFF.items() if "learning_rate" not in k})
            class_names = datasets.class_names(opt["data"], image_size=opt["image_size"])
            generator, discriminator = kgan.networks.get(
                opt["model"], image_shape=image_shape, latent_dim=opt["latent_dim"],
                filters=opt["filters"], num_classes=len(class_names),
                conditioning=opt["conditioning"],
            )
            gan = kgan.ConditionalGAN(generator, discriminator, num_classes=len(class_names),
                                      latent_dim=opt["latent_dim"], seed=opt["seed"])
            extra = {"class_names": class_names}
        else:
            network_options = {"spectral_norm": True} if opt["spectral_norm"] else {}
            generator, discriminator = kgan.networks.get(
                opt["model"], image_shape=image_shape, latent_dim=opt["latent_dim"],
                filters=opt["filters"], **network_options,
            )
            gan = kgan.GAN(generator, discriminator, latent_dim=opt["latent_dim"],
                           seed=opt["seed"], ema_decay=opt["ema_decay"] or None,
                           augment=opt["augment"] or None, r1_weight=opt["r1_weight"])
        gan.compile(
            g_optimizer=keras.optimizers.Adam(opt["g_learning_rate"] or opt["learning_rate"],
                                              beta_1=0.5),
            d_optimizer=keras.optimizers.Adam(opt["d_learning_rate"] or opt["learning_rate"],
                                              beta_1=0.5),
            loss=opt["loss"],
        )
    gan.check_data(dataset)

    os.makedirs(out, exist_ok=True)
    saving.write_json({**{k: opt[k] for k in RUN_OPTIONS}, **extra, "epochs": opt["epochs"],
                       "image_shape": list(image_shape), "kgan_version": kgan.__version__},
                      os.path.join(out, "run.json"))
    history_path = os.path.join(out, "history.csv")
    _trim_history(history_path, done)
    samples_dir = os.path.join(out, "samples")
    grid_seed = 0 if opt["seed"] is None else opt["seed"]
    scale = max(1, 32 // image_shape[0])
    if conditional:
        grid = callbacks.ClassGrid(samples_dir, samples_per_class=opt["samples_per_class"],
                                   seed=grid_seed, scale=scale)
    else:
        grid = callbacks.SampleGrid(samples_dir, num_samples=opt["num_samples"],
                                    seed=grid_seed, scale=scale)
    fit_callbacks = [
        nan_guard,  # first: later callbacks see restored weights, never NaN ones
        grid,
        callbacks.BackupAndResume(backup_dir),
        callbacks.TrainingGif(out, frames_dir=samples_dir),
        keras.callbacks.CSVLogger(history_path, append=True),
    ]
    if conditional:
        fit_callbacks.append(callbacks.ClassInterpolationGif(
            out, samples_per_pair=opt["samples_per_class"], seed=grid_seed, scale=scale))
    if done:
        print(f"Resuming {out} after epoch {done} of {opt['epochs']}")
    else:
        print(f"Training {opt['model']} on {opt['data']} {image_shape} for {opt['epochs']} "
              f"epochs into {out}")
    gan.fit(dataset, epochs=opt["epochs"], callbacks=fit_callbacks, verbose=args.verbose)

    saving.save_model(gan, os.path.join(out, "gan.keras"))
    if nan_guard.message:
        raise CommandError(f"{nan_guard.message} Saved the last good state in {out}.")
    kgan.export_generator(gan, os.path.join(out, "saved_model"), overwrite=True)
    images.save_loss_plot(images.read_history_csv(history_path), os.path.join(out, "losses.png"))
    print(f"Wrote {out}: samples/, training.gif, "
          f"{'interpolation.gif, ' if conditional else ''}"
          "history.csv, losses.png, gan.keras, saved_model/, backup/")
    return out
    return out


def _load_run(run_dir):
    from kgan import saving

    path = os.path.join(run_dir, "gan.keras")
    if not os.path.isfile(path):
        raise CommandError(f"{run_dir!r} is not a run directory: {path!r} does not exist.")
    return saving.load_model(path)


def sample(args):
    if _run_family(args.run_dir) == "text":
        from kgan.cli_text import sample_text

        return sample_text(args, _load_run(args.run_dir))
    import numpy as np

    from kgan import images

    out = args.out if args.out.endswith(".npz") else args.out + ".npz"
    gan = _load_run(args.run_dir)
    arrays = {}
    if hasattr(gan, "num_classes"):
        if args.labels is None:
            labels = np.arange(args.n) % gan.num_classes
        else:
            labels = np.repeat(_parse_labels(args.labels, args.run_dir), args.n_per_label)
        arrays["labels"] = gan.check_labels(labels)
        samples = images.to_uint8(gan.generate(arrays["labels"], seed=args.seed))
    elif args.labels is not None:
        raise CommandError(f"--labels: the run in {args.run_dir!r} is not class-conditional.")
    else:
        samples = images.to_uint8(gan.generate(args.n, seed=args.seed))
    directory = os.path.dirname(os.path.abspath(out))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(out)}.tmp.npz")
    np.savez_compressed(tmp, images=samples, **arrays)
    os.replace(tmp, out)
    print(f"Wrote {samples.shape[0]} images {samples.shape[1:]} to {out}")
    return out


def _parse_labels(text, run_dir):
    """`"0,1,A"` -> label indices; a token that is not an integer is a class name."""
    names = []
    run_json = os.path.join(run_dir, "run.json")
    if os.path.isfile(run_json):
        with open(run_json) as f:
            names = json.load(f).get("class_names") or []
    labels = []
    for token in (t.strip() for t in text.split(",")):
        try:
            labels.append(int(token))
            continue
        except ValueError:
            pass
        if token in names:
            labels.append(names.index(token))
        else:
            raise CommandError(
                f"--labels: {token!r} is neither an integer label nor a class name of this "
                f"run{' (' + ' '.join(names) + ')' if names else ''}."
            )
    return labels


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


def evaluate(args):
    import numpy as np

    from kgan import datasets, metrics, saving

    gan = _load_run(args.run_dir)
    run_info = {}
    run_json = os.path.join(args.run_dir, "run.json")
    if os.path.isfile(run_json):
        with open(run_json) as f:
            run_info = json.load(f)
    data = args.data or run_info.get("data")
    if data is None:
        raise CommandError(f"{run_json!r} does not name the run's data; pass --data.")
    sample_shape = tuple(int(d) for d in gan.sample_shape)
    image_size = args.image_size or sample_shape[0]
    real, _ = datasets.load_arrays(data, image_size=image_size)
    if real.shape[1:] != sample_shape:
        raise CommandError(
            f"--data {data!r} gives images of shape {real.shape[1:]} but the generator makes "
            f"{sample_shape}; pass --data with {sample_shape[-1]} channel(s) or --image-size."
        )
    if args.inception_weights:
        extractor = metrics.FeatureExtractor.inception(args.inception_weights)
    else:
        extractor, _, _ = metrics.extractor_for(data, sample_shape, path=args.extractor)
    result = metrics.evaluate(gan, real, extractor, n=args.n, n_real=args.n_real,
                              batch_size=args.batch_size, max_samples=args.max_samples,
                              kid_subset_size=args.kid_subset_size, seed=args.seed)

    print(f"kgan evaluate {args.run_dir} (data: {data})")
    print(result.format_table())
    path = os.path.join(args.run_dir, "metrics.json")
    # One entry per feature extractor, so domain and Inception results live side by side.
    written = {}
    if os.path.isfile(path):
        try:
            with open(path) as f:
                written = json.load(f)
        except ValueError:
            written = {}
    entry = result.to_dict()
    entry["metrics"] = {k: (v if np.isfinite(v) else None) for k, v in entry["metrics"].items()}
    entry["data"] = data
    written[extractor.name] = entry
    saving.write_json(written, path)
    print(f"Wrote {path}")
    return result


def main(argv=None):
    args = build_parser().parse_args(argv)
    command = {"train": train, "sample": sample, "export": export,
               "evaluate": evaluate}[args.command]
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
