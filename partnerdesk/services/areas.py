"""The facade's areas beyond one record type: `desk.sharing`, `desk.interchange`,
`desk.duplicates`, `desk.resource_map`, `desk.reports` (after Anki's per-area managers,
`col.decks.remove(ids)`), so every caller uses one style: `desk.<area>.<verb>(...)`.

Each area is made on first use and imports the module doing the work only when one of
its verbs is called: the app shows its window before the heavy libraries load (README,
"Speed"), and a screen that is never opened never pays for them. The functions stay
where they are; an area only passes the open database along.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partnerdesk.db.local import ImportBatch
    from partnerdesk.services.desk import Desk
    from partnerdesk.services.duplicates import DuplicatePair, Match
    from partnerdesk.services.gaps import DirectoryLine, NeedCoverage
    from partnerdesk.services.needs_import import NeedsImportResult
    from partnerdesk.services.network import Network
    from partnerdesk.services.network_positions import Footprint
    from partnerdesk.services.progress import Progress
    from partnerdesk.services.reporting import ReportOptions
    from partnerdesk.services.survey_import import SurveyImportResult
    from partnerdesk.sharing.bundle import Bundle
    from partnerdesk.sharing.conflicts import ConflictView
    from partnerdesk.sharing.csv_import import CsvSource
    from partnerdesk.sharing.exporter import ExportResult, Scope
    from partnerdesk.sharing.hsds import HsdsPlan
    from partnerdesk.sharing.import_common import ImportPlan, ImportResult
    from partnerdesk.sharing.importer import ImportResult as BundleImportResult
    from partnerdesk.sharing.importer import Preview
    from partnerdesk.sharing.join import JoinResult
    from partnerdesk.sharing.undo import UndoCheck


class Area:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk


class SharingArea(Area):
    """Bundles between laptops: export, preview and import, conflicts, undo of an import."""

    def read_bundle(self, path: Path | str, passphrase: str | None = None) -> Bundle:
        """Read and check a bundle file to import here (raises `PassphraseNeeded` for a
        locked one); the records it holds exactly as they are here are only counted."""
        from partnerdesk.sharing.importer import read_for_import

        return read_for_import(self.desk, path, passphrase)

    def preview(self, bundle: Bundle, name: str = "This bundle",
                progress: Progress | None = None) -> Preview:
        from partnerdesk.sharing.importer import preview_bundle

        return preview_bundle(self.desk, bundle, name, progress)

    def import_bundle(self, bundle: Bundle, *, source: str = "", name: str = "This bundle",
                      progress: Progress | None = None) -> BundleImportResult:
        from partnerdesk.sharing.importer import import_bundle

        return import_bundle(self.desk, bundle, source=source, name=name, progress=progress)

    def export(self, target: Path | str, scope: Scope | None = None, *,
               passphrase: str | None = None, progress: Progress | None = None,
               recipient: str = "") -> ExportResult:
        from partnerdesk.sharing.exporter import export_bundle

        return export_bundle(self.desk, target, scope, passphrase=passphrase,
                             progress=progress, recipient=recipient)

    def join(self, path: Path | str, your_name: str, *, passphrase: str | None = None,
             progress: Progress | None = None) -> JoinResult:
        """A new laptop joins a colleague: their bundle's records, their organization as
        ours (`sharing.join`). Raises `PassphraseNeeded` for a sealed bundle."""
        from partnerdesk.sharing.join import join_file

        return join_file(self.desk, path, your_name, passphrase=passphrase,
                         progress=progress)

    def conflicts(self, include_resolved: bool = False) -> list[ConflictView]:
        from partnerdesk.sharing.conflicts import list_conflicts

        return list_conflicts(self.desk, include_resolved)

    def resolve_conflict(self, conflict_id: int, use: str) -> None:
        """`use`: "lost" (the value this laptop had) or "won" (the value kept now)."""
        from partnerdesk.sharing.conflicts import resolve

        resolve(self.desk, conflict_id, use)

    def imports(self) -> list[ImportBatch]:
        """The bundles brought in on this laptop, newest first."""
        from partnerdesk.sharing.undo import list_imports

        return list_imports(self.desk)

    def check_undo(self, batch_id: str) -> UndoCheck:
        from partnerdesk.sharing.undo import check_undo

        return check_undo(self.desk, batch_id)

    def undo_import(self, batch_id: str, *, confirm: bool = False,
                    progress: Progress | None = None) -> UndoCheck:
        from partnerdesk.sharing.undo import undo_import

        return undo_import(self.desk, batch_id, confirm=confirm, progress=progress)


class InterchangeArea(Area):
    """Other programs' files: spreadsheets, address books, calendars, HSDS directories."""

    def open_csv(self, path: Path | str, record_type: str) -> CsvSource:
        """The file's rows and the guessed meaning of each column (nothing is written)."""
        from partnerdesk.sharing.csv_import import open_csv

        return open_csv(path, record_type)

    def plan_csv(self, source: CsvSource, progress: Progress | None = None) -> ImportPlan:
        from partnerdesk.sharing.csv_import import build_plan

        return build_plan(self.desk, source, progress)

    def plan_vcard(self, path: Path | str, progress: Progress | None = None) -> ImportPlan:
        from partnerdesk.sharing.vcard import plan_vcard

        return plan_vcard(self.desk, path, progress)

    def plan_hsds(self, path: Path | str, progress: Progress | None = None) -> HsdsPlan:
        from partnerdesk.sharing.hsds import plan_hsds

        return plan_hsds(self.desk, path, progress)

    def apply(self, plan: ImportPlan | HsdsPlan, *, valid_only: bool = False,
              progress: Progress | None = None) -> ImportResult:
        """Write a previewed plan in one transaction, as one import that can be undone."""
        from partnerdesk.sharing.hsds import HsdsPlan, apply_hsds
        from partnerdesk.sharing.import_common import apply_plan

        if isinstance(plan, HsdsPlan):
            return apply_hsds(self.desk, plan, valid_only=valid_only, progress=progress)
        return apply_plan(self.desk, plan, valid_only=valid_only, progress=progress)

    def export_csv(self, record_type: str, path: Path | str,
                   shareable_only: bool = False) -> int:
        from partnerdesk.sharing.event_csv import EXPORTS, export_records_csv

        if record_type in EXPORTS:  # community events and feedback
            return export_records_csv(self.desk, record_type, path, shareable_only)
        from partnerdesk.sharing.csv_export import export_csv

        return export_csv(self.desk, record_type, path, shareable_only)

    def import_survey_totals(self, feedback_id: str, path: Path | str, *,
                             replace: bool = False) -> SurveyImportResult:
        """A CSV of survey totals into one feedback's results, in one step."""
        from partnerdesk.services.survey_import import import_totals

        return import_totals(self.desk, feedback_id, path, replace=replace)

    def export_vcard(self, path: Path | str, version: str = "3.0",
                     shareable_only: bool = False) -> int:
        from partnerdesk.sharing.vcard import export_vcard

        return export_vcard(self.desk, path, version, shareable_only)

    def export_ical(self, path: Path | str, include_internal: bool = False) -> int:
        from partnerdesk.sharing.ical import export_ical

        return export_ical(self.desk, path, include_internal)

    def export_hsds(self, target: Path | str) -> dict[str, int]:
        from partnerdesk.sharing.hsds import export_hsds

        return export_hsds(self.desk, target)


class DuplicatesArea(Area):
    """Likely duplicate contacts and organizations: find, hint, merge, or keep apart."""

    def find(self, record_types: Iterable[str] = ("organization", "contact"),
             ) -> list[DuplicatePair]:
        from partnerdesk.services.duplicates import find_duplicates

        return find_duplicates(self.desk, record_types)

    def possible(self, record_type: str, values: dict[str, Any],
                 exclude_id: str | None = None, limit: int = 3) -> list[Match]:
        """What an editor shows under the name while a person types."""
        from partnerdesk.services.duplicates import possible_duplicates

        return possible_duplicates(self.desk, record_type, values, exclude_id, limit)

    def merge(self, record_type: str, keep_id: str, other_id: str,
              chosen_values: dict[str, Any] | None = None) -> dict[str, int]:
        from partnerdesk.services.duplicates import merge_records

        return merge_records(self.desk, record_type, keep_id, other_id, chosen_values)

    def mark_not_duplicates(self, record_type: str, first_id: str, second_id: str) -> None:
        from partnerdesk.services.duplicates import mark_not_duplicates

        mark_not_duplicates(self.desk, record_type, first_id, second_id)


class ResourceMapArea(Area):
    """The resource map: the directory, coverage of community needs, the network."""

    def directory(self) -> list[DirectoryLine]:
        from partnerdesk.services.gaps import directory

        return directory(self.desk)

    def coverage(self, categories: Iterable[str] | None = None) -> list[NeedCoverage]:
        from partnerdesk.services.gaps import coverage

        return coverage(self.desk, categories=categories)

    def linked_resource_ids(self, need_id: str) -> list[str]:
        from partnerdesk.services.gaps import linked_resource_ids

        return linked_resource_ids(self.desk, need_id)

    def set_links(self, need_id: str, resource_ids: Iterable[str]) -> None:
        from partnerdesk.services.gaps import set_links

        set_links(self.desk, need_id, resource_ids)

    def import_needs(self, source: Path | str | bytes, *,
                     default_source: str = "") -> NeedsImportResult:
        """A CSV of community needs (a path or its bytes), added in one transaction;
        `default_source` names where needs without a source column come from."""
        from partnerdesk.services.needs_import import import_needs

        return import_needs(self.desk, source, default_source=default_source)

    def network(self, categories: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None,
                statuses: Iterable[str] | None = None) -> Network:
        from partnerdesk.services.network import build_network

        return build_network(self.desk, categories=categories, kinds=kinds,
                             statuses=statuses)

    def positions(self, network: Network, footprints: dict[str, Footprint] | None = None,
                  scale: tuple[float, float] = (300.0, 300.0),
                  ) -> dict[str, tuple[float, float]]:
        """Where each organization of the diagram sits (kept positions, then a layout)."""
        from partnerdesk.services.network_positions import positions_for

        return positions_for(self.desk, network, footprints, scale)

    def edge_records(self, network: Network) -> list[tuple[str, str] | None]:
        from partnerdesk.services.network_positions import edge_records

        return edge_records(self.desk, network)

    def save_positions(self, moved: dict[str, tuple[float, float]]) -> None:
        from partnerdesk.services.network_positions import save_positions

        save_positions(self.desk, moved)

    def forget_positions(self, ids: Iterable[str] | None = None) -> None:
        from partnerdesk.services.network_positions import forget_positions

        forget_positions(self.desk, ids)


class ReportsArea(Area):
    """The PDF reports: made in a separate process (ReportLab holds the GIL), saved whole."""

    def page_size(self) -> str:
        """"letter" or "a4": the setting, else the one usual where this laptop is."""
        from partnerdesk.services.reporting import page_size

        return page_size(self.desk)

    def left_out(self, options: ReportOptions) -> list[Any]:
        """The contacts this report leaves out (or names only by their organization)
        because they have not agreed to be shared, by name."""
        from partnerdesk.services.reporting import gather

        ids = gather(self.desk, options).meta.left_out
        return self.desk.contacts.list(where={"id": list(ids)}, order_by="name") if ids else []

    def warm_up(self) -> None:
        """Get the report process ready (its imports take a second), returning at once,
        so that the first report is on screen soon after the click."""
        from partnerdesk.reports.worker import warm_up

        warm_up(self.desk.store.location)

    def build_pdf(self, options: ReportOptions, progress: Progress | None = None) -> bytes:
        """The report's PDF bytes, made in a child process that Cancel ends."""
        from partnerdesk.reports.worker import build_in_process

        return build_in_process(self.desk.store.location, options, progress)

    def save_pdf(self, pdf: bytes, target: Path | str, kind: str) -> Path:
        """Write the file whole or not at all, and note it in the export log."""
        from partnerdesk.reports.files import write_atomically

        target = Path(target)
        write_atomically(target, pdf)
        self.desk.log_export(f"report-{kind}", target)
        return target
