"""`kgan train` and `kgan sample` for the text models (`--model textgan | textgan_wgan`).

A text run directory holds:

    RUN_DIR/samples/epoch_0001.txt ...  fixed-noise samples after each epoch, one per line
    RUN_DIR/history.csv                 per-epoch d_loss, g_loss, d_real, d_fake
    RUN_DIR/losses.png                  those curves
    RUN_DIR/gan.keras                   the TextGAN (keras.models.load_model)
    RUN_DIR/saved_model/                SavedModel: z -> tf.string
    RUN_DIR/metrics.json                2,000 samples scored against held-out text, with floors
    RUN_DIR/run.json                    the arguments, the vocabulary and the timings
"""

import json
import math
import os
import time

EVAL_SAMPLES = 2000


def _text_settings(args, defaults):
    model = args.model
    wgan = model == "textgan_wgan"
    loss = args.loss or defaults["loss"][model]
    d_lr = args.learning_rate or defaults["learning_rate"]
    return {
        "data": args.data or defaults["data"],
        "loss": loss,
        # RelGAN's warm-started generator moves at half the discriminator's rate.
        "g_learning_rate": d_lr if wgan else d_lr / 2,
        "d_learning_rate": d_lr,
        "pretrain_steps": 0 if wgan else args.pretrain_steps,
        "gan_steps": args.epochs * args.steps_per_epoch,
    }


def train_text(args, command_error):
    import keras

    import kgan
    from kgan import callbacks, datasets, images
    from kgan.cli import TEXT_DEFAULTS, _run_name
    from kgan.metrics import text as text_metrics

    settings = _text_settings(args, TEXT_DEFAULTS)
    out = args.out or os.path.join("runs", _run_name(args.model, settings["data"]))
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise command_error(
            f"--out {out!r} already exists and is not empty; kgan never overwrites a run. "
            "Choose a new directory."
        )
    if args.pretrain_steps < 0:
        raise command_error(f"--pretrain-steps must be >= 0; got {args.pretrain_steps}.")
    if settings["loss"] not in kgan.losses.RELATIVISTIC_LOSSES:
        kgan.losses.get(settings["loss"])
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)

    # Everything that can fail on bad input runs before the run directory exists.
    data = datasets.load_text(settings["data"], max_length=args.max_length,
                              batch_size=args.batch_size, seed=args.seed or 0)
    generator, discriminator = kgan.networks.get(
        args.model, image_shape=data.sample_shape, latent_dim=args.latent_dim,
        filters=args.filters)
    wgan = args.model == "textgan_wgan"
    gan = kgan.TextGAN(
        generator, discriminator, vocabulary=data.vocabulary,
        beta_max=1.0 if wgan else 100.0, anneal_steps=settings["gan_steps"],
        d_steps=5 if wgan else 1, gp_weight=10.0 if wgan else 0.0, seed=args.seed)
    if wgan:  # Gulrajani et al.'s Adam settings
        optimizers = [keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.9) for lr in
                      (settings["g_learning_rate"], settings["d_learning_rate"])]
    else:
        optimizers = [keras.optimizers.Adam(lr, clipnorm=5.0) for lr in
                      (settings["g_learning_rate"], settings["d_learning_rate"])]
    gan.compile(g_optimizer=optimizers[0], d_optimizer=optimizers[1], loss=settings["loss"])
    gan.check_data(data.train)

    os.makedirs(out, exist_ok=True)
    run = {**vars(args), **settings, "out": out, "family": "text",
           "sample_shape": list(data.sample_shape), "vocabulary": data.vocabulary,
           "corpus": data.description, "kgan_version": kgan.__version__}
    _write_json(run, os.path.join(out, "run.json"))
    train_data = data.train.repeat()
    start = time.perf_counter()
    if settings["pretrain_steps"]:
        print(f"Warm start: {settings['pretrain_steps']} maximum-likelihood steps", flush=True)
        mle = gan.pretrain(train_data, epochs=1, steps_per_epoch=settings["pretrain_steps"],
                           verbose=1 if args.verbose else 0)
        run["pretrain_nll_per_token"] = mle["nll"][-1]
    run["pretrain_seconds"] = time.perf_counter() - start

    samples_dir = os.path.join(out, "samples")
    fit_callbacks = [
        callbacks.TextSamples(samples_dir, num_samples=args.num_samples,
                              seed=0 if args.seed is None else args.seed),
        keras.callbacks.CSVLogger(os.path.join(out, "history.csv")),
    ]
    print(f"Training {args.model} on {data.description} ({len(data.train_texts)} lines, "
          f"{data.max_length} x {data.vocab_size}) for {args.epochs} epochs of "
          f"{args.steps_per_epoch} steps into {out}", flush=True)
    history = gan.fit(train_data, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                      callbacks=fit_callbacks, verbose=args.verbose)
    run["train_seconds"] = time.perf_counter() - start

    gan.save(os.path.join(out, "gan.keras"))
    kgan.export_generator(gan, os.path.join(out, "saved_model"))
    images.save_loss_plot(history.history, os.path.join(out, "losses.png"))

    size = min(EVAL_SAMPLES, len(data.held_out_texts), len(data.train_texts))
    samples = gan.generate_text(size, seed=12345)
    metrics = text_metrics.evaluate(samples, data.train_texts, data.held_out_texts, seed=0)
    if hasattr(gan.generator, "log_prob"):
        metrics["nll_test"], metrics["nll_test_per_token"] = text_metrics.nll_test(
            gan.generator, data.encode(data.held_out_texts))
    metrics["train_seconds"] = run["train_seconds"]
    _write_json(metrics, os.path.join(out, "metrics.json"))
    _write_json(run, os.path.join(out, "run.json"))
    print(f"Wrote {out}: samples/ ({len(fit_callbacks[0].paths)} files), history.csv, "
          "losses.png, gan.keras, saved_model/, metrics.json")
    print(f"{size} samples: JS-4 {metrics['js_4']:.3f} (real-vs-real floor "
          f"{metrics['js_floor_4']:.3f}), unique {metrics['unique']:.3f}, novel "
          f"{metrics['novel']:.3f}, self-BLEU-4 {metrics['self_bleu_4']:.3f}; trained in "
          f"{run['train_seconds']:.0f} s")
    return out


def _write_json(value, path):
    def plain(v):
        return v if not isinstance(v, float) or math.isfinite(v) else None

    with open(path, "w", encoding="utf-8") as f:
        json.dump({k: plain(v) for k, v in value.items()}, f, indent=2, ensure_ascii=False)


def sample_text(args, gan):
    from kgan import text

    texts = gan.generate_text(args.n, seed=args.seed)
    path = text.write_lines(texts, args.out)
    print(f"Wrote {len(texts)} samples to {path}")
    return path
