"""The pieces of a GAN training step, shared by every step that kgan has.

`GAN.train_step` is built from these; a model with a different game (two
generators and two discriminators, say) writes its own step from the same
pieces, so penalties, loss scaling, replicas, EMA and the logged metrics
behave the same everywhere.

- `StepRecord`: everything one step computed, handed to the loss hooks.
- `scale_loss`: a replica's loss, ready for `tape.gradient`.
- `apply_gradients`: the gradient of a scaled loss, applied to one network.
- `discriminator_penalty`: the WGAN-GP and R1 terms.
- `replica_seed`: a noise seed that differs between replicas.
- `update_ema`: one step of an exponential moving average of weights.
- `report_metrics`: the trackers' results, shaped for every strategy.
"""

from typing import Any, NamedTuple

import tensorflow as tf
from keras import ops

from kgan import losses as losses_lib

__all__ = [
    "StepRecord",
    "apply_gradients",
    "discriminator_penalty",
    "replica_seed",
    "report_metrics",
    "scale_loss",
    "update_ema",
]


class StepRecord(NamedTuple):
    """One training step's tensors, as the loss hooks see them.

    In the spirit of TF-GAN's `GANModel` tuple: a loss that needs the samples
    (an L1 reconstruction term, a content loss, a class loss) is a hook
    override that reads them from here.

    Attributes:
        real: the real batch, as the data gave it.
        fake: the generator's output for `generator_inputs`.
        real_seen: `real` as the discriminator saw it (after augmentation).
        fake_seen: `fake` as the discriminator saw it. In the
            discriminator's loss it is a constant (no gradient to the
            generator).
        generator_inputs: what the generator was called on: noise, an
            image, or a structure of both.
        condition: the batch's condition (labels, a source image) or `None`.
        real_output: the discriminator's raw output on `real_seen`.
        fake_output: the discriminator's raw output on `fake_seen`.
    """

    real: Any
    fake: Any
    real_seen: Any
    fake_seen: Any
    generator_inputs: Any
    condition: Any
    real_output: Any
    fake_output: Any


def scale_loss(loss, optimizer):
    """A replica's mean loss, scaled for `tape.gradient`.

    Under a `tf.distribute` strategy the replicas' gradients are summed, so
    each replica's loss is divided by their number; a `LossScaleOptimizer`
    (mixed float16) then multiplies it by its loss scale. Call it inside the
    tape.
    """
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1:
        loss = loss / replicas
    return optimizer.scale_loss(loss)


def apply_gradients(tape, scaled_loss, optimizer, network):
    """Applies the gradient of `scaled_loss` to `network`'s trainable weights."""
    weights = network.trainable_weights
    optimizer.apply(tape.gradient(scaled_loss, weights), weights)


def discriminator_penalty(critic, real, fake, gp_weight=0.0, r1_weight=0.0, seed=None,
                          r1_every=1, step=None):
    """The weighted WGAN-GP and R1 terms on one batch (0.0 when both weights are 0).

    Args:
        critic: `critic(samples, training=True)` -> real/fake logits.
        real: the real samples the discriminator saw.
        fake: the fake samples it saw (constants here).
        gp_weight: weight of `kgan.losses.gradient_penalty` (Gulrajani et al.
            2017).
        r1_weight: `gamma` of the R1 penalty, `gamma / 2 * E[|grad D(x)|^2]`
            on real data (Mescheder et al. 2018).
        seed: a `keras.random.SeedGenerator` for the interpolation weights.
        r1_every: lazy regularization (Karras et al. 2020, StyleGAN2): the R1
            term only at the steps `step % r1_every == 0`, `r1_every` times as
            strong, so it costs `1 / r1_every` of R1 at every step for the
            same expected penalty.
        step: the discriminator's update count (its optimizer's
            `iterations`), needed when `r1_every > 1`.
    """
    penalty = 0.0
    if gp_weight:
        penalty += gp_weight * losses_lib.gradient_penalty(critic, real, fake, seed=seed)
    if r1_weight:
        def r1():
            return 0.5 * r1_weight * r1_every * losses_lib.r1_penalty(critic, real)

        if r1_every == 1:
            penalty += r1()
        else:
            # Only the taken branch runs, so the other steps skip R1's second backward pass.
            due = ops.equal(ops.mod(ops.cast(step, "int64"), r1_every), 0)
            penalty += tf.cond(due, r1, lambda: tf.zeros((), "float32"))
    return penalty


def replica_seed(seed):
    """`seed` (a stateless-RNG seed pair) made different on every replica."""
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
        replica = ops.cast(context.replica_id_in_sync_group, seed.dtype)
        seed = seed + ops.stack([ops.zeros_like(replica), replica + 1])
    return seed


def update_ema(average, model, decay, updates=None, warmup=False):
    """Moves every weight of `average` towards `model`'s: `w_avg <- w + decay * (w_avg - w)`.

    Args:
        average: the model holding the moving average (same weights, same
            order as `model`).
        model: the model being trained.
        decay: in [0, 1); larger is slower.
        updates: a scalar variable counting the updates, incremented here
            (needed for `warmup`).
        warmup: use `min(decay, (1 + t) / (10 + t))` at the t-th update, so
            the average forgets the random initial weights quickly.
    """
    decay = ops.convert_to_tensor(decay, "float32")
    if warmup:
        t = ops.convert_to_tensor(updates)
        decay = ops.minimum(decay, (1.0 + t) / (10.0 + t))
    for averaged, weight in zip(average.weights, model.weights):
        averaged.assign(weight + ops.cast(decay, averaged.dtype) * (averaged - weight))
    if updates is not None:
        updates.assign_add(1.0)


def report_metrics(trackers):
    """`{name: result}` of the trackers, as a train or test step returns it."""
    results = {tracker.name: tracker.result() for tracker in trackers}
    if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
        # Keras averages multi-worker step outputs along axis 0, which a
        # scalar does not have.
        results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
    return results
