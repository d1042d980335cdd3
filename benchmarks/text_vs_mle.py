"""The text GAN against a maximum-likelihood language model, at equal wall time.

For each seed:

1. `textgan` as `kgan train --model textgan` trains it: an MLE warm start of
   the GRU generator, then the relativistic GAN with Gumbel-softmax
   annealing. Its wall time `T` (warm start included) is measured.
2. The same GRU (`kgan.networks.TextGenerator`, same sizes) is trained by
   maximum likelihood alone for the same `T` seconds, with early stopping on
   the held-out NLL of a validation split (best weights restored).
3. Both are sampled at several temperatures (the tokens are draws of
   `softmax(logits / temperature)`), 2,000 samples each, and scored against
   a test split neither saw: n-gram JS-4, novel and unique fractions,
   self-BLEU-4, and NLL-test (temperature 1 only). The real-vs-real floors
   (2,000 training names against the same test references) are printed too.

Compare the whole curves (Caccia et al. 2018): a lower temperature buys
quality (JS) with diversity (self-BLEU, unique).

    PYTHONPATH=. python benchmarks/text_vs_mle.py                      # full: 3 seeds
    PYTHONPATH=. python benchmarks/text_vs_mle.py --pretrain-steps 1500 --gan-steps 1500

Prints one table: mean (and standard deviation) over the seeds.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.metrics import text as tm  # noqa: E402
from kgan.tasks.text import TEXTGAN_SURNAMES as RECIPE, fit_mle  # noqa: E402

COLUMNS = ("js_4", "novel", "unique", "self_bleu_4", "nll_test", "seconds")


def sample_texts(generator, vocabulary, n, temperature, seed):
    z = np.random.default_rng(seed).standard_normal((n, generator.noise_dim)).astype("float32")
    ids = keras.ops.convert_to_numpy(generator.unroll(z, temperature=temperature)[0])
    return kgan.text.decode_ids(ids, vocabulary)


def score(generator, data, test_texts, temperature, seed, samples):
    texts = sample_texts(generator, data.vocabulary, samples, temperature, seed)
    result = tm.evaluate(texts, data.train_texts, test_texts, seed=seed)
    if temperature == 1.0:
        result["nll_test"] = tm.nll_test(generator, data.encode(test_texts))[0]
    return result


def run_seed(seed, args, data, valid_ids, test_texts):
    keras.utils.set_random_seed(seed)
    pair = dict(image_shape=data.sample_shape, latent_dim=RECIPE.latent_dim,
                filters=RECIPE.filters)
    # The TextGAN `kgan train --model textgan` trains, annealed over `--gan-steps`.
    gan = kgan.tasks.get("text").build(RECIPE, vocabulary=data.vocabulary,
                                       length=data.max_length, seed=seed, epochs=1,
                                       steps_per_epoch=args.gan_steps)
    start = time.perf_counter()
    gan.pretrain(data.train.repeat(), epochs=1, steps_per_epoch=args.pretrain_steps, verbose=0)
    gan.fit(data.train.repeat(), epochs=1, steps_per_epoch=args.gan_steps, verbose=0)
    gan_seconds = time.perf_counter() - start

    keras.utils.set_random_seed(seed)
    mle, _ = kgan.networks.get("textgan", **pair)
    start = time.perf_counter()
    history = fit_mle(mle, data.train.repeat(), epochs=10_000, steps_per_epoch=args.mle_epoch_steps,
                      validation_data=valid_ids, patience=args.patience,
                      time_limit=gan_seconds, seed=seed, verbose=0)
    mle_seconds = time.perf_counter() - start
    print(f"seed {seed}: GAN {gan_seconds:.0f} s; MLE {mle_seconds:.0f} s, "
          f"{len(history['nll'])} epochs of {args.mle_epoch_steps} steps, best epoch "
          f"{history.get('best_epoch')}", flush=True)

    rows = {}
    for name, model, seconds in (("textgan", gan.generator, gan_seconds),
                                 ("mle", mle, mle_seconds)):
        for temperature in args.temperatures:
            result = score(model, data, test_texts, temperature, seed, args.samples)
            result["seconds"] = seconds
            rows[(name, temperature)] = result
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--pretrain-steps", type=int,
                        default=RECIPE.pretrain_steps)
    parser.add_argument("--gan-steps", type=int, default=60 * RECIPE.steps_per_epoch)
    parser.add_argument("--mle-epoch-steps", type=int, default=250,
                        help="MLE steps between held-out evaluations (early stopping)")
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[0.8, 0.9, 1.0, 1.1])
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args(argv)

    data = kgan.datasets.load_text("surnames", batch_size=RECIPE.batch_size, seed=0)
    # Held-out names: 2,000 for early stopping, the rest (6,880) for the test metrics.
    valid_ids = data.encode(data.held_out_texts[:2000])
    test_texts = data.held_out_texts[2000:]
    print(f"{data.description}: {len(data.train_texts)} train, 2000 validation, "
          f"{len(test_texts)} test names; seeds {args.seeds}; warm start {args.pretrain_steps} "
          f"+ GAN {args.gan_steps} steps", flush=True)

    per_seed = [run_seed(seed, args, data, valid_ids, test_texts) for seed in args.seeds]
    header = f"{'model':8} {'T':>4} " + " ".join(f"{c:>15}" for c in COLUMNS)
    print("\n" + header + "\n" + "-" * len(header))

    def cell(values):
        values = [v for v in values if v is not None and np.isfinite(v)]
        if not values:
            return f"{'-':>15}"
        return f"{np.mean(values):8.3f} ±{np.std(values):5.3f}"

    for key in per_seed[0]:
        cells = [cell([rows[key].get(c) for rows in per_seed]) for c in COLUMNS]
        print(f"{key[0]:8} {key[1]:4.2f} " + " ".join(cells))
    floors = {"js_4": "js_floor_4", "novel": "novel_floor", "unique": "unique_floor",
              "self_bleu_4": "self_bleu_4_floor"}
    first = next(iter(per_seed[0]))
    cells = [cell([rows[first][floors[c]] for rows in per_seed]) if c in floors
             else f"{'-':>15}" for c in COLUMNS]
    print(f"{'real':8} {'':4} " + " ".join(cells))
    print("(mean ± standard deviation over the seeds; NLL-test in nats per name on the "
          "test names; real: 2,000 training names against the same test references)")


if __name__ == "__main__":
    main()
