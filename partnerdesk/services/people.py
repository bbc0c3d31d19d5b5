"""Who typed a value: the names of the people behind device ids, as bundles tell them.

A bundle's manifest names its sender's people (`people`: device id -> name, from each
laptop's "your name" setting and what it learned from its own imports), so a conflict
or an import preview can say "Ana typed …" instead of showing a device id. Kept in this
laptop's settings table (`KEY`), never in a record: names are local knowledge.
"""

from typing import Any

from partnerdesk.db.identity import FORMER_KEY

KEY = "people"
MAX_PEOPLE = 1000  # names a bundle may tell (a few per laptop; more is not a real bundle)
MAX_NAME = 80


def clean_people(value: Any) -> dict[str, str]:
    """A manifest's `people`, with anything that is not a short name left out."""
    if not isinstance(value, dict):
        return {}
    found: dict[str, str] = {}
    for device, name in list(value.items())[:MAX_PEOPLE]:
        if isinstance(device, str) and 0 < len(device) <= 64 and isinstance(name, str):
            text = " ".join(name.split())[:MAX_NAME]
            if text:
                found[device] = text
    return found


def known_people(desk: Any) -> dict[str, str]:
    """Device id -> name: what imports taught this laptop, and this laptop's own ids."""
    people = clean_people(desk.store.setting(KEY, {}))
    own = desk.settings.your_name
    if own:
        for device in [*desk.store.setting(FORMER_KEY, []), desk.store.device_id]:
            people[device] = own
    return people


def learn(session: Any, taught: dict[str, str], own_devices: set[str]) -> None:
    """Remember the names a bundle tells (in the import's transaction)."""
    from partnerdesk.db.local import Setting

    taught = {d: n for d, n in taught.items() if d not in own_devices}
    if not taught:
        return
    row = session.get(Setting, KEY)
    people = clean_people(row.value if row else {})
    people.update(taught)
    session.merge(Setting(key=KEY, value=dict(list(people.items())[-MAX_PEOPLE:])))
