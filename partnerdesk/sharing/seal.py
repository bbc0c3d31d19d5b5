"""Sealing a bundle with a passphrase: AES-256-GCM under a key from scrypt.

Both come from `cryptography` (pyca), a well-reviewed library. The header (format tag,
KDF parameters, salt, nonce) is authenticated as associated data, so changing any byte
of a sealed file, or using the wrong passphrase, fails the tag check: an error, never
garbage. The KDF cost read from a file is bounded, so a hostile header cannot ask for
gigabytes of memory.

Layout: MAGIC | header length (2 bytes) | header JSON | ciphertext with tag.
"""

import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from partnerdesk.errors import PartnerDeskError

MAGIC = b"PARTNERDESK-SEALED\n"
SCRYPT_LOG2_N = 15  # 32 MiB of memory with r=8: memory-hard, well under a second
SCRYPT_R = 8
SCRYPT_P = 1
# What a header may ask for: scrypt needs 128 * r * n bytes and time in proportion to
# n * r * p. At most twice this version's own cost (64 MiB, a fraction of a second), so
# refusing a hostile header (a wrong passphrase, or a cost meant to exhaust the
# computer) is quick and small; a header asking for more is refused unopened.
MAX_LOG2_N = 20
MAX_MEMORY = 2 * 128 * SCRYPT_R * 2 ** SCRYPT_LOG2_N
MAX_WORK = 2 * SCRYPT_R * SCRYPT_P * 2 ** SCRYPT_LOG2_N
MIN_PASSPHRASE = 8


class SealError(PartnerDeskError):
    pass


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC)


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2 ** log2_n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SealError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters; "
                        "a few words are easier to remember than symbols.")


def seal(data: bytes, passphrase: str) -> bytes:
    check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps({"cipher": "AES-256-GCM", "kdf": "scrypt", "log2_n": SCRYPT_LOG2_N,
                         "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex(),
                         "nonce": nonce.hex()}, sort_keys=True).encode("ascii")
    prefix = MAGIC + struct.pack(">H", len(header)) + header
    key = _key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    return prefix + AESGCM(key).encrypt(nonce, data, prefix)


def unseal(data: bytes, passphrase: str) -> bytes:
    damaged = SealError("This sealed bundle is damaged (it was changed after it was made). "
                        "Ask the sender for a fresh copy.")
    if not is_sealed(data) or len(data) < len(MAGIC) + 2:
        raise damaged
    start = len(MAGIC) + 2
    (length,) = struct.unpack(">H", data[len(MAGIC):start])
    try:
        header = json.loads(data[start:start + length].decode("ascii"))
        salt, nonce = bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce"])
        log2_n, r, p = header["log2_n"], header["r"], header["p"]
    # RecursionError: a header nested a thousand deep
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as error:
        raise damaged from error
    # whole numbers only: JSON reads 1e400 as infinity, and `true` as a bool
    if not all(type(number) is int for number in (log2_n, r, p)):
        raise damaged
    if header.get("cipher") != "AES-256-GCM" or header.get("kdf") != "scrypt" \
            or not 10 <= log2_n <= MAX_LOG2_N or not 1 <= r <= 16 or not 1 <= p <= 4 \
            or len(salt) < 16 or len(nonce) != 12:
        raise damaged
    if 128 * r * 2 ** log2_n > MAX_MEMORY or r * p * 2 ** log2_n > MAX_WORK:
        raise SealError("This sealed bundle asks for far more work to open than PartnerDesk "
                        "ever uses, which only a damaged or harmful file does. It was not "
                        "opened; ask the sender to seal it again with PartnerDesk.")
    prefix = data[:start + length]
    try:
        key = _key(passphrase, salt, log2_n, r, p)
        return AESGCM(key).decrypt(nonce, data[start + length:], prefix)
    except InvalidTag as error:
        raise SealError("The passphrase does not open this bundle, or the file was changed "
                        "after it was sealed. Check the passphrase with the sender and try "
                        "again.") from error
