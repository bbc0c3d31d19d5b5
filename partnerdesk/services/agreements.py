"""Agreements (MOUs), saved whole with their parties, obligations, signatories and files.

The status rules (which step may follow which) are `records.AgreementService`'s; this
adds the whole save. Child-row rules kept here: an organization is a party once; files
are copied into the data folder (stored by content hash) before the transaction, and
bytes this save brought in are taken out again when the save fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.errors import FieldProblem, PartnerDeskError, RowProblem, ValidationError
from partnerdesk.services import records
from partnerdesk.services.attachments import AttachmentService
from partnerdesk.services.records import RecordService
from partnerdesk.services.store import Store
from partnerdesk.services.whole_save import ChildChanges, ChildList, Saved, WholeSaveService


class AgreementService(WholeSaveService[r.Agreement], records.AgreementService):
    def __init__(self, store: Store, *, parties: RecordService[r.AgreementParty],
                 obligations: RecordService[r.Obligation],
                 signatories: RecordService[r.Signatory],
                 attachments: AttachmentService) -> None:
        super().__init__(store, r.Agreement)
        self.attachments = attachments
        self.children = (
            ChildList("parties", parties, "party", "agreement_id", "organization_id",
                      label_model=r.Organization, unique_by="organization_id",
                      duplicate="{name} is already a party."),
            ChildList("obligations", obligations, "obligation", "agreement_id",
                      "description"),
            ChildList("signatories", signatories, "signatory", "agreement_id", "contact_id",
                      label_model=r.Contact),
            ChildList("attachments", attachments, "file", "record_id", "filename",
                      fixed={"record_type": "agreement"}),
        )

    def save(self, values: Mapping[str, Any], record_id: str | None = None, *,
             parties: ChildChanges | None = None, obligations: ChildChanges | None = None,
             signatories: ChildChanges | None = None,
             attachments: ChildChanges | None = None,
             rev: str | None = None) -> Saved[r.Agreement]:
        """Create (no `record_id`) or update an agreement with its child rows, as one step.

        `attachments.new` rows are {"path": file to attach}; `attachments.removed` ids of
        attachments to take off. Nothing is written when any row is wrong
        (ValidationError), and no file stays in the data folder for a failed save."""
        fresh: list[str] = []
        try:
            files = self._copy_files(attachments, fresh)
            return self.save_whole(values, record_id, {
                "parties": parties, "obligations": obligations, "signatories": signatories,
                "attachments": files}, rev=rev)
        except BaseException:
            for digest in fresh:
                self.attachments.forget_bytes(digest)
            raise

    def _copy_files(self, changes: ChildChanges | None,
                    fresh: list[str]) -> ChildChanges | None:
        """The attachment rows for the files to attach, their bytes in the data folder."""
        if not changes or not changes.new:
            return changes
        rows: list[dict[str, Any]] = []
        problems: list[FieldProblem] = []
        for index, row in enumerate(changes.new):
            source = Path(row["path"])
            try:
                found, new = self.attachments.file_values(source)
            except (OSError, PartnerDeskError) as error:
                message = error.message if isinstance(error, PartnerDeskError) else (
                    f"{source.name} could not be read ({error}). Check the file, then try "
                    "again.")
                problems.append(RowProblem("attachments", message, new_index=index,
                                           row_field="path"))
                continue
            if new:
                fresh.append(found["sha256"])
            rows.append(found)
        if problems:
            raise ValidationError(problems)
        return replace(changes, new=rows)
