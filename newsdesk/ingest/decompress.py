"""Undo a response's Content-Encoding in bounded steps, every layer counted.

httpx inflates each network read in one go, so a 64 KiB read of a gzip bomb becomes ~64 MB
before any cap can look at it, and ``gzip, gzip`` multiplies that again. Here each layer
inflates at most ``DECOMPRESS_STEP_BYTES`` at a time and hands it on; every layer's output is
counted against the body cap, so memory stays near the cap whatever the ratio or the nesting.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from newsdesk import limits


class EncodingRefused(Exception):
    """A Content-Encoding we do not undo (unknown, or too many layers)."""


class BrokenEncoding(Exception):
    """The body is not what its Content-Encoding says."""


class DecodedTooLarge(Exception):
    """A layer produced more than the cap allows."""


_KNOWN = {"gzip", "x-gzip", "deflate"}


class _ZlibLayer:
    def __init__(self, name: str) -> None:
        self.name = name
        # gzip (16 + MAX_WBITS); deflate as servers send it: zlib-wrapped, or raw (RFC 9110
        # says zlib, but raw deflate is common, so the first bytes decide, as httpx does).
        wbits = 16 + zlib.MAX_WBITS if name in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def steps(self, data: bytes, step: int) -> Iterator[bytes]:
        try:
            while data and not self._inflater.eof:
                try:
                    out = self._inflater.decompress(data, step)
                except zlib.error:
                    if self.name != "deflate" or self._started:
                        raise
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = self._inflater.decompress(data, step)
                self._started = True
                data = self._inflater.unconsumed_tail
                if out:
                    yield out
                # Output can wait inside zlib after the input is all taken: drain it.
                while not data and len(out) == step and not self._inflater.eof:
                    out = self._inflater.decompress(b"", step)
                    if out:
                        yield out
        except zlib.error as error:
            raise BrokenEncoding(f"the {self.name} body is broken: {error}") from error


class BoundedDecoder:
    """Decode a body given in wire chunks; ``feed`` yields decoded pieces."""

    def __init__(
        self,
        content_encoding: str,
        max_bytes: int,
        max_layers: int = limits.MAX_CONTENT_ENCODING_LAYERS,
        step: int = limits.DECOMPRESS_STEP_BYTES,
    ) -> None:
        names = [n.strip().lower() for n in content_encoding.split(",")]
        names = [n for n in names if n and n != "identity"]
        unknown = [n for n in names if n not in _KNOWN]
        if unknown:
            raise EncodingRefused(
                f"Content-Encoding {', '.join(unknown)} is not one we asked for (gzip, deflate)"
            )
        if len(names) > max_layers:
            raise EncodingRefused(
                f"Content-Encoding has {len(names)} layers ({content_encoding}); at most "
                f"{max_layers} are undone (NEWSDESK_MAX_CONTENT_ENCODING_LAYERS)"
            )
        # Encodings are listed in the order they were applied: undo the last first.
        self._layers = [_ZlibLayer(n) for n in reversed(names)]
        self._produced = [0] * len(self._layers)
        self._max_bytes = max_bytes
        self._step = step

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].steps(data, self._step):
            self._produced[index] += len(piece)
            if self._produced[index] > self._max_bytes:
                raise DecodedTooLarge(
                    f"body passed the {self._max_bytes:,}-byte cap while streaming "
                    f"(decompressing layer {index + 1} of {len(self._layers)}; "
                    "NEWSDESK_MAX_BODY_BYTES)"
                )
            yield from self._through(index + 1, piece)
