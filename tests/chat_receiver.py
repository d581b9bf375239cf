"""A loopback stand-in for the four chat platforms' incoming webhooks.

It listens on 127.0.0.1 (port 0: the OS picks a free one), checks each payload against the
platform's *documented* structure and limits (numbers written here independently of
``summarizer/chat/limits.py``, so a wrong limit there cannot pass its own test), and answers
as the platform does: success, 400 with the platform's error text for a bad payload, 404 for
an unknown webhook, or whatever a test scripts (429 with Retry-After, 5xx).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from summarizer.schema import Brief

# Secret-looking webhook paths, shaped like each platform's real ones.
SECRET_PATHS = {
    "slack": "/services/T0SECRET01/B0SECRET02/sEcReTtOkEn0123456789abcd",
    "mattermost": "/hooks/secretmattermosthookid0123",
    "teams": "/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/manual/paths/invoke"
    "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SeCrEtSiGnAtUrE0123456789",
    "discord": "/api/webhooks/112233445566778899/SeCrEtDiScOrDtOkEn-0123456789_abcdefghijklmnopqrstuvwxyz",
}

_MENTION = re.compile(r"(?<![\w@])@(channel|all|here|everyone)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Reply:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def accepted(platform: str) -> Reply:
    return {
        "slack": Reply(200, "ok", {"Content-Type": "text/html"}),
        "mattermost": Reply(200, "ok", {"Content-Type": "text/plain"}),
        "teams": Reply(202, ""),
        "discord": Reply(204, ""),
    }[platform]


def rate_limited(platform: str, retry_after: float = 1) -> Reply:
    header = {"Retry-After": f"{retry_after:g}"}
    if platform == "discord":
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        return Reply(429, json.dumps(body), {**header, "Content-Type": "application/json"})
    if platform == "teams":
        return Reply(
            429,
            json.dumps({"error": {"code": "TooManyRequests", "message": "Rate limit is exceeded."}}),
            header,
        )
    if platform == "mattermost":
        return Reply(429, "limit exceeded", header)
    return Reply(429, "rate_limited", header)


def server_error(platform: str) -> Reply:
    return Reply(503, "service unavailable")


def rejected(platform: str, detail: str = "") -> Reply:
    """The platform's own 400 for a payload it cannot take."""
    if platform == "slack":
        return Reply(400, "invalid_blocks")
    if platform == "discord":
        errors = {
            "embeds": {"0": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": detail or "Invalid"}]}}
        }
        return Reply(400, json.dumps({"code": 50035, "errors": errors, "message": "Invalid Form Body"}))
    if platform == "mattermost":
        body = {
            "id": "web.incoming_webhook.parse.app_error",
            "message": "Unable to parse incoming data.",
            "detailed_error": detail,
            "status_code": 400,
        }
        return Reply(400, json.dumps(body))
    body = {
        "error": {"code": "InvalidRequestContent", "message": detail or "The request content is not valid."}
    }
    return Reply(400, json.dumps(body))


def not_found(platform: str) -> Reply:
    if platform == "slack":
        return Reply(404, "no_service")
    if platform == "discord":
        return Reply(404, json.dumps({"message": "Unknown Webhook", "code": 10015}))
    return Reply(404, "not found")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    payload: Any
    reply: Reply
    violations: list[str]


class ChatReceiver:
    """``with ChatReceiver("slack") as hook: post_brief(brief, hook.url, "slack")``.

    ``script`` is a list of replies given in order to valid payloads; once it is used up every
    valid payload is accepted. An invalid payload is always rejected as the platform would.
    """

    def __init__(self, platform: str, script: list[Reply] | None = None) -> None:
        self.platform = platform
        self.script = list(script or [])
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._server = HTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval makes shutdown quick: each test starts and stops a receiver.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{SECRET_PATHS[self.platform]}"

    @property
    def secret(self) -> str:
        """The part of the URL that is the credential."""
        return SECRET_PATHS[self.platform]

    @property
    def accepted(self) -> list[Any]:
        """Payloads that were answered with success: what users would see posted."""
        return [r.payload for r in self.requests if 200 <= r.reply.status < 300]

    @property
    def violations(self) -> list[str]:
        return [v for r in self.requests for v in r.violations]

    def __enter__(self) -> ChatReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        with self._lock:
            violations: list[str] = []
            payload: Any = None
            if path != SECRET_PATHS[self.platform]:
                reply = not_found(self.platform)
            else:
                if not headers.get("content-type", "").startswith("application/json"):
                    violations.append("Content-Type is not application/json")
                try:
                    payload = json.loads(raw.decode("utf-8"))
                except ValueError as exc:
                    violations.append(f"body is not UTF-8 JSON: {exc}")
                else:
                    violations += VALIDATORS[self.platform](payload, raw)
                    try:
                        violations += live_markup(self.platform, payload)
                    except (AttributeError, IndexError, KeyError, TypeError):
                        violations.append("payload is not shaped as the platform documents")
                if violations:
                    reply = rejected(self.platform, "; ".join(violations))
                elif self.script:
                    reply = self.script.pop(0)
                else:
                    reply = accepted(self.platform)
            self.requests.append(Received(path, headers, payload, reply, violations))
            return reply


def _handler_for(receiver: ChatReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = receiver.answer(self.path, headers, raw)
            body = reply.body.encode("utf-8")
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


# --- What each platform documents ----------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _mentions(value: Any) -> list[str]:
    return [f"live mention {m.group(0)!r}" for s in _strings(value) for m in _MENTION.finditer(s)]


# --- What would turn live: links, images, mentions, HTML --------------------------------------
# Written from the platforms' parsing rules, not from summarizer/chat/text.py, so a gap in the
# escaping cannot pass its own test. A zero-width space inside a pattern breaks it on every platform.

_AUTOLINK = re.compile(r"(?i)(?<![\w])(?:[a-z][a-z0-9+.\-]*://|www\.)")  # raw URL, scheme or www.
_MARKDOWN_LINK = re.compile(r"\][(\[:]")  # [t](url), ![i](url), [t][ref], [ref]: url
_TAG = re.compile(r"<[A-Za-z/!?@#:&]")  # HTML tag or comment, <url>, Discord <@id> <@&id> <#id> <t:…>
_ANY_MENTION = re.compile(r"(?<![\w@])@[\w.\-]")  # @here, @everyone, @jsmith, desk@host (mailto)
_CHANNEL_LINK = re.compile(r"(?<![\w~])~\w")  # Mattermost ~town-square
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+\.\w")  # autolinked as mailto: (GFM's extended e-mail autolink)


def shown_texts(platform: str, payload: Any) -> list[str]:
    """The strings of a payload that a reader's client renders (not type names or schema URLs)."""
    if platform == "slack":
        texts = [payload.get("text", "")]
        for block in payload.get("blocks", []):
            objects = [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
            texts += [o["text"] for o in objects if o]
        return texts
    if platform == "mattermost":
        return [payload.get("text", "")]
    if platform == "teams":
        texts = []
        for element in payload["attachments"][0]["content"]["body"]:
            texts.append(element.get("text", ""))
            texts += [v for fact in element.get("facts", []) for v in (fact["title"], fact["value"])]
        return texts
    texts = []
    for embed in payload.get("embeds", []):
        texts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        texts += [v for f in embed.get("fields", []) for v in (f["name"], f["value"])]
    return [payload.get("content", ""), *texts]


def live_markup(platform: str, payload: Any) -> list[str]:
    """Everything in ``payload`` that ``platform`` would turn into a link, image, mention or HTML."""
    found: list[str] = []
    for text in shown_texts(platform, payload):
        checks = [("raw URL", _AUTOLINK), ("mention", _ANY_MENTION), ("e-mail link", _EMAIL)]
        if platform == "slack":
            if "<" in text or ">" in text:
                found.append(f"unescaped < or > in {text[:60]!r}")
        else:
            checks += [("Markdown link or image", _MARKDOWN_LINK), ("HTML or tag", _TAG)]
        if platform == "mattermost":
            checks.append(("channel link", _CHANNEL_LINK))
        found += [f"{what} {m.group(0)!r} in {text[:60]!r}" for what, rx in checks for m in rx.finditer(text)]
    if platform == "slack":
        if payload.get("unfurl_links") is not False or payload.get("unfurl_media") is not False:
            found.append("unfurl_links/unfurl_media not turned off")
        for block in payload.get("blocks", []):
            for o in [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]:
                if o.get("type") == "mrkdwn" and o.get("verbatim") is not True:
                    found.append(f"mrkdwn without verbatim (Slack links plain URLs in it): {o['text'][:60]!r}")
    if platform == "discord" and payload.get("allowed_mentions") != {"parse": []}:
        found.append('allowed_mentions is not {"parse": []}')
    return found


def visible(platform: str, text: str) -> str:
    """What a reader sees of one rendered string: escapes undone, zero-width spaces gone."""
    if platform == "slack":
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    elif platform in ("mattermost", "discord"):
        text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # CommonMark backslash escapes
    return text.replace("\u200b", "")


def _length(errors: list[str], where: str, text: Any, most: int, least: int = 1) -> None:
    if not isinstance(text, str):
        errors.append(f"{where}: not a string")
    elif not least <= len(text) <= most:
        errors.append(f"{where}: length {len(text)} not in {least}..{most}")


def validate_slack(payload: Any, raw: bytes) -> list[str]:
    """https://api.slack.com/reference/block-kit/blocks and the escaping rules for text."""
    errors: list[str] = []
    blocks = payload.get("blocks")
    _length(errors, "text", payload.get("text"), 40_000)
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return [*errors, "blocks: need 1..50"]
    texts: list[str] = []
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            if block["text"].get("type") != "plain_text":
                errors.append(f"blocks[{i}] header text must be plain_text")
            _length(errors, f"blocks[{i}].text", block["text"].get("text"), 150)
            texts.append(block["text"]["text"])
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"blocks[{i}] section needs text or fields")
            if "text" in block:
                _length(errors, f"blocks[{i}].text", block["text"].get("text"), 3_000)
                texts.append(block["text"]["text"])
            fields = block.get("fields", [])
            if len(fields) > 10:
                errors.append(f"blocks[{i}]: {len(fields)} fields > 10")
            for j, f in enumerate(fields):
                _length(errors, f"blocks[{i}].fields[{j}]", f.get("text"), 2_000)
                texts.append(f["text"])
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                errors.append(f"blocks[{i}] context needs 1..10 elements")
            for j, e in enumerate(elements):
                _length(errors, f"blocks[{i}].elements[{j}]", e.get("text"), 3_000)
                texts.append(e["text"])
        elif kind != "divider":
            errors.append(f"blocks[{i}]: unexpected block type {kind!r}")
    # Seen in the field: msg_blocks_too_long near 13.2k characters, below the documented limits.
    if sum(map(len, texts)) > 13_200:
        errors.append(f"msg_blocks_too_long: {sum(map(len, texts))} characters of block text")
    for text in [payload.get("text", ""), *texts]:
        if "<" in text or ">" in text or re.search(r"&(?!amp;|lt;|gt;)", text):
            errors.append(f"unescaped control character in {text[:60]!r}")
    return errors + _mentions(payload)


def validate_mattermost(payload: Any, raw: bytes) -> list[str]:
    """https://developers.mattermost.com/integrate/webhooks/incoming/ : 16,383 characters a post."""
    errors: list[str] = []
    _length(errors, "text", payload.get("text"), 16_383)
    return errors + _mentions(payload)


def validate_teams(payload: Any, raw: bytes) -> list[str]:
    """A Workflows webhook message carrying one Adaptive Card, under ~28 KB."""
    errors: list[str] = []
    if len(raw) > 28 * 1024:
        errors.append(f"request entity too large: {len(raw)} bytes")
    if payload.get("type") != "message":
        errors.append('type must be "message"')
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return [*errors, "attachments: need exactly one card"]
    card = attachments[0]
    if card.get("contentType") != "application/vnd.microsoft.card.adaptive":
        errors.append("contentType is not application/vnd.microsoft.card.adaptive")
    content = card.get("content", {})
    if content.get("type") != "AdaptiveCard" or not isinstance(content.get("version"), str):
        errors.append("content must be an AdaptiveCard with a version")
    body = content.get("body")
    if not isinstance(body, list) or not body:
        return [*errors, "card body is empty"]
    for i, element in enumerate(body):
        if element.get("type") == "TextBlock":
            _length(errors, f"body[{i}].text", element.get("text"), 10**6)
        elif element.get("type") == "FactSet":
            for j, fact in enumerate(element.get("facts", [])):
                _length(errors, f"body[{i}].facts[{j}].value", fact.get("value"), 10**6)
        else:
            errors.append(f"body[{i}]: unexpected element {element.get('type')!r}")
    return errors + _mentions(payload)


def validate_discord(payload: Any, raw: bytes) -> list[str]:
    """https://discord.com/developers/docs/resources/message#embed-object-embed-limits"""
    errors: list[str] = []
    if payload.get("allowed_mentions") != {"parse": []}:
        errors.append('allowed_mentions must be {"parse": []}')
    if "content" in payload:
        _length(errors, "content", payload["content"], 2_000)
    embeds = payload.get("embeds", [])
    if not embeds and not payload.get("content"):
        errors.append("Cannot send an empty message")
    if len(embeds) > 10:
        errors.append(f"{len(embeds)} embeds > 10")
    total = 0
    for i, embed in enumerate(embeds):
        if "title" in embed:
            _length(errors, f"embeds[{i}].title", embed["title"], 256)
            total += len(embed["title"])
        if "description" in embed:
            _length(errors, f"embeds[{i}].description", embed["description"], 4_096)
            total += len(embed["description"])
        fields = embed.get("fields", [])
        if len(fields) > 25:
            errors.append(f"embeds[{i}]: {len(fields)} fields > 25")
        for j, f in enumerate(fields):
            _length(errors, f"embeds[{i}].fields[{j}].name", f.get("name"), 256)
            _length(errors, f"embeds[{i}].fields[{j}].value", f.get("value"), 1_024)
            total += len(f.get("name", "")) + len(f.get("value", ""))
        if "footer" in embed:
            _length(errors, f"embeds[{i}].footer.text", embed["footer"].get("text"), 2_048)
            total += len(embed["footer"].get("text", ""))
    if total > 6_000:
        errors.append(f"embeds: {total} characters in all > 6000")
    return errors


VALIDATORS = {
    "slack": validate_slack,
    "mattermost": validate_mattermost,
    "teams": validate_teams,
    "discord": validate_discord,
}


# --- Briefs to post ------------------------------------------------------------------------

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SAMPLE_BRIEF = SNAPSHOTS / "sample_brief.json"


def sample_brief() -> Brief:
    """The hand-built brief of the sample article (see its ``_note``): not model output."""
    data = json.loads(SAMPLE_BRIEF.read_text(encoding="utf-8"))
    data.pop("_note", None)
    return Brief.model_validate(data)


def oversized_brief(positions: int = 80, summary_chars: int = 5_000, quote_words: int = 300) -> Brief:
    """The sample brief blown up past every platform's limits, with words so cuts can be checked."""
    brief = sample_brief()
    words = "strikes militias sovereignty hostages ceasefire diplomacy retaliation".split()

    def prose(chars: int) -> str:
        out: list[str] = []
        while sum(len(w) + 1 for w in out) < chars:
            out.append(words[len(out) % len(words)])
        return " ".join(out)

    template = brief.positions[0]
    return brief.model_copy(
        update={
            "headline": prose(400),
            "summary": prose(summary_chars),
            "who": [a.model_copy(update={"role": prose(200)}) for a in brief.who] * 20,
            "where": brief.where * 40,
            "when": brief.when * 30,
            "positions": [
                template.model_copy(
                    update={
                        "actor": f"Speaker {i} {prose(300)}",
                        "stance": prose(1_000),
                        "quote": prose(quote_words * 9),
                    }
                )
                for i in range(positions)
            ],
            "open_questions": [prose(800) for _ in range(6)],
            "meta": brief.meta.model_copy(update={"source": "https://example.org/" + "a" * 500}),
        }
    )


HOSTILE = "<!channel> @here @all @channel @everyone <@U024BE7LH> & <https://evil.example|click>"


def hostile_brief() -> Brief:
    """Article text that tries to ping everyone, in every field a renderer shows."""
    brief = sample_brief()
    positions = [
        p.model_copy(update={"actor": f"{p.actor} {HOSTILE}", "quote": f"{HOSTILE} {p.quote}"})
        for p in brief.positions
    ]
    return brief.model_copy(
        update={
            "headline": f"{HOSTILE} {brief.headline}",
            "summary": f"{brief.summary} {HOSTILE}",
            "who": [brief.who[0].model_copy(update={"name": HOSTILE})],
            "where": [brief.where[0].model_copy(update={"name": HOSTILE})],
            "positions": positions,
            "open_questions": [HOSTILE],
            "meta": brief.meta.model_copy(update={"source": HOSTILE}),
        }
    )
