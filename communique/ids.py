"""Ids from content hashes: the same content always gets the same id, in any process."""
import hashlib


def content_id(*parts: object, prefix: str = "", length: int = 16) -> str:
    """A short stable hash of the parts, joined unambiguously."""
    h = hashlib.sha256()
    for part in parts:
        data = str(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return prefix + h.hexdigest()[:length]
