"""`communique train`, `evaluate-gsr` and `evaluate-cameo`: the learned event detector's
commands (registered on the main group by cli.py)."""
from __future__ import annotations

import json
import os

import click

DEFAULT_SHARED = os.path.join("..", "shared")


def _shared(path: str | None, sub: str) -> str:
    return path or os.path.join(DEFAULT_SHARED, sub)


@click.command()
@click.option("--data", "training_dir", default="training", show_default=True,
              help="The project's training data: corpus_labels.jsonl and written/*.jsonl.")
@click.option("--shared-data", help="Folder of the shared corpora the labels point into "
              "[default: ../shared/data].")
@click.option("--gold", "gold_dir", help="Folder of reserved-keys.txt, whose items are never "
              "trained on [default: ../shared/gold].")
@click.option("--out", "out_dir", help="Where to write the model [default: the package's "
              "communique/data/event_triggers, which the pipeline loads].")
@click.option("--epochs", type=int, help="Passes over the data [default: see learn/train.py].")
@click.option("--seed", type=int, help="Random seed [default: 1].")
def train(training_dir, shared_data, gold_dir, out_dir, epochs, seed):
    """Rebuild the event trigger model from the project's training data."""
    from .learn.model import MODEL_DIR
    from .learn.train import train as run_train
    config = {k: v for k, v in {"epochs": epochs, "seed": seed}.items() if v is not None}

    def progress(epoch, loss, overall):
        click.echo(f"epoch {epoch + 1}: loss {loss:.1f}, held-back P {overall['p']:.3f} "
                   f"R {overall['r']:.3f} F1 {overall['f']:.3f}", err=True)

    report = run_train(training_dir, out_dir or MODEL_DIR,
                       data_dir=_shared(shared_data, "data"),
                       gold_dir=_shared(gold_dir, "gold"), config=config, on_epoch=progress)
    click.echo(report.format())


def _breadth_command(name: str, kind: str, doc: str) -> click.Command:
    """`evaluate-gsr` and `evaluate-cameo`: the same command over two data sets."""
    def run(data_dir, fmt):
        from .evaluate.breadth import evaluate_cameo, evaluate_gsr
        report = (evaluate_gsr if kind == "gsr" else evaluate_cameo)(_shared(data_dir, "data"))
        click.echo(json.dumps(report.to_dict(), indent=1) if fmt == "json" else report.format())

    run.__doc__ = doc
    run = click.option("--format", "fmt", type=click.Choice(["table", "json"]),
                       default="table")(run)
    run = click.argument("data_dir", required=False)(run)
    return click.command(name)(run)


evaluate_gsr = _breadth_command(
    "evaluate-gsr", "gsr", "Type and type + actor accuracy on the PLOVER gold-standard records "
    "(DATA_DIR: the shared data sets, default ../shared/data).")
evaluate_cameo = _breadth_command(
    "evaluate-cameo", "cameo", "Pentaclass macro F1 on ConfliBERT's CAMEO test sentences "
    "(DATA_DIR: the shared data sets, default ../shared/data).")


@click.command("evaluate-heldback")
@click.option("--data", "training_dir", default="training", show_default=True,
              help="The project's training data.")
@click.option("--shared-data", help="Folder of the shared corpora [default: ../shared/data].")
@click.option("--gold", "gold_dir", help="Folder of reserved-keys.txt [default: ../shared/gold].")
@click.option("--thresholds", default="0.8/0.5,0.6/0.5,0.6/0.3,0.9/0.7", show_default=True,
              help="Pairs of trigger thresholds to compare: CONSULT, SUPPORT and AGREE / the "
                   "other types.")
def evaluate_heldback(training_dir, shared_data, gold_dir, thresholds):
    """The whole reader on the held-back part of the training data, at several trigger
    thresholds: how the thresholds are chosen without tuning on a yardstick."""
    from .errors import InputError
    from .evaluate.heldback import evaluate_held_back
    try:
        settings = [tuple(float(x) for x in pair.split("/")) for pair in thresholds.split(",")]
        if any(len(pair) != 2 for pair in settings):
            raise ValueError("not pairs")
    except ValueError as exc:
        raise InputError(f"--thresholds {thresholds!r} is not a list of pairs",
                         "e.g. --thresholds 0.8/0.5,0.6/0.3") from exc
    rows = evaluate_held_back(training_dir, _shared(shared_data, "data"),
                              _shared(gold_dir, "gold"), settings)
    click.echo("thresholds  F1 by origin of the sentences (types found per sentence)")
    for row in rows:
        click.echo(row.format())


COMMANDS = (train, evaluate_gsr, evaluate_cameo, evaluate_heldback)
