"""WeCom's callback crypto (the WXBizMsgCrypt scheme), for both callback surfaces.

- Signature: SHA-1 (hex) over the sorted ``[token, timestamp, nonce, encrypted]``.
- Cipher: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[:16], PKCS#7
  padding to **32**-byte blocks (not AES's 16).
- Plaintext: 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ receiveid,
  where receiveid is the corp id for the self-built app's callback and "" for
  the AI bot's (智能机器人) callback.

Checked against the official test vectors (``tests/test_wecom_crypto.py``).
The cipher is the ``cryptography`` package's (a well-kept binding to OpenSSL):
hand-written AES would be the wrong place to save a dependency.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class CryptoError(ValueError):
    """A callback that does not verify or decrypt: refuse it (HTTP 4xx), never act on it."""


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


class WeComCrypto:
    """One callback URL's Token and EncodingAESKey, and the receiveid its messages must carry."""

    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        if len(aes_key) != 43:
            raise CryptoError("EncodingAESKey must be 43 characters")
        try:
            self.key = base64.b64decode(aes_key + "=")
        except ValueError:
            raise CryptoError("EncodingAESKey is not base64") from None
        self.token = token
        self.receive_id = receive_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, msg_signature.lower()):
            raise CryptoError("bad signature")

    def decrypt(self, encrypted: str) -> str:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except ValueError:
            raise CryptoError("not base64") from None
        if not data or len(data) % 16:
            raise CryptoError("not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding")
        plain = plain[16:-pad]
        if len(plain) < 4:
            raise CryptoError("too short")
        (length,) = struct.unpack(">I", plain[:4])
        if length > len(plain) - 4:
            raise CryptoError("bad length")
        message, receive_id = plain[4:4 + length], plain[4 + length:]
        if self.receive_id and receive_id.decode("utf-8", "replace") != self.receive_id:
            raise CryptoError("wrong receiveid")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError("not UTF-8") from None

    def encrypt(self, message: str, *, random16: bytes | None = None) -> str:
        raw = (random16 or os.urandom(16)) + struct.pack(">I", len(message.encode())) + message.encode() \
            + self.receive_id.encode()
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> str:
        """Verify, then decrypt: the plaintext of a callback (or a URL check's echostr)."""
        self.verify(msg_signature, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def seal(self, message: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """(encrypted, signature) for a passive reply."""
        encrypted = self.encrypt(message)
        return encrypted, signature(self.token, timestamp, nonce, encrypted)
