"""scripts/setup.sh for someone without root on a fresh Debian: one message names every
system package the command needs, so that one `sudo apt-get install` is enough."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)


def _run_setup(
    tmp_path: Path, python_has_ensurepip: bool, venv_exists: bool
) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "id", "echo 1000")  # not root: nothing may be installed
    _fake(bin_dir, "dpkg-query", "exit 1")  # nothing installed
    # A Python 3.11 whose ensurepip is present or not (Debian's python3.11-venv).
    ensurepip = "exit 0" if python_has_ensurepip else "exit 1"
    _fake(
        bin_dir,
        "fakepython",
        'case "$*" in *ensurepip*) ' + ensurepip + ' ;; *f\\"python*) echo python3.11-venv ;; esac',
    )
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    (root / "scripts" / "setup.sh").write_text(
        (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8"), encoding="utf-8"
    )
    if venv_exists:
        (root / ".venv" / "bin").mkdir(parents=True)
        _fake(root / ".venv" / "bin", "python", "exit 0")
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PYTHON": str(bin_dir / "fakepython"),
        "HOME": str(tmp_path),
    }
    script = (
        f'source "{root}/scripts/setup.sh"; ensure_debian_packages fonts-dejavu-core libxcb-cursor0'
    )
    return subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


def test_the_venv_package_is_named_with_the_others_in_one_message(tmp_path: Path) -> None:
    result = _run_setup(tmp_path, python_has_ensurepip=False, venv_exists=False)
    assert result.returncode == 1
    assert (
        "sudo apt-get install fonts-dejavu-core libxcb-cursor0 python3.11-venv\n" in result.stderr
    )
    assert result.stderr.count("sudo apt-get install") == 1


def test_no_venv_package_when_python_can_make_one_or_the_venv_exists(tmp_path: Path) -> None:
    for name, has_ensurepip, venv_exists in (("a", True, False), ("b", False, True)):
        (tmp_path / name).mkdir()
        result = _run_setup(
            tmp_path / name, python_has_ensurepip=has_ensurepip, venv_exists=venv_exists
        )
        assert result.returncode == 1
        assert "sudo apt-get install fonts-dejavu-core libxcb-cursor0\n" in result.stderr
        assert "venv" not in result.stderr
