"""Building everything from the settings: an organisation's own flow files add methods or
replace the shipped ones, and a wrong folder stops the start with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import Services
from bot.settings import Settings
from flows.loader import FLOWS_DIR, FlowError


async def test_own_flow_files_replace_and_add_methods(tmp_path: Path) -> None:
    own = tmp_path / "own_flows"
    own.mkdir()
    shipped = (FLOWS_DIR / "vier_op_een_rij.yaml").read_text(encoding="utf-8")
    ours = shipped.replace("title: Vier op een rij", "title: Ons spel")
    assert ours != shipped
    (own / "vier_op_een_rij.yaml").write_text(ours, encoding="utf-8")
    extra = (FLOWS_DIR / "hand.yaml").read_text(encoding="utf-8").replace("id: hand", "id: handje")
    (own / "handje.yaml").write_text(extra, encoding="utf-8")

    services = await Services.open(Settings(data_dir=tmp_path / "data", flows_dir=own))
    try:
        assert services.engines["vier_op_een_rij"].flow.title == "Ons spel"
        assert "handje" in services.engines and "droompagina" in services.engines
    finally:
        await services.close()


async def test_a_missing_own_flow_folder_stops_the_start(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", flows_dir=tmp_path / "nowhere")
    with pytest.raises(FlowError, match="is not a folder"):
        await Services.open(settings)
