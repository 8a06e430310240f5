"""The fixed words every flow uses: button words, hints, pause and resume.

Written for participants with low reading skills: short sentences, everyday Dutch, one emoji.
"""

from __future__ import annotations

KLAAR = "🏁 Klaar"
VERDER = "➡️ Verder"
TERUG = "⬅️ Terug"
OVERSLAAN = "⏭️ Overslaan"
STOP = "⏸️ Stop"

KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣")
CHOSEN = "✅"
FILLED_DOT = "●"
EMPTY_DOT = "○"

HINT_TAP = "Tik op een knop onder de vraag. 👇"
HINT_OLD_BUTTON = "Die knop is oud. Hier is de vraag nog eens. 👇"
HINT_CANNOT_READ = "Dat kan ik niet lezen. Tik op een knop. 👇"
HINT_SAY_OR_SKIP = "Typ of spreek iets in. Of tik op Overslaan. 👇"
HINT_NO_VOICE_HERE = "Hier hoef je niets in te spreken. Tik op een knop. 👇"
HINT_VOICE_TOO_LONG = "Dat bericht is te lang. Spreek maximaal 2 minuten in. 🎙️"
HINT_TEXT_TOO_LONG = "Dat is veel tekst. Schrijf het iets korter. ✍️"
HINT_PICK_AT_LEAST = "Kies eerst minstens {count} prent. 👆"
HINT_NOT_A_MATCH = "Bijna! 🙂 Kijk nog eens goed. Welke past beter?"
HINT_PICK_AT_MOST = "Je koos al {count} prenten. Tik er eerst één weg. 👆"

SAY_OR_SKIP = "✍️ Typ of 🎙️ spreek in. Of tik op Overslaan."
TYPE_OR_SKIP = "✍️ Typ je antwoord. Of tik op Overslaan."
PAGE = "Blad {page} van {pages}"
CHOSEN_COUNT = "Gekozen: {count}"

PAUSED = "Oké, we stoppen even. ⏸️\nTik op Verder als je verder wil."
RESUMED = "Welkom terug! 👋 We gaan verder."


MOST_DOTS = 12
"""More stages than this are shown as ten dots, each standing for a few of them."""


def progress_dots(done: int, total: int) -> str:
    """`●●○○`: how far the participant is; a long method gets ten dots, not one per stage."""
    done = max(0, min(done, total))
    if total > MOST_DOTS:
        done, total = round(done * 10 / total), 10
    return FILLED_DOT * done + EMPTY_DOT * (total - done)
