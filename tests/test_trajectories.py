"""Trajectories: the handbook's Variant 1 and 4 in their order, which method comes next for a
participant, and a broken trajectory file stopping the start with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.trajectories import (
    TRAJECTORIES_FILE,
    Trajectory,
    finished_flows,
    load_trajectories,
    marks,
    next_method,
    suggested_method,
)
from flows.loader import FlowError
from flows.state import RunState
from storage.records import Participant
from storage.repository import StoredRun

HANDBOOK_FLOWS = (
    "droompagina",
    "hand",
    "klokwijs",
    "ladder",
    "praatplaat",
    "prentenbeeld",
    "vier_op_een_rij",
)
VARIANT_4 = Trajectory(
    id="variant_4",
    title="Variant 4",
    about="Stap voor stap.",
    methods=("hand", "klokwijs", "prentenbeeld"),
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "trajectories.yml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path, known: tuple[str, ...] = HANDBOOK_FLOWS) -> str:
    with pytest.raises(FlowError) as raised:
        load_trajectories(path, known)
    message = str(raised.value)
    assert message.startswith(f"{path.name}: ") and "\n" not in message
    return message


def run(flow_id: str, status: str) -> StoredRun:
    state = RunState(cursor=None)
    return StoredRun(1, 1, flow_id, status, state, "t", "t", None)  # type: ignore[arg-type]


def participant(trajectory: str | None) -> Participant:
    return Participant(1, "telegram", "1", True, "t", "t", trajectory=trajectory)


def test_the_shipped_file_has_variant_1_and_4_in_the_handbooks_order() -> None:
    shipped = load_trajectories(TRAJECTORIES_FILE, HANDBOOK_FLOWS)
    assert list(shipped) == ["variant_1", "variant_4"]
    assert shipped["variant_1"].methods == (
        "klokwijs",
        "praatplaat",
        "hand",
        "prentenbeeld",
        "ladder",
        "droompagina",
        "vier_op_een_rij",
    )
    assert shipped["variant_4"].methods == (
        "hand",
        "klokwijs",
        "prentenbeeld",
        "droompagina",
        "praatplaat",
        "ladder",
        "vier_op_een_rij",
    )
    assert shipped["variant_4"].title.startswith("Variant 4")
    assert all(trajectory.about for trajectory in shipped.values())


def test_a_file_over_the_flows_given_loads_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "trajectories:\n"
        "  - {id: kort, title: Kort, about: Twee methodes., methods: [prentenbeeld, hand]}\n"
        "  - {id: lang, title: Lang, about: Drie methodes., methods: [hand, ladder, klokwijs]}\n",
    )
    loaded = load_trajectories(path, ("hand", "ladder", "klokwijs", "prentenbeeld"))
    assert [(t.id, t.methods) for t in loaded.values()] == [
        ("kort", ("prentenbeeld", "hand")),
        ("lang", ("hand", "ladder", "klokwijs")),
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "trajectories:\n  - {id: v1, title: V1, about: Een., methods: [hand, klokwjis]}\n",
            "trajectory 'v1': unknown flows ['klokwjis']",
        ),
        (
            "trajectories:\n  - {id: v1, title: V1, about: Een., methods: [hand]}\n"
            "  - {id: v1, title: Ook V1, about: Twee., methods: [ladder]}\n",
            "trajectory 'v1' is there twice",
        ),
        (
            "trajectories:\n  - {id: v1, title: V1, about: Een., methods: []}\n",
            "trajectories.0.methods",
        ),
        (
            "trajectories:\n  - {id: v1, title: V1, about: Een., methods: [hand, ladder, hand]}\n",
            "methods ['hand'] come more than once",
        ),
        ("trajectories:\n  - {id: v1, title: V1, methods: [hand]}\n", "about: Field required"),
        ("trajectories: [\n", "not valid YAML"),
        ("- {id: v1}\n", "Input should be a valid dictionary"),
    ],
    ids=["unknown-flow", "id-twice", "no-methods", "method-twice", "no-about", "yaml", "list"],
)
def test_a_wrong_file_is_refused_with_one_line(tmp_path: Path, text: str, says: str) -> None:
    assert says in refusal(write(tmp_path, text))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "cannot read the file" in refusal(tmp_path / "trajectories.yml")


def test_a_flow_that_is_not_loaded_is_refused_even_if_the_handbook_has_it(tmp_path: Path) -> None:
    path = write(tmp_path, "trajectories:\n  - {id: v4, title: V4, about: A., methods: [hand]}\n")
    assert "unknown flows ['hand']" in refusal(path, known=("droompagina", "prentenbeeld"))


def test_the_next_method_is_the_first_she_has_not_finished() -> None:
    assert next_method(VARIANT_4, set()) == "hand"
    assert next_method(VARIANT_4, {"hand"}) == "klokwijs"
    assert next_method(VARIANT_4, {"klokwijs", "droompagina"}) == "hand", "the order counts"
    assert next_method(VARIANT_4, {"hand", "klokwijs", "prentenbeeld"}) is None


def test_methods_are_marked_done_and_next_in_order() -> None:
    marked = marks(VARIANT_4, {"klokwijs"})
    assert [(m.flow_id, m.done, m.next) for m in marked] == [
        ("hand", False, True),
        ("klokwijs", True, False),
        ("prentenbeeld", False, False),
    ]


def test_only_finished_runs_count_as_done() -> None:
    runs = [run("hand", "finished"), run("klokwijs", "paused"), run("hand", "active")]
    assert finished_flows(runs) == {"hand"}
    trajectories = {"variant_4": VARIANT_4}
    assert suggested_method(trajectories, participant("variant_4"), runs) == "klokwijs"


def test_without_a_trajectory_nothing_is_suggested() -> None:
    trajectories = {"variant_4": VARIANT_4}
    assert suggested_method(trajectories, participant(None), []) is None
    assert suggested_method(trajectories, participant("gone_now"), []) is None


def test_a_broken_trajectory_file_stops_the_start_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("POPBOT_TELEGRAM_TOKEN", "POPBOT_WEB_SECRET", "POPBOT_IMAGES_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    broken = write(tmp_path, "trajectories:\n  - {id: v, title: V, about: A., methods: [nope]}\n")
    monkeypatch.setattr("bot.services.TRAJECTORIES_FILE", broken)
    assert main(["web"]) == 2
    error = capsys.readouterr().err
    assert error == "popbot: trajectories.yml: trajectory 'v': unknown flows ['nope']\n"
