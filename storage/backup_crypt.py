"""Encryption at rest for backup copies: AES-256-GCM over 1 MiB chunks (the `cryptography`
package), so a copy of any size is sealed and opened in constant memory.

Why not Fernet: it seals a whole message at once (the database would be held in memory, plus a
base64 copy a third larger). Why not age: no well-kept pinned Python library for it here.

Layout: MAGIC (8 bytes) | nonce prefix (8 random bytes) | chunks. Each chunk is a 4-byte
big-endian length then AES-GCM(ciphertext + 16-byte tag). The 12-byte nonce of chunk i is the
prefix + i (31 bits) with the top bit set on the last chunk; the header is the associated data.
So a changed byte, a reordered, dropped or added chunk, or a cut-off file fails to open.
"""

from __future__ import annotations

import base64
import os
import struct
from pathlib import Path
from typing import BinaryIO

MAGIC = b"CRPSBK1\n"
CHUNK = 1 << 20
_LAST = 1 << 31


class SealError(ValueError):
    """A sealed file does not open with this key (wrong key, changed, or cut off)."""


def key_bytes(text: str) -> bytes:
    """The 32-byte key from BACKUP_KEY's base64 text (settings.py checked it)."""
    return base64.b64decode(text.strip().replace("-", "+").replace("_", "/"))


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= _LAST:
        raise SealError("file too large to seal")
    return prefix + struct.pack(">I", number | (_LAST if last else 0))


def seal(source: Path, target: BinaryIO, key: bytes) -> None:
    """Write `source` to `target`, sealed with `key` (32 bytes)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    header = MAGIC + os.urandom(8)
    target.write(header)
    with source.open("rb") as plain:
        number, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK) if len(chunk) == CHUNK else b""
            last = not following
            sealed = aead.encrypt(_nonce(header[8:], number, last), chunk, header)
            target.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                return
            number, chunk = number + 1, following


def open_sealed(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Write the plain contents of sealed `source` to `target`; `SealError` if anything is off."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    header = source.read(16)
    if len(header) != 16 or header[:8] != MAGIC:
        raise SealError("not a sealed backup file")
    number = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) != 4:
            raise SealError("sealed file is cut off (no last chunk)")
        size = struct.unpack(">I", size_bytes)[0]
        if not 16 <= size <= CHUNK + 16:
            raise SealError("sealed file is damaged (bad chunk length)")
        sealed = source.read(size)
        if len(sealed) != size:
            raise SealError("sealed file is cut off")
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(header[8:], number, last), sealed, header)
            except InvalidTag:
                continue
            target.write(plain)
            if last:
                if source.read(1):
                    raise SealError("sealed file has data after its last chunk")
                return
            break
        else:
            raise SealError("sealed file does not open with BACKUP_KEY (wrong key, or the file was changed)")
        number += 1
