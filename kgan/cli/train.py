"""`kgan train`: train any task's model into a run directory, or resume one.

    RUN_DIR/run.json          the task, the recipe and the options (a resumed run reuses them)
    RUN_DIR/samples/          the task's per-epoch samples from fixed noise
    RUN_DIR/history.csv       per-epoch losses (Keras CSVLogger)
    RUN_DIR/losses.png        the loss curves
    RUN_DIR/gan.keras         the model (keras.models.load_model)
    RUN_DIR/saved_model/      the sampling generator as a SavedModel
    RUN_DIR/backup/           the state after the last completed epoch
    RUN_DIR/tensorboard/      with --tensorboard: each epoch's losses and samples as events

plus whatever else the task writes. Everything that can fail on bad
input (options, data, networks) runs before the directory is written.

After any interruption the same command finishes the run: a killed epoch
is trained again from the backup, and each end-of-run file is recorded in
`run.json["artefacts"]` with the epoch it holds, so a rerun of a finished
run rewrites (from the backup) whatever is missing or older.
"""

import dataclasses
import time

from kgan import __version__, callbacks, history, networks, saving, tasks
from kgan.cli import faults
from kgan.cli.parser import check_recipe_options, flag_name, given_recipe_options
from kgan.cli.run_dir import CommandError, RunDir, default_run_name

__all__ = ["train"]


def _new_recipe(given):
    """`(task, recipe)` for a new run: `--recipe`, else the first recipe of `--task` or of
    the `--model`'s task."""
    if "recipe" in given:
        task, recipe = tasks.recipe(given["recipe"])
        if given.get("model", recipe.model) != recipe.model:
            raise CommandError(f"--model {given['model']!r} disagrees with --recipe "
                               f"{recipe.name!r}, which trains {recipe.model!r}.")
    elif "task" in given:
        task = tasks.get(given["task"])
        recipe = task.default_recipe(given.get("model"))
    else:
        task = tasks.for_network(given["model"]) if "model" in given else tasks.default()
        recipe = task.default_recipe(given.get("model"))
    owners = [t for t in map(tasks.get, tasks.names()) if given.get("model") in t.networks]
    if "task" in given and (task.name != given["task"] or owners and task not in owners):
        chosen = (f"--recipe {recipe.name!r}, a recipe of the {task.name} task"
                  if "recipe" in given else
                  f"--model {given['model']!r}, a network of the {owners[0].name} task")
        raise CommandError(f"--task {given['task']!r} disagrees with {chosen}; leave one of "
                           "them out.")
    if recipe.model not in networks.names():
        raise CommandError(
            f"unknown --model {recipe.model!r}; registered: {', '.join(networks.names())}.")
    return task, recipe


def _recorded_recipe(run, given):
    """`(task, recipe)` of an earlier run; a given option that differs is refused."""
    task = tasks.for_run(run.info)
    names = [r.name for r in task.recipes]
    default = (task.recipe(run.info["recipe"]) if run.info.get("recipe") in names
               else task.default_recipe(run.info.get("model")))
    recipe = task.recipe_class.from_run(run.info, default)
    recorded = {**recipe.options(), "recipe": recipe.name, "seed": run.info.get("seed"),
                "task": task.name}
    conflicts = [
        f"{flag_name(dest)} {value!r} (the run has {recorded.get(dest)!r})"
        for dest, value in given.items()
        if dest != "epochs" and dest in recorded and value != recorded[dest]
    ]
    if conflicts:
        raise CommandError(
            f"--out {run.path!r} is an earlier run with other options: {'; '.join(conflicts)}. "
            "Resume it without them, or choose a new --out."
        )
    return task, recipe


def resolve(args):
    """`(run, task, recipe, seed)` for the command line `args`."""
    given = given_recipe_options(args)
    for dest in ("recipe", "seed", "task"):
        if getattr(args, dest) is not None:
            given[dest] = getattr(args, dest)
    run = RunDir(args.out) if args.out else None
    if run is not None and run.resuming:
        task, recipe = _recorded_recipe(run, given)
        seed = run.info.get("seed")
    else:
        task, recipe = _new_recipe(given)
        seed = given.get("seed")
    run_options = {k: v for k, v in given.items()
                   if k not in ("recipe", "seed", "model", "task")}
    check_recipe_options(task, run_options)
    recipe = dataclasses.replace(recipe, **run_options)
    if run is None:
        run = RunDir(default_run_name(recipe.model, recipe.data))
    return run, task, recipe, seed


def _seed(seed, task):
    if seed is None:
        return
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if task.deterministic:
        tf.config.experimental.enable_op_determinism()


def _build(task, recipe, data, seed, strategy):
    import tensorflow as tf

    strategy = {
        "default": tf.distribute.get_strategy,
        "mirrored": tf.distribute.MirroredStrategy,
        "multiworker": tf.distribute.MultiWorkerMirroredStrategy,
    }[strategy]()
    with strategy.scope():
        model = task.build_for_data(recipe, data, seed)
    task.check_data(model, data)
    return model, strategy


def _with_precision(task, recipe, data, seed, run):
    """`(recipe, policy, reason)`: the recipe with `precision` resolved to the policy the
    run trains under. A run that recorded one keeps it; `auto` is measured here."""
    if not hasattr(recipe, "precision"):
        return recipe, "float32", ""
    recorded = (run.info or {}).get("dtype_policy")
    if recorded:
        return dataclasses.replace(recipe, precision=recorded), recorded, "recorded by the run"
    measure = recipe.precision == "auto"
    if measure:
        print("Measuring the training step in float32 and in bfloat16 (--precision auto)",
              flush=True)
    batch = next(iter(data.dataset)) if measure else None
    choice = task.choose_precision(recipe, batch,
                                   lambda r: task.build_for_data(r, data, seed=0))
    if measure:
        _seed(seed, task)  # the measurement drew from the global random state
    return dataclasses.replace(recipe, precision=choice.policy), choice.policy, choice.reason


def _model(task, recipe, data, seed, args, run, done):
    """The model to train: built from the recipe with the backup checked, or, for a run
    that has no backup (deleted, or from before its kind of run kept one), its gan.keras."""
    model, strategy = _build(task, recipe, data, seed, args.strategy)
    if not done:
        return model
    if run.backup_state() is None:
        with strategy.scope():
            model = run.load_model()
        saving.save_training_state(model, run.file("backup"), done)
        print(f"{run.path} has no backup: continuing from its gan.keras (epoch {done})")
        return model
    try:
        saving.load_training_state(model, run.file("backup"))
    except ValueError as error:
        raise CommandError(f"{error}{run.recovery_hint()}") from None
    return model


def _run_info(task, recipe, seed, data):
    return {"task": task.name, "recipe": recipe.name, **recipe.options(), "seed": seed,
            **data.info, "kgan_version": __version__}


def _fit_callbacks(task, model, recipe, run, seed, nan_guard, tensorboard):
    import keras

    own = task.callbacks(model, recipe, run.path, seed)
    writers = [c for c in own if isinstance(c, callbacks.SampleWriter)]
    return [
        nan_guard,  # first: later callbacks see restored weights, never NaN ones
        *own,
        *([callbacks.TensorBoardSummaries(run.file("tensorboard"), writers)] if tensorboard
          else []),
        keras.callbacks.CSVLogger(run.file("history.csv"), append=True),
        # Last: an epoch is backed up only once its samples and its history row are written.
        callbacks.BackupAndResume(run.file("backup")),
        *faults.callbacks(),
    ]


def _artefacts(task, recipe, seed, run):
    """`{name: write(model, data)}`: what follows training, in the order it is written."""
    def keras_file(model, data):
        saving.save_model(model, run.file("gan.keras"))

    def saved_model(model, data):
        task.export(model, run.file("saved_model"), overwrite=True)

    def loss_plot(model, data):
        history.save_loss_plot(history.read_history_csv(run.file("history.csv")),
                               run.file("losses.png"))

    def task_file(write):
        return lambda model, data: write(model, data, run.path)

    own = {name: task_file(write) for name, write in task.final_artefacts(recipe, seed).items()}
    return {"gan.keras": keras_file, **own, "saved_model": saved_model, "losses.png": loss_plot}


def _write(names, artefacts, model, data, run):
    """Writes the `names` artefacts, recording after each the epoch it holds."""
    epoch = run.completed_epochs()
    for name in names:
        faults.before(name)
        artefacts[name](model, data)
        run.record(name, epoch)


def _complete(run, task, recipe, seed, args):
    """A finished run: writes again what an interruption left missing or stale."""
    done = run.completed_epochs()
    artefacts = _artefacts(task, recipe, seed, run)
    stale = run.stale(artefacts, done) if run.backup_state() else []
    if stale:
        run.lock()
        try:
            _seed(seed, task)
            data = task.load_data(recipe, seed)
            built, _, _ = _with_precision(task, recipe, data, seed, run)
            model = _model(task, built, data, seed, args, run, done)
            print(f"Completing {run.path}: writing {', '.join(stale)} for epoch {done}, which "
                  "an interrupted run did not write")
            _write(stale, artefacts, model, data, run)
        finally:
            run.release()
    print(f"{run.path} has already trained {done} epochs; pass a larger --epochs to continue.")
    return run.path


def _train(run, task, recipe, seed, args, tensorboard):
    done = run.completed_epochs()
    _seed(seed, task)
    data = task.load_data(recipe, seed)
    built, policy, reason = _with_precision(task, recipe, data, seed, run)
    model = _model(task, built, data, seed, args, run, done)
    run.start({**(run.info or {}), **_run_info(task, recipe, seed, data), "dtype_policy": policy,
               "tensorboard": tensorboard}, done)
    nan_guard = callbacks.NaNGuard(lr_factor=args.nan_lr_factor)
    fit_callbacks = _fit_callbacks(task, model, recipe, run, seed, nan_guard, tensorboard)
    if done:
        print(f"Resuming {run.path} after epoch {done} of {recipe.epochs}")
    else:
        print(f"Training {recipe.model} ({task.name}, recipe {recipe.name}) on {recipe.data} "
              f"{data.sample_shape} for {recipe.epochs} epochs into {run.path}", flush=True)
    if reason:
        print(f"Precision: {policy} ({reason})", flush=True)
    start = time.perf_counter()
    facts = {} if done else task.before_fit(model, data, recipe, run.path, args.verbose)
    model.fit(data.dataset, epochs=recipe.epochs, callbacks=fit_callbacks,
              verbose=args.verbose, **data.fit_arguments)
    run.write_info({**run.info, **facts, "train_seconds": time.perf_counter() - start})
    artefacts = _artefacts(task, recipe, seed, run)
    if nan_guard.message:
        _write(["gan.keras"], artefacts, model, data, run)
        raise CommandError(f"{nan_guard.message} Saved the last good state in {run.path}.")
    _write(list(artefacts), artefacts, model, data, run)
    print(f"Wrote {run.path}: {run.contents()}")
    return run.path


def _tensorboard(args, run):
    """Whether the run writes TensorBoard events: asked for now, or by the run it resumes."""
    import importlib.util

    tensorboard = bool(args.tensorboard or (run.info or {}).get("tensorboard"))
    if tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise CommandError("--tensorboard needs the tensorboard package, which is not installed: "
                           "pip install tensorboard (or kgan's extra: pip install "
                           "\"kgan[tensorboard]\").")
    return tensorboard


def train(args):
    run, task, recipe, seed = resolve(args)
    if run.completed_epochs() >= recipe.epochs:
        return _complete(run, task, recipe, seed, args)
    tensorboard = _tensorboard(args, run)
    if run.resuming:
        run.lock()  # a second process on the same run stops here, at once
    try:
        return _train(run, task, recipe, seed, args, tensorboard)
    finally:
        run.release()
