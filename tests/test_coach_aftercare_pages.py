"""The coach's aftercare switch on the participant page: off and on again, only for her own
participant and only with the page's form token."""

from __future__ import annotations

from tests.test_coach_portal_homework import Portal, portal  # noqa: F401  (the fixture)


async def test_a_coach_switches_aftercare_off_and_on_again(portal: Portal) -> None:  # noqa: F811
    sara = await portal.signed_in(portal.sara)
    page = await portal.page(sara, portal.mia)
    assert "Nazorg staat aan" in page.text
    path = f"/coach/deelnemer/{portal.mia}/nazorg"
    assert (await sara.post(path, data={"csrf": "nee", "aan": "0"})).status_code == 403
    off = await sara.post(path, data={"csrf": page.token, "aan": "0"})
    assert "Nazorg staat uit" in off.text
    mia = await portal.services.repository.participant_by_id(portal.mia)
    assert mia is not None and mia.aftercare_off_at is not None
    tom = await portal.signed_in(portal.tom)
    toms_token = (await portal.page(tom, portal.tims)).token
    assert (await tom.post(path, data={"csrf": toms_token, "aan": "1"})).status_code == 404
    on = await sara.post(path, data={"csrf": page.token, "aan": "1"})
    assert "Nazorg staat aan" in on.text
