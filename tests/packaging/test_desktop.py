"""The front door of the frozen app: a double-clicked bundle, and first-start menu entry."""

import sys
from pathlib import Path

import pytest

from partnerdesk import desktop

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"


@pytest.mark.parametrize(("argv", "expected"), [
    ([], (None, None)),
    (["--db", "x.db"], ("x.db", None)),
    (["share.partnerdesk"], (None, "share.partnerdesk")),
    (["--db", "x.db", "From Ana.PartnerDesk"], ("x.db", "From Ana.PartnerDesk")),
    (["--db=x.db", "a.partnerdesk"], ("x.db", "a.partnerdesk")),
    (["import", "a.partnerdesk"], None),
    (["--version"], None),
    (["demo"], None),
    (["a.partnerdesk", "b.partnerdesk"], None),
])
def test_split_bundle_argument(argv: list[str], expected: tuple | None) -> None:
    result = desktop.split_bundle_argument(argv)
    if expected is None:
        assert result is None
        return
    assert result is not None
    assert result[0] == expected[0]
    assert (result[1].name if result[1] else None) == (
        Path(expected[1]).name if expected[1] else None)
    if result[1]:
        assert result[1].is_absolute()


def test_commands_go_to_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("partnerdesk.cli.main", lambda argv: seen.append(list(argv)) or 0)
    assert desktop.main(["stats", "--json"]) == 0
    assert seen == [["stats", "--json"]]


def test_a_bundle_without_a_screen_prints_the_preview(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("partnerdesk.cli.main", lambda argv: seen.append(list(argv)) or 0)
    monkeypatch.setattr("partnerdesk.cli.launch.has_display", lambda: False)
    bundle = tmp_path / "from ana.partnerdesk"
    assert desktop.main(["--db", "x.db", str(bundle)]) == 0
    assert seen == [["--db", "x.db", "import", "--dry-run", str(bundle)]]
    out = capsys.readouterr().out
    assert "nothing has been changed yet" in out
    assert f'partnerdesk import "{bundle}"' in out


def test_a_bundle_with_a_screen_opens_the_window_on_it(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr("partnerdesk.cli.launch.has_display", lambda: True)
    monkeypatch.setattr("partnerdesk.ui.app.run",
                        lambda db, argv, bundle=None: calls.append((db, bundle)) or 0)
    monkeypatch.setattr("partnerdesk.logs.setup_logging", lambda: None)
    bundle = tmp_path / "a.partnerdesk"
    assert desktop.main(["--db", str(tmp_path / "x.db"), str(bundle)]) == 0
    assert calls == [(tmp_path / "x.db", bundle)]


def _fake_bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "PartnerDesk"
    (folder / "linux").mkdir(parents=True)
    for path in LINUX.iterdir():
        (folder / "linux" / path.name).write_bytes(path.read_bytes())
    icons = folder / "_internal" / "partnerdesk" / "resources" / "icons"
    icons.mkdir(parents=True)
    source = LINUX.parents[1] / "resources" / "icons"
    for path in source.iterdir():
        if path.is_file():  # the app's own icons (the interface icons sit in ui/)
            (icons / path.name).write_bytes(path.read_bytes())
    program = folder / "PartnerDesk"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    return program


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktop integration")
def test_first_start_adds_the_menu_entry_once(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    program = _fake_bundle(tmp_path)
    assert desktop.ensure_desktop_integration(program) is True
    entry = desktop.desktop_entry_path()
    assert f"TryExec={program}\n" in entry.read_text()
    assert desktop.ensure_desktop_integration(program) is False  # already there
    moved = _fake_bundle(tmp_path / "moved")
    assert desktop.ensure_desktop_integration(moved) is True  # the copy run last wins
    assert f"TryExec={moved}\n" in entry.read_text()


def test_no_menu_entry_from_a_source_checkout(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert desktop.ensure_desktop_integration(Path(sys.executable)) is False
    assert not desktop.desktop_entry_path().exists()
