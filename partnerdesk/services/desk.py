"""The facade every caller uses: `desk = Desk.open(path)`, then `desk.contacts.create(...)`."""

import logging
from collections.abc import Callable
from datetime import date
from functools import cached_property
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerdesk.db import records as r
from partnerdesk.db import search_index
from partnerdesk.db import vocabulary as v
from partnerdesk.db.early_check import EarlyCheck
from partnerdesk.db.lock import DatabaseLock, acquire_lock
from partnerdesk.db.migrate import holds_database, open_database
from partnerdesk.db.places import read_only_media, read_only_note, risky_place
from partnerdesk.db.registry import RECORD_TYPES, type_name
from partnerdesk.paths import resolve_db_path, server_location
from partnerdesk.private import tighten_database
from partnerdesk.services import reminders as reminder_rules
from partnerdesk.services.agreements import AgreementService
from partnerdesk.services.attachments import AttachmentService
from partnerdesk.services.dates import format_date
from partnerdesk.services.events import EventService
from partnerdesk.services.feedback import FeedbackService
from partnerdesk.services.funding import FundingService
from partnerdesk.services.glance import STAT_TABLES, SearchResult
from partnerdesk.services.ids import category_id
from partnerdesk.services.meetings import MeetingService
from partnerdesk.services.partnerships import PartnershipService
from partnerdesk.services.records import DoneDateService, OrganizationService, RecordService
from partnerdesk.services.reviews import ReviewService
from partnerdesk.services.settings import ReminderWindows, Settings
from partnerdesk.services.store import Change, Store
from partnerdesk.services.undo import UndoJournal

if TYPE_CHECKING:
    from partnerdesk.db.server import ServerAddress
    from partnerdesk.services.areas import (
        DuplicatesArea,
        InterchangeArea,
        ReportsArea,
        ResourceMapArea,
        SharingArea,
    )
    from partnerdesk.services.backups import Backups

# The kinds `stats` counts, with their tables: named once, in `services.glance`.
_MODEL_OF_TABLE = {model.__tablename__: model for model in RECORD_TYPES.values()}
STAT_KEYS = {key: _MODEL_OF_TABLE[table] for key, table in STAT_TABLES.items()}

log = logging.getLogger("partnerdesk")


class Desk:
    """One open database and a service per record type."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = Settings(store)
        # Undo and Redo of what was done with this database while it is open.
        self.undo = UndoJournal(store)
        self._lock: DatabaseLock | None = None
        # The daily backup left to `start_daily_backup`, and its process once started.
        self._daily_backup_due = False
        self._backup_process: BaseProcess | None = None
        # A warning to show when the file sits in a cloud-synced folder or on a network drive.
        self.place_warning: str | None = None
        self.organizations = OrganizationService(store, r.Organization)
        self.contacts = RecordService(store, r.Contact)
        self.tags = RecordService(store, r.Tag)
        self.categories = RecordService(store, r.Category)
        self.partnership_members = RecordService(store, r.PartnershipMember)
        self.milestones = DoneDateService(store, r.Milestone)
        self.indicators = RecordService(store, r.Indicator)
        self.measurements = RecordService(store, r.Measurement)
        self.partnerships = PartnershipService(
            store, members=self.partnership_members, milestones=self.milestones,
            indicators=self.indicators, measurements=self.measurements)
        self.agreement_parties = RecordService(store, r.AgreementParty)
        self.obligations = RecordService(store, r.Obligation)
        self.signatories = RecordService(store, r.Signatory)
        self.attachments = AttachmentService(store, r.Attachment)
        self.agreements = AgreementService(
            store, parties=self.agreement_parties, obligations=self.obligations,
            signatories=self.signatories, attachments=self.attachments)
        self.resources = RecordService(store, r.Resource)
        self.needs = RecordService(store, r.CommunityNeed)
        self.need_resource_links = RecordService(store, r.NeedResourceLink)
        self.referral_pathways = RecordService(store, r.ReferralPathway)
        self.referral_counts = RecordService(store, r.ReferralCount)
        self.meeting_attendees = RecordService(store, r.MeetingAttendee)
        self.action_items = DoneDateService(store, r.ActionItem)
        self.meetings = MeetingService(store, attendees=self.meeting_attendees,
                                       action_items=self.action_items)
        self.reviews = ReviewService(store, r.PartnershipReview)
        self.not_duplicates = RecordService(store, r.NotDuplicate)
        # community events and feedback
        self.event_organizations = RecordService(store, r.EventOrganization)
        self.event_partnerships = RecordService(store, r.EventPartnership)
        self.event_resources = RecordService(store, r.EventResource)
        self.event_attendance = RecordService(store, r.EventAttendance)
        self.events = EventService(
            store, organizations=self.event_organizations,
            partnerships=self.event_partnerships, resources=self.event_resources,
            attendance=self.event_attendance, action_items=self.action_items)
        self.survey_results = RecordService(store, r.SurveyResult)
        self.feedback = FeedbackService(store, results=self.survey_results)
        # funding (issue 21)
        self.funding_deliverables = DoneDateService(store, r.FundingDeliverable)
        self.funding = FundingService(store, deliverables=self.funding_deliverables)
        self._by_type: dict[str, RecordService[Any]] = {
            service.type_name: service for service in vars(self).values()
            if isinstance(service, RecordService)}

    @classmethod
    def open(cls, path: str | Path | None = None, *, checked: EarlyCheck | None = None,
             backup_in_background: bool = False) -> "Desk":
        """Open (creating or migrating) the database at `path`, --db, $PARTNERDESK_DB or
        the data folder, in that order.

        `checked`: the quick check already started on the file (see `db.early_check`).
        `backup_in_background`: the daily backup is not taken here but left to
        `start_daily_backup`, which the app calls once its first screen is on show, so
        the first start of a day is not seconds slower; `close()` waits for it.

        `path` (or $PARTNERDESK_DB) may be a server URL, postgresql://user@host/dbname:
        an office database that several people use at once (`db.server`). It has no
        single-process lock and no file backups; those are a file's."""
        server = server_location(path)
        if server is not None:
            return cls.open_server(server)
        db_path = resolve_db_path(path)
        if read_only_media(db_path) and holds_database(db_path):
            return cls._open_read_only(db_path, checked)
        lock = acquire_lock(db_path)  # one PartnerDesk process per database file
        try:
            backup_later = backup_in_background and holds_database(db_path)
            engine = open_database(db_path, daily_backup=not backup_in_background,
                                   checked=checked)
            desk = cls(Store(engine, db_path))
            desk._lock = lock
            desk._daily_backup_due = backup_later
            desk.place_warning = risky_place(db_path)
            tighten_database(db_path)
            desk._seed_categories()
        except BaseException:
            lock.release()
            raise
        return desk

    @classmethod
    def _open_read_only(cls, db_path: Path, checked: EarlyCheck | None) -> "Desk":
        """A database on read-only media (a locked SD card, a CD, a share mounted
        read-only): browse, search, report and export; every save is refused with the
        sentence that `place_warning` shows as a banner. No lock file can be made there,
        and none is needed: nobody can write to it."""
        engine = open_database(db_path, daily_backup=False, checked=checked)
        note = read_only_note(db_path) or "This database cannot be changed here."
        desk = cls(Store(engine, db_path, read_only=note))
        desk.place_warning = note
        return desk

    @classmethod
    def open_server(cls, url: str, *, password: str | None = None) -> "Desk":
        """Open (making or upgrading its schema) the office database at `url`."""
        from partnerdesk.db.server import open_server_database, parse_address

        address = parse_address(url, password)
        engine = open_server_database(address)
        try:
            desk = cls(Store(engine, address.local_folder() / "office.db", address))
            desk._seed_categories()
        except BaseException:
            engine.dispose()
            raise
        return desk

    @cached_property
    def can_change(self) -> bool:
        """False for a read-only role on an office database: it may browse, search and
        print, and a save is refused with a sentence (`ReadOnlyDatabaseError`)."""
        if self.address is None:
            return True
        from partnerdesk.db.server import can_change

        with self.store.engine.connect() as connection:
            return can_change(connection)

    @property
    def address(self) -> "ServerAddress | None":
        """Where the office database is, when this is one (None: a file)."""
        return self.store.address

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def location(self) -> str:
        """What --db takes to open this database again: a file path or a server URL."""
        return self.store.location

    def describe(self) -> str:
        """The database as people see it: the file, or the office database's address."""
        return str(self.address) if self.address is not None else str(self.path)

    def start_daily_backup(self) -> None:
        """Take the daily backup left to later by `open(backup_in_background=True)`, when
        one is due, in a low-priority child process (`db.background_backup`); returns at
        once. Nothing happens when none is due or it was started already."""
        if not self._daily_backup_due:
            return
        from partnerdesk.db import background_backup

        self._daily_backup_due = False
        self._backup_process = background_backup.start(self.path)

    def close(self) -> None:
        self._daily_backup_due = False  # not started by now: the next open takes it
        backup, self._backup_process = self._backup_process, None
        if backup is not None:
            backup.join()  # a backup cut off is harmless, but a finished one is worth more
        self.store.close()
        lock: DatabaseLock | None = getattr(self, "_lock", None)
        if lock is not None:
            self._lock = None
            lock.release()

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def service(self, record_type: str) -> RecordService[Any]:
        return self._by_type[record_type]

    def subscribe(self, listener: Any) -> None:
        """Call `listener(changes: list[Change])` after every committed write."""
        self.store.subscribe(listener)

    def _seed_categories(self) -> None:
        """The default categories, in a database that has never held one (live or
        deleted: once there, they are its people's to change)."""
        from sqlalchemy import select

        with self.store.read() as session:
            if session.scalar(select(r.Category.id).limit(1)) is not None:
                return
        with self.store.write() as writer:
            writer.bulk_create(r.Category, [{"id": category_id(name), "name": name}
                                            for name in v.DEFAULT_CATEGORIES], seed=True)

    # -- across record types -------------------------------------------------------
    def stats(self) -> dict[str, int]:
        """Live record counts per kind (the keys of `partnerdesk stats --json`)."""
        return {key: self.service(type_name(model)).count() for key, model in STAT_KEYS.items()}

    def search(self, text: str, limit: int = 50) -> list[SearchResult]:
        """Every record type at once; prefix matching, accents folded."""
        with self.store.read() as session:
            hits = search_index.query(session.connection(), text, limit)
        return [SearchResult(h.record_type, h.record_id, h.title) for h in hits]

    def reminders(self, today: date | None = None, windows: ReminderWindows | None = None,
                  show_date: Callable[[date], str] | None = None,
                  ) -> list[reminder_rules.Reminder]:
        """What needs attention; the windows are this database's settings unless given,
        and dates in messages follow the date format setting unless `show_date` is given."""
        windows = windows or self.settings.reminder_windows
        if show_date is None:
            pattern = self.settings.date_format
            show_date = lambda day: format_date(day, pattern)  # noqa: E731
        with self.store.read() as session:
            return reminder_rules.reminders(session, today or date.today(), windows, show_date)

    def log_export(self, kind: str, path: Path | str, *, scope: str = "",
                   recipient: str = "", counts: dict[str, Any] | None = None) -> None:
        """Every file that leaves PartnerDesk is noted: when, what, for whom, where."""
        from partnerdesk.db.local import ExportLog

        if self.store.read_only:
            return  # nothing can be noted in a database on read-only media
        if not self.can_change:
            # A read-only role on an office database may print and export, but cannot
            # note it there: the log file keeps it instead.
            log.info("Exported %s to %s (%s; not noted in the office database: this "
                     "account may not change it)", kind, path, scope or "everything")
            return
        with self.store.write() as writer:
            writer.session.add(ExportLog(kind=kind, scope=scope, recipient=recipient,
                                         path=str(path), counts=counts or {}))

    def deleted_records(self, limit: int = 500) -> list[tuple[str, Any]]:
        """The Trash: deleted records of the main kinds, most recently deleted first.

        Not a record this laptop never held: a deletion made elsewhere arrives as a
        tombstone (its id and deletion context, no values), kept so that an older copy
        arriving later stays deleted; it has nothing to show or restore."""
        from partnerdesk.services.versioning import HIDDEN

        found: list[tuple[str, Any]] = []
        for name in ("organization", "contact", "partnership", "agreement", "resource",
                     "need", "referral_pathway", "meeting", "action_item", "milestone",
                     "event", "feedback", "funding", "funding_deliverable"):
            service = self.service(name)
            found += [(name, row) for row in service.list(deleted=True, order_by="updated_at",
                                                         descending=True, limit=limit)
                      if not HIDDEN.issuperset(row.stamps)]
        found.sort(key=lambda item: item[1].updated_at, reverse=True)
        return found[:limit]

    # -- areas beyond one record type (made on first use; see services/areas.py) ---------
    @cached_property
    def sharing(self) -> "SharingArea":
        """Bundles: export, preview, import, conflicts, undo of an import."""
        from partnerdesk.services.areas import SharingArea

        return SharingArea(self)

    @cached_property
    def interchange(self) -> "InterchangeArea":
        """Spreadsheets, vCards, iCalendar and HSDS, in and out."""
        from partnerdesk.services.areas import InterchangeArea

        return InterchangeArea(self)

    @cached_property
    def duplicates(self) -> "DuplicatesArea":
        from partnerdesk.services.areas import DuplicatesArea

        return DuplicatesArea(self)

    @cached_property
    def resource_map(self) -> "ResourceMapArea":
        """The resource directory, coverage of community needs, the network diagram."""
        from partnerdesk.services.areas import ResourceMapArea

        return ResourceMapArea(self)

    @cached_property
    def reports(self) -> "ReportsArea":
        from partnerdesk.services.areas import ReportsArea

        return ReportsArea(self)

    @cached_property
    def backups(self) -> "Backups":
        """This database's backups: list, make one now, restore one, choose the folder."""
        from partnerdesk.services.backups import Backups

        return Backups(self.path, self)

    def load_sample_data(self, scale: int = 1, today: date | None = None) -> None:
        """Fill an empty database with the sample data, in one transaction."""
        from partnerdesk.services.demo import load_demo

        load_demo(self, scale=scale, today=today)


__all__ = ["Change", "Desk", "RECORD_TYPES", "SearchResult", "category_id"]
