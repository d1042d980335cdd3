"""The run directory every task trains into: create, resume, refuse, lock.

    RUN_DIR/run.json      the task, the recipe and the run's options (a resumed run reuses them)
    RUN_DIR/backup/       the training state after the last completed epoch
    RUN_DIR/history.csv   per-epoch logs (Keras CSVLogger)
    RUN_DIR/.kgan.lock    held by the process training into the directory

A directory that exists and has no `run.json` is never written to. Only
one process trains into a run directory at a time: the lock is an
advisory `flock` on `.kgan.lock`, released by the kernel when the holder
exits, however it exits (so a killed run leaves no stale lock).
"""

import json
import os
import shutil
import time

from kgan import files, history, saving

try:
    import fcntl
except ImportError:  # not on Windows: runs there are not locked
    fcntl = None

__all__ = ["CommandError", "RunDir", "default_run_name"]

LOCK_FILE = ".kgan.lock"


class CommandError(Exception):
    """A user error the CLI reports in one line."""


def default_run_name(model, data):
    """`runs/MODEL-DATA-TIME`."""
    data_name = os.path.basename(os.path.normpath(data)) or "data"
    return os.path.join("runs", f"{model}-{data_name}-{time.strftime('%Y%m%d-%H%M%S')}")


def read_run_info(directory):
    """The `run.json` of `directory` as a dict, or `None` when there is none."""
    path = os.path.join(directory, "run.json")
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            info = json.load(f)
    except (OSError, ValueError) as error:
        raise CommandError(f"{path!r} is unreadable: {error}") from None
    if not isinstance(info, dict):
        raise CommandError(f"{path!r} is not a kgan run.json (not a JSON object).")
    return info


class RunDir:
    """One run directory, new or earlier.

    Args:
        path: the directory.

    Attributes:
        path: the directory.
        info: its `run.json` (a dict), or `None` for a new run.

    Example:

    ```python
    run = RunDir("runs/digits")
    run.lock()                      # CommandError if another process trains into it
    try:
        run.start({"task": ...}, done=run.completed_epochs())
        ...
    finally:
        run.release()
    ```
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self.info = read_run_info(self.path)
        self._lock_fd = None

    @property
    def resuming(self):
        return self.info is not None

    def file(self, *parts):
        return os.path.join(self.path, *parts)

    def check_new(self):
        """Refuses a path that exists and is not an empty directory."""
        entries = os.listdir(self.path) if os.path.isdir(self.path) else None
        if os.path.lexists(self.path) and (entries is None or set(entries) - {LOCK_FILE}):
            raise CommandError(
                f"--out {self.path!r} exists and is not a kgan run directory (no run.json); "
                "kgan never overwrites it. Choose a new directory."
            )

    def keras_file_epoch(self):
        """The epoch `gan.keras` holds (recorded, or for a run from before the records,
        the run's epochs), or `None` when there is no `gan.keras`."""
        if not self.resuming or not os.path.isfile(self.file("gan.keras")):
            return None
        recorded = (self.info.get("artefacts") or {}).get("gan.keras")
        return int(recorded if recorded is not None else self.info.get("epochs", 0))

    def backup_state(self):
        """The backup's state (`kgan.saving.read_training_state`), or `None`.

        Raises:
            CommandError: the backup is unreadable; the message says how to go on
                from `gan.keras` when the run has one.
        """
        if not self.resuming:
            return None
        try:
            return saving.read_training_state(self.file("backup"))
        except ValueError as error:
            raise CommandError(f"{error}{self.recovery_hint()}") from None

    def recovery_hint(self):
        epoch = self.keras_file_epoch()
        if epoch is None:
            return " Delete the backup folder to start the run again from epoch 0."
        return (f" {self.file('gan.keras')!r} holds the state after epoch {epoch}: delete "
                f"{self.file('backup')!r} and rerun the same command to continue from it.")

    def completed_epochs(self):
        """Epochs the run has completed: its backup's, else those its `gan.keras` holds."""
        state = self.backup_state()
        if state is not None:
            return int(state["epoch"])
        return self.keras_file_epoch() or 0

    # ------------------------------------------------------------- the lock

    def lock(self):
        """Takes the directory's lock, or raises `CommandError` naming the holder."""
        if fcntl is None or self._lock_fd is not None:
            return
        os.makedirs(self.path, exist_ok=True)
        fd = os.open(self.file(LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise CommandError(
                f"--out {self.path!r} is being trained by another kgan process (pid {holder}); "
                "wait for it to end, or choose another --out."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._lock_fd = fd
        self.remove_temporaries()

    def release(self):
        """Lets go of the lock (the kernel also does, when the process ends)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # --------------------------------------------------------- the records

    def start(self, info, done):
        """Creates (a new run) and locks the directory, writes `run.json` and trims
        `history.csv` to the `done` epochs the backup holds."""
        if not self.resuming:
            self.check_new()
            self.lock()
            self.check_new()  # another process may have written it before we locked
        self.write_info(info)
        history.trim_history_csv(self.file("history.csv"), done)

    def write_info(self, info):
        self.info = dict(info)
        files.write_json(self.info, self.file("run.json"))

    def record(self, artefact, epoch):
        """Notes in `run.json` that `artefact` now holds the state after `epoch` epochs."""
        written = dict(self.info.get("artefacts", {}))
        written[artefact] = int(epoch)
        self.write_info({**self.info, "artefacts": written})

    def stale(self, artefacts, epoch):
        """The `artefacts` that do not hold the state after `epoch` epochs: missing, or
        recorded for another epoch. A run from before these records counts what exists."""
        written = self.info.get("artefacts") if self.info else None
        if written is None:
            return [a for a in artefacts if not os.path.lexists(self.file(a))]
        return [a for a in artefacts
                if written.get(a) != epoch or not os.path.lexists(self.file(a))]

    def remove_temporaries(self):
        """Deletes what an interrupted atomic write left behind (the lock must be held)."""
        for folder in (self.path, self.file("backup"), self.file("samples")):
            if not os.path.isdir(folder):
                continue
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                if name.startswith(".tmp-") or name.endswith(".tmp.npy"):
                    os.remove(path)
                elif name.startswith(".") and ".export-" in name and os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)

    def load_model(self):
        """The run's `gan.keras`, loaded with `kgan.saving.load_model`."""
        path = self.file("gan.keras")
        if not os.path.isfile(path):
            raise CommandError(f"{self.path!r} is not a run directory: {path!r} does not exist.")
        return saving.load_model(path)

    def contents(self):
        """`"backup/, gan.keras, ..."`: what the directory holds, for the closing line."""
        entries = sorted(e for e in os.listdir(self.path) if not e.startswith("."))
        return ", ".join(e + "/" if os.path.isdir(self.file(e)) else e for e in entries)
