"""Checkpoints: a saved model comes back predicting the same; any damage is detected and
the file is not unpickled."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

from warroom.models.checkpoint import MAGIC, CorruptCheckpoint, load, save, set_aside
from warroom.models.match import MatchModel
from warroom.models.registry import match_example


def test_a_model_survives_a_save_and_load(tmp_path: Path) -> None:
    rng = random.Random(1)
    model = MatchModel()
    for _ in range(300):
        model.learn_one(match_example(rng), rng.random() < 0.2)
    save(tmp_path / "match.ckpt", model)
    back = load(tmp_path / "match.ckpt")
    probes = [match_example(rng) for _ in range(20)]
    assert [back.predict_proba_one(x) for x in probes] == [
        model.predict_proba_one(x) for x in probes
    ]


def test_no_file_is_no_checkpoint(tmp_path: Path) -> None:
    assert load(tmp_path / "none.ckpt") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-10],  # cut short
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # one bit flipped
        lambda b: b"",  # emptied
        lambda b: pickle.dumps({"not": "ours"}),  # some other pickle
        lambda b: MAGIC + b"0" * 64 + b"\n" + pickle.dumps(1),  # a forged header
    ],
    ids=["truncated", "bit-flip", "empty", "foreign-pickle", "wrong-digest"],
)
def test_a_damaged_checkpoint_is_refused(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "m.ckpt"
    save(path, {"weights": list(range(100))})
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(CorruptCheckpoint):
        load(path)


def test_a_corrupt_file_is_set_aside_and_the_next_save_works(tmp_path: Path) -> None:
    path = tmp_path / "m.ckpt"
    path.write_bytes(b"garbage")
    aside = set_aside(path, "1")
    assert aside.exists() and not path.exists()
    save(path, 42)
    assert load(path) == 42
