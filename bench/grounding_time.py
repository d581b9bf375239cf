"""How long grounding takes per article, and what it produces (to compare two versions of the code).

Grounding only — no model: each article gets a draft, then the same steps as ``flow.one_part_flow``
after the model answered (ground the draft, apply the targeted repairs, give up on what still
fails, complete from the article's own quotes).

Drafts:

* recorded: the model's ``BriefDraft`` answers in ``fixtures/cassettes`` (last valid one per
  cassette), for the articles they were recorded on (the sample and ten Giveme5W1H articles);
* synthetic, for every article: built from the article with plain regexes, independent of the code
  measured — capitalised runs as actors, words after "in" as places (and one invented name of each),
  date words, and one position per quoted passage (verbatim, marks and case changed, one word
  replaced, or a sentence of the reporter's own), plus one quote-less position; the repair of each
  failing quote is its verbatim passage.

Articles: the sample and the fixtures under ``fixtures/articles``, and the dev sets in
``../shared/eval`` (50 Giveme5W1H articles, 84 PolNEAR articles). Each draft is grounded cold (the
grounding modules' caches emptied first, as for a new article in a batch), ``--repeat`` times; the
fastest run counts, and an article's time is the sum over its drafts.

    python bench/grounding_time.py [--repeat 5] [--dump out.json] [--compare before.json]

``--dump`` writes every grounded output (items, warnings, spans, counts) plus the date mentions with
their resolutions and the speaker of every quoted passage; ``--compare`` fails when any differs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared_data import GIVEME_DEV, POLNEAR_DEV, ROOT, SAMPLE_ARTICLE

import summarizer.dates
import summarizer.grounding.check
import summarizer.grounding.index
import summarizer.grounding.normalize
import summarizer.grounding.spans
import summarizer.grounding.speakers
from summarizer.dates import find_date_mentions, resolve_mention
from summarizer.grounding.check import (
    Grounded,
    apply_repairs,
    complete_from_article,
    give_up_on_failures,
    ground,
)
from summarizer.grounding.index import ArticleIndex
from summarizer.grounding.spans import quoted_regions
from summarizer.grounding.speakers import speaker_of
from summarizer.schema import ActorDraft, BriefDraft, DateMentionDraft, PositionDraft, Span

FIXTURES = ROOT / "fixtures"
# A per-character table that any long run keeps warm: not emptied between articles.
_KEEP_WARM = {"_char_form"}


class Case:
    def __init__(self, name: str, text: str, published: date | None) -> None:
        self.name, self.text, self.published = name, text, published
        self.drafts: list[tuple[str, BriefDraft, dict[str, str]]] = []


# --- articles ----------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _giveme(folder: Path, label: str) -> Iterator[Case]:
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        yield Case(f"{label}/{path.stem[:10]}", data["text"], _day(data.get("date_publish")))


def _polnear(path: Path, label: str) -> Iterator[Case]:
    seen: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["filename"] not in seen:
            seen.add(row["filename"])
            yield Case(f"{label}/{row['filename'][:40]}", row["text"], _day(row.get("publication_date")))


def article_sets(with_dev: bool) -> dict[str, list[Case]]:
    sample = SAMPLE_ARTICLE if SAMPLE_ARTICLE.exists() else FIXTURES / "articles" / SAMPLE_ARTICLE.name
    sets = {"sample": [Case("sample", sample.read_text(encoding="utf-8"), date(2024, 2, 2))]}
    fixtures = [
        Case(f"fixtures/{p.name}", p.read_text(encoding="utf-8"), _day(re.search(r"\d{4}-\d\d-\d\d", p.name)[0]))
        for p in sorted((FIXTURES / "articles").glob("*.txt"))
        if p.name != sample.name
    ]
    fixtures += _giveme(FIXTURES / "articles" / "giveme5w1h", "fixtures")
    fixtures += _polnear(FIXTURES / "articles" / "polnear" / "polnear-dev-sample.jsonl", "fixtures")
    sets["fixtures"] = fixtures
    if with_dev:
        sets["giveme5w1h-dev"] = list(_giveme(GIVEME_DEV, "giveme5w1h-dev"))
        sets["polnear-dev"] = list(_polnear(POLNEAR_DEV, "polnear-dev"))
    return sets


# --- drafts ------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def recorded_drafts() -> list[tuple[str, BriefDraft]]:
    """(article text as sent, last valid BriefDraft) of every cassette."""
    out = []
    for path in sorted((FIXTURES / "cassettes").rglob("*.yaml")):
        sent, draft = "", None
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            body = json.loads(interaction["request"]["body"])
            answer = json.loads(interaction["response"]["body"]["string"])
            for call in (answer.get("choices") or [{}])[0].get("message", {}).get("tool_calls") or []:
                if call["function"]["name"] != "BriefDraft":
                    continue
                try:
                    draft = BriefDraft.model_validate_json(call["function"]["arguments"])
                except ValueError:
                    continue
                sent = _squash(body["messages"][-1]["content"])
        if draft is not None:
            out.append((sent, draft))
    return out


_CAPS_RUN = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+")
_AFTER_IN = re.compile(r"\bin ([A-Z][a-z]{3,})")
_DATE_WORDS = re.compile(
    r"\b(?:(?:last|this|next) )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:January|February|March|April|June|July|August|September|October|November|December) \d{1,2}\b"
    r"|\b(?:yesterday|today|last week|next week|last year)\b"
)
_QUOTED = re.compile(r"“([^”\n]{12,300})”|\"([^\"\n]{12,300})\"")


def synthetic_draft(text: str) -> tuple[BriefDraft, dict[str, str]]:
    names = list(dict.fromkeys(m.group() for m in _CAPS_RUN.finditer(text)))[:8]
    places = list(dict.fromkeys(m.group(1) for m in _AFTER_IN.finditer(text)))[:4]
    dates = list(dict.fromkeys(m.group() for m in _DATE_WORDS.finditer(text)))[:6]
    positions, repairs = [], {}
    for k, m in enumerate(list(_QUOTED.finditer(text))[:12]):
        words = m.group(1) or m.group(2)
        before = _CAPS_RUN.findall(text[max(0, m.start() - 300) : m.start()])
        actor = before[-1] if before else (names[0] if names else "Someone")
        kind = k % 4
        if kind == 0:
            quote = words
        elif kind == 1:
            quote = words.lower().rstrip(".,")
        elif kind == 2:
            toks = words.split()
            toks[len(toks) // 2] = "banana"
            quote = " ".join(toks)
        else:
            sentence = text[max(0, m.start() - 200) : m.start()].split(".")[-1].strip()
            quote = sentence if len(sentence) > 12 else "words the article never printed at all"
        repairs[quote] = words
        positions.append(PositionDraft(actor=actor, stance=f"{actor} on {words[:40]}", quote=quote))
    if names:
        positions.append(PositionDraft(actor=names[0], stance="a position with no quote", quote=None))
    draft = BriefDraft(
        headline="A synthetic headline for timing",
        summary="A synthetic summary of the article, for timing only.",
        who=[ActorDraft(name=n, kind="person") for n in names] + [ActorDraft(name="Zebulon Quaxford", kind="person")],
        what=["something happened"],
        where=[*places, "Atlantis"],
        when=[DateMentionDraft(mention=d, event="an event") for d in dates],
        positions=positions,
        open_questions=[],
    )
    return draft, repairs


def attach_drafts(sets: dict[str, list[Case]]) -> None:
    recorded = recorded_drafts()
    for cases in sets.values():
        for case in cases:
            head = _squash(case.text)[:200]
            for k, (sent, draft) in enumerate(recorded):
                if head and head in sent:
                    case.drafts.append((f"recorded{k}", draft, {}))
            case.drafts.append(("synthetic", *synthetic_draft(case.text)))


# --- grounding ---------------------------------------------------------------------


def ground_draft(case: Case, draft: BriefDraft, repairs: dict[str, str]) -> Grounded:
    """The flow's grounding steps for one brief of the article: one index, read by every check."""
    index = ArticleIndex(case.text)
    grounded = ground(draft, index, case.published)
    if grounded.failures:
        apply_repairs(index, grounded, {f.index: repairs.get(f.quote) for f in grounded.failures})
    give_up_on_failures(grounded)
    complete_from_article(index, grounded)
    return grounded


def _caches() -> list[Callable[[], None]]:
    modules = (
        summarizer.dates,
        summarizer.grounding.check,
        summarizer.grounding.index,
        summarizer.grounding.normalize,
        summarizer.grounding.spans,
        summarizer.grounding.speakers,
    )
    return [
        fn.cache_clear
        for module in modules
        for name, fn in vars(module).items()
        if hasattr(fn, "cache_clear") and name not in _KEEP_WARM
    ]


def time_case(case: Case, repeat: int, clear: list[Callable[[], None]]) -> float:
    """Milliseconds to ground every draft of the article, each cold (a new article in a batch)."""
    total = 0.0
    for _, draft, repairs in case.drafts:
        best = float("inf")
        for _ in range(repeat):
            for fn in clear:
                fn()
            t0 = time.process_time()
            ground_draft(case, draft, repairs)
            best = min(best, time.process_time() - t0)
        total += best
    return total * 1000


# --- output ------------------------------------------------------------------------


def describe(case: Case) -> dict[str, Any]:
    """Everything grounding decided about the article, as plain JSON."""
    text = case.text
    grounded = [
        {
            "who": [a.model_dump() for a in g.who],
            "where": [p.model_dump() for p in g.where],
            "when": [d.model_dump() for d in g.when],
            "positions": [p.model_dump() for p in g.positions],
            "warnings": g.warnings,
            "failures": [f.__dict__ for f in g.failures],
            "checked": g.checked,
            "verified": g.verified,
        }
        for g in (ground_draft(case, draft, repairs) for _, draft, repairs in case.drafts)
    ]
    dates = []
    for s, e in find_date_mentions(text):
        r = resolve_mention(text[s:e], case.published)
        dates.append([s, e, str(r.start), str(r.end), r.resolved, r.granularity, r.note])
    speakers = [[a, b, speaker_of(text, Span(start=a + 1, end=max(a + 2, b)))] for a, b in quoted_regions(text)]
    return {"grounded": grounded, "dates": dates, "speakers": speakers}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dump", type=Path, help="write every output here (JSON)")
    parser.add_argument("--compare", type=Path, help="a --dump of another version: fail on any difference")
    parser.add_argument("--no-dev", action="store_true", help="the sample and fixtures only")
    args = parser.parse_args()

    with_dev = not args.no_dev and GIVEME_DEV.is_dir() and POLNEAR_DEV.is_file()
    sets = article_sets(with_dev)
    attach_drafts(sets)
    clear = _caches()
    print(f"{'set':16} {'articles':>8} {'drafts':>7} {'ms/article':>11} {'max ms':>8}")
    for label, cases in sets.items():
        times = [time_case(case, args.repeat, clear) for case in cases]
        drafts = sum(len(c.drafts) for c in cases)
        print(f"{label:16} {len(cases):8} {drafts:7} {sum(times) / len(times):11.2f} {max(times):8.2f}")
    if not with_dev:
        print("(dev sets not found beside the project: ../shared/eval)")

    if args.dump or args.compare:
        outputs = {case.name: describe(case) for cases in sets.values() for case in cases}
        if args.dump:
            args.dump.write_text(json.dumps(outputs, indent=1, ensure_ascii=False), encoding="utf-8")
        if args.compare:
            before = json.loads(args.compare.read_text(encoding="utf-8"))
            now = json.loads(json.dumps(outputs))
            differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
            print(f"compared {len(now)} articles with {args.compare}: {len(differ)} differ")
            for name in differ[:20]:
                print("  differs:", name)
            return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
