"""The tag rule, in one place: a tag typed on any record joins the tag list.

Whoever writes the record (an editor's save, a spreadsheet, address-book or directory
import, the sample data), its tags are made here, each with the id derived from its name
(`ids.tag_id`): "food" typed on two laptops, or in a spreadsheet and then in the app,
is one tag, never two. A deleted tag typed again comes back.
"""

from collections.abc import Iterable

from sqlalchemy import select

from partnerdesk.db import records as r
from partnerdesk.services.ids import tag_id
from partnerdesk.services.store import Writer

LEARNED = "tags"  # `Writer.learned`: the tag ids known to exist in this transaction


def ensure_tags(writer: Writer, names: Iterable[str]) -> None:
    """Make the tags named that are not in the list yet (restore deleted ones)."""
    known: set[str] = writer.learned.setdefault(LEARNED, set())
    # spelling -> id, so a change to 10,000 records works out each tag's id once
    ids: dict[str, str] = writer.learned.setdefault(LEARNED + ":ids", {})
    wanted: dict[str, str] = {}
    for name in names:
        key = ids.get(name)
        if key is None:
            text = name.strip()
            if not text:
                continue
            key = ids[name] = tag_id(text)
        else:
            text = name.strip()
        if key not in known:
            wanted.setdefault(key, text)  # the first spelling names the tag
    if not wanted:
        return
    session = writer.session
    found = {tag.id: tag for start in range(0, len(wanted), 500)
             for tag in session.scalars(select(r.Tag).where(
                 r.Tag.id.in_(list(wanted)[start:start + 500])))}  # type: ignore[attr-defined]
    for tag in found.values():
        writer.restore(tag)  # nothing when it is not deleted
    writer.bulk_create(r.Tag, [{"id": key, "name": name} for key, name in wanted.items()
                               if key not in found])
    known.update(wanted)
