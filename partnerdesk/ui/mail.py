"""Send by e-mail…: a report or a bundle handed to the person's own mail program, with the
file already attached where the platform allows it.

- Linux and the BSDs: `xdg-email --attach FILE` (xdg-utils), which opens whichever mail
  program the desktop is set to (Thunderbird, Evolution, KMail...).
- Windows: Simple MAPI (`MAPISendMail` in mapi32.dll), the call Outlook, Thunderbird and
  the other Windows mail programs answer, with the file attached and the message shown.
- macOS: Mail, through AppleScript (`osascript`), a new message with the attachment; if
  that is refused, `open -a Mail FILE`, which also attaches it.

No mail program answering is normal (web mail only, nothing set up). Then the file's
folder is shown, the file's full path and a short note go on the clipboard, and a message
says what to do, so the person can attach it in their web mail in two steps. mailto:
links cannot carry attachments, so they are not used.

The mail program is started in the background and never waited on: `xdg-email` waits for
a first Thunderbird window to close. An answer within `GRACE_MS` decides success or the
fallback; still running then means the mail program is open.
"""

import ctypes
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

GRACE_MS = 5000
POLL_MS = 100


def _tr(text: str) -> str:
    return QCoreApplication.translate("Mail", text)


# -- the commands, one per platform ----------------------------------------------------------
def _applescript_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mail_commands(path: Path, subject: str, body: str, to: str = "",
                  platform: str = sys.platform) -> list[list[str]]:
    """The commands to try in turn (the next one if a command fails); [] on Windows (MAPI
    is a call, not a command) or where no mail command is installed."""
    path = Path(path).resolve()
    if platform == "darwin":
        recipient = (f"make new to recipient at end of to recipients with properties "
                     f"{{address:{_applescript_text(to)}}}\n") if to else ""
        script = (
            'tell application "Mail"\n'
            f"set m to make new outgoing message with properties {{subject:"
            f"{_applescript_text(subject)}, content:{_applescript_text(body + chr(10))}, "
            "visible:true}\n"
            f"tell m\n{recipient}"
            "make new attachment with properties {file name:"
            f"(POSIX file {_applescript_text(str(path))}) as alias}} at after the last "
            "paragraph\nend tell\nactivate\nend tell")
        return [["osascript", "-e", script], ["open", "-a", "Mail", str(path)]]
    if platform.startswith("win"):
        return []
    command = shutil.which("xdg-email")
    if command is None:
        return []
    return [[command, "--utf8", "--subject", subject, "--body", body, "--attach", str(path),
             *([to] if to else [])]]


class MapiFileDesc(ctypes.Structure):
    _fields_ = [("ulReserved", ctypes.c_ulong), ("flFlags", ctypes.c_ulong),
                ("nPosition", ctypes.c_ulong), ("lpszPathName", ctypes.c_char_p),
                ("lpszFileName", ctypes.c_char_p), ("lpFileType", ctypes.c_void_p)]


class MapiRecipDesc(ctypes.Structure):
    _fields_ = [("ulReserved", ctypes.c_ulong), ("ulRecipClass", ctypes.c_ulong),
                ("lpszName", ctypes.c_char_p), ("lpszAddress", ctypes.c_char_p),
                ("ulEIDSize", ctypes.c_ulong), ("lpEntryID", ctypes.c_void_p)]


class MapiMessage(ctypes.Structure):
    _fields_ = [("ulReserved", ctypes.c_ulong), ("lpszSubject", ctypes.c_char_p),
                ("lpszNoteText", ctypes.c_char_p), ("lpszMessageType", ctypes.c_char_p),
                ("lpszDateReceived", ctypes.c_char_p), ("lpszConversationID", ctypes.c_char_p),
                ("flFlags", ctypes.c_ulong), ("lpOriginator", ctypes.POINTER(MapiRecipDesc)),
                ("nRecipCount", ctypes.c_ulong), ("lpRecips", ctypes.POINTER(MapiRecipDesc)),
                ("nFileCount", ctypes.c_ulong), ("lpFiles", ctypes.POINTER(MapiFileDesc))]


MAPI_TO = 1
MAPI_DIALOG = 0x8  # show the message to the person, who sends it
MAPI_LOGON_UI = 0x1
MAPI_USER_ABORT = 1  # the person closed the message unsent: not a failure


def mapi_message(path: Path, subject: str, body: str, to: str = "") -> MapiMessage:
    """The Simple MAPI message: one attachment, an optional recipient (ANSI strings, as
    MAPISendMail takes them; characters the code page lacks become "?")."""
    def ansi(text: str) -> bytes:
        return text.encode("mbcs" if sys.platform.startswith("win") else "cp1252", "replace")

    path = Path(path).resolve()
    files = (MapiFileDesc * 1)()
    files[0] = MapiFileDesc(0, 0, 0xFFFFFFFF, ansi(str(path)), ansi(path.name), None)
    message = MapiMessage()
    message.lpszSubject = ansi(subject)
    message.lpszNoteText = ansi(body)
    message.nFileCount = 1
    message.lpFiles = files
    message._keep = [files]  # type: ignore[attr-defined]  # alive as long as the message
    if to:
        recipients = (MapiRecipDesc * 1)()
        recipients[0] = MapiRecipDesc(0, MAPI_TO, ansi(to), ansi("SMTP:" + to), 0, None)
        message.nRecipCount = 1
        message.lpRecips = recipients
        message._keep.append(recipients)  # type: ignore[attr-defined]
    return message


def send_with_mapi(path: Path, subject: str, body: str, to: str = "") -> bool:  # pragma: no cover
    """Windows only: the default mail program's new message, the file attached."""
    try:
        mapi = ctypes.WinDLL("mapi32.dll")  # type: ignore[attr-defined]
    except OSError:
        return False
    message = mapi_message(path, subject, body, to)
    result = mapi.MAPISendMail(0, 0, ctypes.byref(message), MAPI_DIALOG | MAPI_LOGON_UI, 0)
    return result in (0, MAPI_USER_ABORT)


# -- sending ---------------------------------------------------------------------------------
class MailSend(QObject):
    """One file being handed to the mail program; `sig_done(True)` once it took it,
    `sig_done(False)` after the fallback (folder shown, note on the clipboard)."""

    sig_done = Signal(bool)

    def __init__(self, parent: QWidget, path: Path, subject: str, body: str, to: str = "",
                 platform: str = sys.platform) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.path, self.subject, self.body, self.to = Path(path), subject, body, to
        self.commands = mail_commands(self.path, subject, body, to, platform)
        self.platform = platform
        self.process: subprocess.Popen[bytes] | None = None
        self.result: bool | None = None
        self._waited = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> "MailSend":
        if self.platform.startswith("win"):
            self._finish(send_with_mapi(self.path, self.subject, self.body, self.to))
        else:
            self._next_command()
        return self

    def _next_command(self) -> None:
        if not self.commands:
            self._finish(False)
            return
        command = self.commands.pop(0)
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
        except OSError:
            self._next_command()
            return
        self._waited = 0
        self._timer.start()

    def _poll(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        self._waited += POLL_MS
        if code is None and self._waited < GRACE_MS:
            return
        self._timer.stop()
        if code is None or code == 0:
            self._finish(True)  # still running: the mail program is open
        else:
            self._next_command()

    def _finish(self, sent: bool) -> None:
        self.result = sent
        if not sent:
            show_file_instead(self.parent_widget, self.path, self.to)
        self.sig_done.emit(sent)


def clipboard_note(path: Path, to: str = "") -> str:
    note = _tr("Attach this file to your e-mail: {path}").format(path=path)
    return f"{to}\n{note}" if to else note


def show_file_instead(parent: QWidget, path: Path, to: str = "") -> None:
    """No mail program took the file: its folder is shown and its path is on the clipboard."""
    QGuiApplication.clipboard().setText(clipboard_note(path, to))
    shown = QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
    where = _tr("Its folder is open on your screen.") if shown else _tr(
        "It is in the folder {folder}.").format(folder=path.parent)
    QMessageBox.information(parent, _tr("Send by e-mail"), _tr(
        "No mail program on this computer offered to send {name}. {where} Its full name is "
        "on the clipboard: start a message in your e-mail (web mail too), choose Attach, and "
        "paste it.").format(name=path.name, where=where))


def send_file(parent: QWidget, path: Path, subject: str, body: str,
              to: str = "") -> MailSend:
    """Start handing `path` to the mail program (see the module's docstring)."""
    sender = MailSend(parent, path, subject, body, to)
    parent.mail_send = sender  # type: ignore[attr-defined]  # alive until it answers
    return sender.start()
