"""Tables kept on this laptop only: never part of a bundle."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from partnerdesk.db.bookkeeping import utcnow


class HistoryEntry(SQLModel, table=True):
    """The state a record had before a change, so any earlier version can be restored."""

    __tablename__ = "history"

    id: int | None = Field(default=None, primary_key=True)
    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    changed_at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=20)  # updated, deleted, restored, merged, imported
    changed_fields: list[str] = Field(default_factory=list, sa_type=JSON)
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    batch_id: str | None = Field(default=None, max_length=36, index=True)
    # Who made the change: the person's role on an office database ("" on a laptop's file).
    changed_by: str = Field(default="", max_length=80)


class Conflict(SQLModel, table=True):
    """A clash an import decided: two writes of one field (or a deletion and an edit)
    made without seeing each other. `lost_value` is the one that lost, restorable;
    `kept_here` says the winner was the value this laptop already held ("kept yours
    over your colleague's") rather than the one that arrived."""

    __tablename__ = "conflicts"

    id: int | None = Field(default=None, primary_key=True)
    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=36, index=True)
    field: str = Field(max_length=80)
    lost_value: Any = Field(default=None, sa_type=JSON)
    lost_stamp: list[Any] = Field(default_factory=list, sa_type=JSON)
    won_value: Any = Field(default=None, sa_type=JSON)
    won_stamp: list[Any] = Field(default_factory=list, sa_type=JSON)
    detected_at: datetime = Field(default_factory=utcnow)
    batch_id: str | None = Field(default=None, max_length=36)
    resolved: bool = False
    kept_here: bool = False


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batches"

    id: str = Field(primary_key=True, max_length=36)
    imported_at: datetime = Field(default_factory=utcnow)
    source: str = ""
    kind: str = Field(default="bundle", max_length=20)
    from_device: str = Field(default="", max_length=36)
    from_organization: str = Field(default="", max_length=200)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    undone: bool = False


class ExportLog(SQLModel, table=True):
    __tablename__ = "export_log"

    id: int | None = Field(default=None, primary_key=True)
    exported_at: datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=40)
    scope: str = ""
    recipient: str = ""
    path: str = ""
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Setting(SQLModel, table=True):
    """Small key/value facts about this database on this laptop (device id, counter…)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=80)
    value: Any = Field(default=None, sa_type=JSON)
