"""A small client for any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp, hosted APIs).

``POST {base_url}/chat/completions`` with ``model`` and ``messages``, the key as a Bearer token.
Every failure (refused connection, timeout, HTTP error, a body that is not the expected JSON,
an empty answer) is one exception, ``LLMError``, whose message says what to check, so the
caller can fall back and log it. No Django: the integrator passes settings in ``LLMConfig``.

>>> LLMConfig(base_url="http://127.0.0.1:11434/v1/", model="llama3").endpoint
'http://127.0.0.1:11434/v1/chat/completions'
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import httpx

from newsdesk import limits

# An answer longer than this is not a brief: cut the read there (a runaway model or a hostile
# endpoint cannot fill memory).
MAX_RESPONSE_BYTES = 1024 * 1024


class LLMError(RuntimeError):
    """The endpoint did not give a usable answer; the message names the cause."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str  # e.g. "http://127.0.0.1:11434/v1" (Ollama), "https://api.openai.com/v1"
    model: str
    api_key: str = ""
    # A whole request, connect to last byte. Local models on CPU are slow; a worker must not
    # wait for ever, and the default brief is always there to fall back on.
    timeout_seconds: float = limits.LLM_TIMEOUT_SECONDS
    max_tokens: int = limits.LLM_MAX_TOKENS
    temperature: float = 0.0

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"


def chat(config: LLMConfig, messages: list[dict[str, str]]) -> str:
    """The assistant's reply text; raises ``LLMError`` on any failure."""
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    payload = {
        "model": config.model,
        "messages": messages,
        "temperature": config.temperature,
        "max_tokens": config.max_tokens,
        "stream": False,
    }
    try:
        with httpx.Client(timeout=config.timeout_seconds, follow_redirects=False) as client:
            with client.stream("POST", config.endpoint, json=payload, headers=headers) as reply:
                body = bytearray()
                for chunk in reply.iter_bytes():
                    body.extend(chunk)
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise LLMError(
                            f"{config.endpoint} sent more than {MAX_RESPONSE_BYTES} bytes"
                        )
                status = reply.status_code
    except httpx.TimeoutException as error:
        raise LLMError(
            f"{config.endpoint} did not answer within {config.timeout_seconds:g} s; "
            "raise the timeout or use a smaller model"
        ) from error
    except httpx.HTTPError as error:
        raise LLMError(
            f"cannot reach {config.endpoint} ({error.__class__.__name__}: {error}); "
            "check the URL and that the server is running"
        ) from error
    if status != 200:
        hint = " (check the API key)" if status in (401, 403) else ""
        raise LLMError(f"{config.endpoint} answered HTTP {status}{hint}")
    return _reply_text(bytes(body), config.endpoint)


def _reply_text(body: bytes, endpoint: str) -> str:
    try:
        data = json.loads(body)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise LLMError(
            f"{endpoint} did not answer in the OpenAI chat format "
            "(choices[0].message.content); is it an OpenAI-compatible endpoint?"
        ) from error
    if not isinstance(content, str) or not content.strip():
        raise LLMError(f"{endpoint} gave an empty answer")
    return content


def config_from_env() -> LLMConfig | None:
    """The LLM configured by NEWSDESK_LLM_URL, NEWSDESK_LLM_MODEL and NEWSDESK_LLM_KEY, or None
    (the default: briefs need no model server)."""
    url, model = os.environ.get("NEWSDESK_LLM_URL", ""), os.environ.get("NEWSDESK_LLM_MODEL", "")
    if not url:
        return None
    if not model:
        raise LLMError("NEWSDESK_LLM_URL is set but NEWSDESK_LLM_MODEL is not: name the model")
    return LLMConfig(base_url=url, model=model, api_key=os.environ.get("NEWSDESK_LLM_KEY", ""))
