"""The progress dots a participant sees above each question."""

from __future__ import annotations

from flows.wording import EMPTY_DOT, FILLED_DOT, progress_dots


def test_one_dot_per_stage_for_a_short_method() -> None:
    assert progress_dots(2, 4) == "●●○○"
    assert progress_dots(0, 3) == "○○○" and progress_dots(5, 3) == "●●●"


def test_a_long_method_gets_ten_dots_that_fill_as_she_goes() -> None:
    shown = [progress_dots(done, 19) for done in range(1, 20)]
    assert all(len(dots) == 10 for dots in shown), "a line of dots that fits on a phone"
    filled = [dots.count(FILLED_DOT) for dots in shown]
    assert filled == sorted(filled) and filled[0] >= 1 and filled[-1] == 10
    assert progress_dots(18, 19).endswith(EMPTY_DOT), "not full before the last stage"
