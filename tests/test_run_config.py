"""One typed run config: its flags, its ``[run]`` keys and a run file's metadata come from the models.

:class:`aecore.config.TrainConfig` names the field in its errors; the
command line says the flag and the settings file its ``[run]`` key. The
files' ``meta`` and ``config`` load as typed models (:mod:`aecore.meta`),
the committed fixtures included.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from ae_explainer.cli.app import _build_parser, main
from aecore import load_run
from aecore.config import TrainConfig, option_of
from aecore.config_fields import ConfigError
from aecore.meta import RunConfig, RunMeta
from aecore.snapshot_checks import read_checked
from scenes.settings import RUN_KEYS, RunOverrides

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _train_flags() -> dict[str, str]:
    """``dest -> flag`` of the ``train`` command's parser."""
    sub = next(a for a in _build_parser()._actions if a.dest == "cmd")
    train = sub.choices["train"]  # type: ignore[index]
    return {a.dest: a.option_strings[0] for a in train._actions if a.option_strings}


def test_every_flag_of_train_is_a_field_of_the_config() -> None:
    flags = _train_flags()
    options = {name: opt.flag for name, f in TrainConfig.model_fields.items() if (opt := option_of(f))}
    assert {k: v for k, v in flags.items() if k in TrainConfig.model_fields} == options
    assert set(flags) - set(options) == {"help", "out", "quiet"}  # the command's own, not the run's
    assert options["n_snapshots"] == "--snapshots" and "grid_size" not in options


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (["--latent-dim", "5"], "--latent-dim: 5 is not supported; use 1 or 2"),
        (
            ["--latent-dim", "1", "--snapshots", "1"],
            "--snapshots: 1 is out of range; use 2 to 1,000 snapshots",
        ),
        (["--latent-dim", "1", "--ensemble-seeds", "0"], "differ from --seed 0"),
        (["--latent-dim", "1", "--image-shape", "8,8"], "give --image-shape only with a .npy file"),
    ],
)
def test_the_cli_names_the_flag(
    flags: list[str], line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--data", "arc", *flags, "--out", str(tmp_path / "r.npz")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and line in err, err
    assert not (tmp_path / "r.npz").exists()


def test_a_config_error_names_the_field_and_each_reader_its_own_way() -> None:
    with pytest.raises(ConfigError) as e:
        TrainConfig(seed=3, ensemble_seeds=(3,))
    assert e.value.field == "ensemble_seeds"
    assert str(e.value) == "ensemble_seeds: 3 must be distinct and differ from seed 3, e.g. 1,2,3,4"
    assert e.value.line(lambda f: f"[run] {f}").startswith("[run] ensemble_seeds: 3 must be")
    assert "differ from [run] seed 3" in e.value.line(lambda f: f"[run] {f}")


@pytest.mark.parametrize(
    ("key", "bad"), [("seed", -1), ("steps", 0), ("latent_dim", 3), ("ensemble_seeds", "1,2"), ("data", "")]
)
def test_the_run_table_checks_a_key_as_the_config_checks_its_field(key: str, bad: object) -> None:
    with pytest.raises(ValidationError) as table:
        TypeAdapter(RunOverrides).validate_python({key: bad})
    with pytest.raises(ConfigError) as config:
        TrainConfig(**{key: bad})  # type: ignore[arg-type]
    assert config.value.field == key and table.value.errors()[0]["msg"] == config.value.reason()


def test_the_run_table_keys_are_fields_of_the_config() -> None:
    hints = typing.get_type_hints(RunOverrides, include_extras=True)
    assert set(RUN_KEYS) - {"file"} <= set(TrainConfig.model_fields)
    for key in set(RUN_KEYS) - {"file"}:
        field = TrainConfig.model_fields[key]
        assert typing.get_args(hints[key])[0] == field.annotation, key


def test_the_committed_fixtures_load_as_typed_models() -> None:
    v1, v2 = load_run(FIXTURES / "run_v1.npz"), load_run(FIXTURES / "run_v2.npz")
    for run in (v1, v2):
        assert isinstance(run.meta, RunMeta) and isinstance(run.config, RunConfig)
        assert run.config is run.meta.config and run.config.hidden == (8,) and run.config.activation == "silu"
        assert run.meta.layer_sizes == (2, 8, 1, 8, 2) and run.meta.data_sha256.startswith("94de134b")
    assert v1.meta.format_version == 1 and v1.meta.normalization is None and v1.config.variant == "ae"
    assert v1.config.kl_weight is None and v1.config.ensemble_seeds == ()
    assert v2.meta.normalization is not None and len(v2.meta.normalization.mean) == 2
    assert v2.config.ensemble_seeds == (1,) and v2.meta.versions["ae-explainer"] == "0.1.0"
    cfg = TrainConfig.from_dict(v2.config.model_dump(exclude_unset=True))
    _, meta, _ = read_checked(FIXTURES / "run_v2.npz")
    assert cfg.to_dict() == {**meta["config"], "image_shape": []}  # written before images: the rest as stored
