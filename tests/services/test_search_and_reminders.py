"""Global search and the reminders list."""

from datetime import date

import pytest

from partnerdesk.db import search_index
from partnerdesk.services import Desk
from tests.conftest import TODAY


def test_search_folds_accents_and_matches_prefixes(desk: Desk) -> None:
    zoe = desk.contacts.create(name="Zoë Ångström")
    desk.contacts.create(name="Anna Иванова")
    assert [hit.record_id for hit in desk.search("zoe")] == [zoe.id]
    assert [hit.title for hit in desk.search("angs")] == ["Zoë Ångström"]
    assert [hit.title for hit in desk.search("иван")] == ["Anna Иванова"]


@pytest.mark.parametrize("typed", ["Αλέξανδρος", "αλεξανδρος", "ΑΛΕΞΑΝΔΡΟΣ", "Αλεξ",
                                   "παπαδοπ", "Παπαδόπουλος αλέξ"])
def test_greek_names_are_found_however_they_are_typed(desk: Desk, typed: str) -> None:
    """With or without accents, in capitals, a final sigma or a word begun: on SQLite the
    index keeps Greek accents as typed, and is asked for each spelling; on PostgreSQL
    both sides are folded."""
    greek = desk.contacts.create(name="Αλέξανδρος Παπαδόπουλος")
    desk.contacts.create(name="Alexandros Papadopoulos")
    assert [hit.record_id for hit in desk.search(typed)] == [greek.id]
    assert desk.contacts.count(text=typed) == 1  # a list's filter box


@pytest.mark.parametrize(("name", "typed"), [
    ("ΣΟΦΙΑ ΝΙΚΟΛΑΟΥ", "Σοφία"), ("Ηλίας Ζαΐμης", "ζαιμης"), ("Ηλίας Ζαΐμης", "Ζαΐμ"),
    ("Straßenfest Verein", "strassenfest"), ("Straßenfest Verein", "Straßen"),
    ("Семёнов и партнёры", "Семенов"), ("Семенов и партнеры", "партнёр"),
    ("सेवा संस्थान", "संस्थान"), ("अनीता शर्मा", "शर्मा"), ("मोहन शर्मा", "शर्"),
    ("محمد علي", "محمد"), ("สวัสดี สมาคม", "สวัสดี")])
def test_words_in_every_script_are_found_as_typed(desk: Desk, name: str, typed: str) -> None:
    """Devanagari vowel signs and viramas, Thai marks, Cyrillic ё, German ß."""
    found = desk.organizations.create(name=name)
    desk.organizations.create(name="Unrelated Group")
    assert [hit.record_id for hit in desk.search(typed)] == [found.id]
    assert desk.organizations.count(text=typed) == 1


def test_a_query_is_cut_into_the_words_fts5_indexes() -> None:
    """The query's words are those FTS5's tokenizer makes of the same text: asked of
    FTS5 itself (fts5vocab), for names in many scripts."""
    import sqlite3

    from tests.reports.test_scripts import NAMES

    texts = [*NAMES, *(n for people in NAMES.values() for n in people),
             "Straße Ǆemal ﬁsh İstanbul", "Zoë Ångström ø đ ł æ œ Ğ ş ǘ ệ",
             "O'Brien-Smith x²+y Ⅻ", "Ὀδυσσεύς ΣΟΦΙΑ Семёнов Сергей", "สวัสดี محمّد"]
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize = "
                       "'unicode61 remove_diacritics 2')")
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')")
    for rowid, text in enumerate(texts):
        connection.execute("INSERT INTO f(rowid, t) VALUES (?, ?)", (rowid, text))
        indexed = [term for (term,) in connection.execute(
            "SELECT term FROM v WHERE doc = ? ORDER BY offset", (rowid,))]
        assert search_index.fts5_words(text) == indexed, text
    connection.close()


def test_search_spans_record_types_and_skips_deleted(demo_desk: Desk) -> None:
    kinds = {hit.record_type for hit in demo_desk.search("food")}
    assert {"organization", "partnership", "agreement", "need", "resource"} <= kinds
    mou = next(h for h in demo_desk.search("food as medicine mou") if h.record_type == "agreement")
    demo_desk.agreements.delete(mou.record_id)
    assert mou.record_id not in {h.record_id for h in demo_desk.search("food as medicine mou")}


def test_search_follows_edits(desk: Desk) -> None:
    org = desk.organizations.create(name="Harbor Clinic")
    desk.organizations.update(org.id, name="Lighthouse Clinic")
    assert desk.search("harbor") == []
    assert [h.title for h in desk.search("lighthouse")] == ["Lighthouse Clinic"]


@pytest.mark.real_migration  # the index is made by the migration
def test_search_works_without_fts5(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "fts5_available", lambda _connection: False)
    with Desk.open(tmp_path / "plain.db") as desk:
        desk.contacts.create(name="Zoë Martín")
        assert [h.title for h in desk.search("zoe mar")] == ["Zoë Martín"]
        assert [c.name for c in desk.contacts.list(text="martin")] == ["Zoë Martín"]
        with desk.store.read() as session:
            assert not search_index.uses_fts5(session.connection())


def test_reminders_from_the_sample_data(demo_desk: Desk) -> None:
    found = demo_desk.reminders(today=TODAY)
    kinds = {r.kind for r in found}
    assert {"agreement_expiring", "agreement_expired_active", "review_due",
            "milestone_overdue", "action_overdue", "not_contacted"} <= kinds
    expiring = next(r for r in found if r.kind == "agreement_expiring")
    assert expiring.title == "Food as Medicine MOU"
    assert expiring.message == "Expires in 25 days."


def test_last_contacted_date_quiets_a_partner(demo_desk: Desk) -> None:
    quiet = [r for r in demo_desk.reminders(today=TODAY) if r.kind == "not_contacted"]
    assert quiet
    org_id = quiet[0].record_id
    person = demo_desk.contacts.list(where={"organization_id": org_id})[0]
    demo_desk.contacts.update(person.id, last_contacted=TODAY)
    still_quiet = {r.record_id for r in demo_desk.reminders(today=TODAY)
                   if r.kind == "not_contacted"}
    assert org_id not in still_quiet


def test_done_work_is_not_overdue(desk: Desk) -> None:
    item = desk.action_items.create(description="Send numbers", due_date=date(2026, 1, 1))
    assert [r.record_id for r in desk.reminders(today=TODAY)] == [item.id]
    desk.action_items.update(item.id, done=True)
    assert desk.reminders(today=TODAY) == []


def test_sample_data_fills_every_count(demo_desk: Desk) -> None:
    assert all(count > 0 for count in demo_desk.stats().values())


def test_scaled_sample_data_has_a_thousand_contacts_per_unit(desk: Desk) -> None:
    from partnerdesk.services.demo import load_demo

    load_demo(desk, scale=2, today=TODAY)
    assert 2000 <= desk.stats()["contacts"] <= 2100
    assert desk.search("zo")  # indexed through the bulk path too


def test_the_kind_of_a_phone_or_e_mail_is_not_searched(desk: Desk) -> None:
    desk.contacts.create(name="Ann Lee", phones=[{"number": "+12125550142", "kind": "mobile"}],
                         emails=[{"address": "ann@example.org", "kind": "work"}])
    assert desk.search("mobile") == [] and desk.search("work") == []
    assert [h.title for h in desk.search("ann@example")] == ["Ann Lee"]


@pytest.mark.parametrize("ranked_rest", [2000, 3])
def test_search_puts_title_matches_first_then_the_rest(desk: Desk, monkeypatch,
                                                       ranked_rest: int) -> None:
    """Titles first, best first; then matches elsewhere in a record (ranked while few,
    newest first when many), each record once, never more than asked for."""
    monkeypatch.setattr(search_index, "RANKED_REST", ranked_rest)
    people = [desk.contacts.create(name=f"Person {i}", role="Volunteer driver")
              for i in range(8)]
    united = desk.organizations.create(name="Volunteers United")
    hits = desk.search("volun")
    assert hits[0].record_id == united.id
    assert {h.record_id for h in hits[1:]} == {p.id for p in people}
    assert len(hits) == len({h.record_id for h in hits}) == 9
    assert len(desk.search("volun", limit=4)) == 4
    assert [h.record_id for h in desk.search("volunteers united")] == [united.id]


@pytest.mark.parametrize("ranked_titles", [500, 3])
def test_many_title_matches_still_come_first_and_fill_the_page(
        desk: Desk, monkeypatch, ranked_titles: int) -> None:
    """On PostgreSQL only the first RANKED_TITLES title matches are ranked (a two-letter
    prefix matches thousands of names): the page is still titles only, each once, the
    best of those ranked first."""
    monkeypatch.setattr(search_index, "RANKED_TITLES", ranked_titles)
    names = [desk.contacts.create(name=f"Ana Person {i}").id for i in range(6)]
    both = desk.contacts.create(name="Ana Anand")  # the word twice in the title
    desk.contacts.create(name="Bo Lund", role="Analyst")  # "an" outside the title
    hits = desk.search("an", limit=5)
    assert len(hits) == len({h.record_id for h in hits}) == 5
    assert {h.record_id for h in hits} <= {*names, both.id}
    if ranked_titles >= 7:
        assert hits[0].record_id == both.id


def _index_matches_its_records(desk: Desk) -> None:
    """FTS5's own check of the index against the entries it was made from (an entry
    changed in place must take its old words out of the index). PostgreSQL keeps each
    entry's words in its own row (nothing to take out apart from it)."""
    if not desk.store.fts5:
        return
    with desk.store.read() as session:
        session.connection().exec_driver_sql(
            f"INSERT INTO {search_index.FTS}({search_index.FTS}, rank) "
            "VALUES ('integrity-check', 1)")


def test_search_follows_a_change_to_many_records_and_its_undo(desk: Desk) -> None:
    """Hundreds of records at once take the bulk path (their entries changed in place,
    in one statement); old words leave the index, new ones come in, Undo brings the old
    ones back, and the index still matches its entries."""
    with desk.store.write() as writer:
        ids = desk.contacts.save_many(
            writer, [{"name": f"Person {i}", "role": "Volunteer driver"} for i in range(700)])
    single = desk.organizations.create(name="Harbor Pantry")
    desk.contacts.bulk_change(ids, lambda row: {"role": "Cook", "tags": ["wintercoats"]})
    desk.organizations.update(single.id, name="Lighthouse Pantry")
    assert desk.search("driver") == [] and desk.search("harbor") == []
    assert len(desk.search("wintercoat", limit=1000)) == 700
    assert len(desk.search("cook", limit=1000)) == 700
    assert [h.title for h in desk.search("lighthouse")] == ["Lighthouse Pantry"]
    _index_matches_its_records(desk)
    desk.undo.undo()  # the rename
    desk.undo.undo()  # the change to 700 contacts
    assert desk.search("wintercoat") == [] and desk.search("cook") == []
    assert len(desk.search("driver", limit=1000)) == 700
    assert [h.title for h in desk.search("harbor")] == ["Harbor Pantry"]
    _index_matches_its_records(desk)
