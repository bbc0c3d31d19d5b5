"""An office database's password, kept in this computer's keyring, never in a file.

The system keyring (macOS Keychain, Windows Credential Manager, the Secret Service on
Linux) through the `keyring` library, under the database's address without the password.
On a computer with no keyring (a bare Linux desktop, say) nothing is kept: the caller
says so and asks for the password each time.
"""

import contextlib
import logging

import keyring
from keyring.errors import KeyringError

SERVICE = "PartnerDesk office database"
log = logging.getLogger("partnerdesk.passwords")


def keyring_available() -> bool:
    """Is there a keyring that keeps passwords (not the fallback that refuses all)?"""
    try:
        backend = keyring.get_keyring()
        return float(getattr(backend, "priority", 0)) > 0 and \
            type(backend).__module__ != "keyring.backends.fail"
    except Exception:  # a broken backend counts as none
        log.warning("The keyring could not be asked", exc_info=True)
        return False


def saved_password(address: str) -> str | None:
    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, address)
    except KeyringError:
        log.warning("The keyring could not be read", exc_info=True)
        return None


def keep_password(address: str, password: str) -> bool:
    """Keep it for next time; False when this computer has no keyring to keep it in."""
    if not keyring_available():
        return False
    try:
        keyring.set_password(SERVICE, address, password)
    except KeyringError:
        log.warning("The keyring could not keep the password", exc_info=True)
        return False
    return True


def forget_password(address: str) -> None:
    if not keyring_available():
        return
    with contextlib.suppress(KeyringError):  # nothing kept
        keyring.delete_password(SERVICE, address)
