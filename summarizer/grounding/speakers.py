"""Who said it: attributing a quoted passage to a named speaker, with plain heuristics.

No parser or tagger: sentences are split with a regex that never cuts inside a
quotation, quoted passages are masked out, and the attribution is read off the
words around the quote ('X said', 'said X', 'according to X', 'X, a spokesman for Y,
said', 'X reaffirmed ..., saying “...”'). Pronouns and titles are resolved to the
most recent compatible named subject; a quote with no attribution of its own
inherits the speaker of the sentence before it.

Measured by bench/speaker_accuracy.py on polnear-dev (777 direct quotes in 94
annotated articles; some articles appear twice, annotated by two people):

* both gold kinds together (named 551, pronoun 175; a pronoun is scored against the nearest
  named source annotated before it, a proxy for the antecedent): coverage 0.829, accuracy
  0.842, correct over all quotes 0.698 (0.763 / 0.800 / 0.610 before #19, which added: a
  capitalised "States" is not a cue except in a title-case headline; a name inside a quoted
  passage is not a pronoun's antecedent; "X's spokeswoman, Jane Doe," is "Jane Doe";
  "“…” ― Name." and "Name: … ‘…’" headlines; sings, cited, spoke, dismissed… as cues; a first
  name in neither gender list fits "he" and "she"; a participle after a verb that is no cue
  belongs to the name the sentence opens with; an adverb between subject and verb, "Doe later
  added"; "he" and "she" are not a place, "Marshall Islands");
* unnamed sources ('a source', 'protesters'): ``None`` for 0.59 of them.

Typical misses: speakers introduced only by a long descriptive phrase, quotes in
long multi-paragraph passages, and pronouns whose antecedent is not the previous
subject. Treat the answer as a check ("is this plausibly the speaker?"), not truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.grounding.index import ArticleIndex, as_index
from summarizer.grounding.names import (
    CALENDAR_WORD,
    PARTICLES,
    START_WORDS,
    WEEKDAYS_MONTHS,
    is_name_token,
    name_runs,
    strip_possessive,
)
from summarizer.schema import Span

__all__ = ["CONFIDENCE", "Attribution", "attribution_of", "same_actor", "speaker_of"]

_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|noted|notes|warned|warns|wrote|writes|tweeted|"
    "tweets|posted|asked|asks|explained|explains|insisted|insists|argued|argues|claimed|claims|declared|"
    "declares|announced|announces|continued|continues|replied|replies|responded|responds|recalled|"
    "acknowledged|acknowledges|admitted|admits|suggested|suggests|condemned|condemns|reaffirmed|"
    "reiterated|stressed|emphasi[sz]ed|contended|asserted|maintained|predicted|promised|vowed|urged|"
    "demanded|complained|joked|quipped|conceded|confirmed|denied|remarked|observed|pointed out|"
    "made it clear|made clear|called|calls|described|describes|shouted|yelled|exclaimed|boasted|"
    "countered|concluded|cautioned|charged|alleged|agreed|testified|texted|went on|reported|reports|"
    "writes|wrote|thinks|thought|believes|believed|mused|recounted|lamented|blasted|slammed|"
    "criticized|criticised|accused|praised|tweeted out|told reporters|will say|would say|has said|"
    "have said|had said|is quoted as saying|was quoted as saying|sings|sang|cited|cites|chanted|compared|"
    "compares|attacked|dismissed|dismisses|labeled|labelled|branded|dubbed|spoke|speaks"
)
_PARTICIPLES = (
    "saying|stating|adding|noting|warning|writing|explaining|insisting|arguing|claiming|calling|"
    "describing|declaring|telling|asking|suggesting|stressing|acknowledging|indicating|declaring|"
    "tweeting|posting|urging|promising|predicting|recalling|charging|accusing|concluding|comparing|chanting|"
    "dismissing|citing|singing|attacking|labeling|branding|joking|boasting|complaining|lamenting"
)
# Verbs in lower case only: a capitalised "States" or "Notes" is a name ("the United States would…"),
# not a cue; "According to" may open a sentence.
# …except in a title-case headline ("Obama Says Museum Will Tell…"): a capitalised verb followed by a
# capitalised word or a quote, not after "United".
_TITLE_VERBS = "|".join(v[:1].upper() + v[1:] for v in _VERBS.split("|"))
_CUE = re.compile(
    rf"\b(?:(?P<part>{_PARTICIPLES})|(?P<verb>{_VERBS}|(?<!United )(?:{_TITLE_VERBS})(?=\s+[A-Z#“\"‘']))"
    r"|(?P<acc>(?i:according to)))\b"
)
_AFTER_INVERTED = re.compile(rf"^[\s,;:—–-]*(?:{_VERBS})\s+(?P<np>[^,;:#(]{{1,80}})")
_AFTER_SUBJECT = re.compile(rf"^[\s,;:—–-]*(?P<np>[^#,.;:!?]{{1,80}}?)(?:,[^,#]{{1,120}},)?\s+(?:{_VERBS})\b")
_ACCORDING = re.compile(r"\baccording to\s+(?P<np>[^#,.;:!?]{1,120})", re.I)

# Word lists, kept compact.
# fmt: off
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "who", "which", "you"}
_SUBORDINATORS = {"when", "while", "after", "before", "because", "as", "if", "since", "until", "where", "though",
                  "although", "whereas", "once", "unless"}
_DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "this", "that", "these", "those", "our"}
_PERSON_TITLES = {
    "spokesman", "spokeswoman", "spokesperson", "president", "senator", "governor", "minister",
    "secretary", "mayor", "chairman", "chairwoman", "chair", "businessman", "businesswoman", "candidate",
    "nominee", "leader", "official", "ambassador", "general", "director", "congressman", "congresswoman",
    "representative", "lawmaker", "speaker", "chief", "commander", "prosecutor", "judge", "attorney",
    "pastor", "reverend", "activist", "actor", "actress", "singer", "author", "professor", "analyst",
    "host", "anchor", "reporter", "executive", "founder", "adviser", "advisor", "aide", "sheriff",
    "premier", "king", "queen", "prince", "pope", "billionaire", "mogul", "star", "rapper", "man",
    "woman", "diplomat", "envoy", "manager", "strategist", "pollster", "surrogate", "head",
}
_HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "lt", "gen", "col", "sgt", "capt", "maj",
    "adm", "rev", "hon", "prof", "president", "senator", "governor", "secretary", "minister", "speaker",
    "chairman", "spokesman", "spokeswoman", "retired", "former", "vice", "prime", "house", "state",
    "sir", "dame", "lord", "lady", "judge", "justice", "mayor", "ambassador", "general", "attorney",
    "candidate", "nominee", "rival", "democratic", "republican", "libertarian", "presidential",
}
_ORG_WORDS = {
    "department", "council", "ministry", "government", "party", "house", "times", "post", "news",
    "committee", "association", "union", "university", "agency", "inc", "corp", "group", "office",
    "court", "congress", "senate", "states", "army", "military", "forces", "guard", "campaign",
    "foundation", "institute", "center", "centre", "network", "press", "journal", "commission",
    "board", "bureau", "service", "administration", "politifact", "reuters", "cnn", "fox", "hamas",
    "nations", "kingdom", "republic", "police", "fbi", "cia", "nato", "pentagon", "white", "street",
    "company", "bank", "fund", "organization", "organisation", "church", "school", "club", "team",
    "magazine", "tribune", "herald", "gazette", "daily", "review", "hedge", "poll", "media",
}
_FEMALE = {
    "hillary", "melania", "ivanka", "elizabeth", "nancy", "kellyanne", "loretta", "sarah", "jill",
    "michelle", "mary", "susan", "karen", "linda", "patricia", "jennifer", "barbara", "margaret",
    "lisa", "donna", "maria", "anna", "ann", "anne", "laura", "emily", "hope", "huma", "chelsea",
    "condoleezza", "madeleine", "samantha", "kamala", "tulsi", "nikki", "carly", "debbie", "dianne",
    "kirsten", "amy", "jane", "joan", "julia", "kate", "katie", "megyn", "rachel", "sharon", "theresa",
    "angela", "marine", "ava", "oprah", "beyonce", "melanie", "quina", "janet", "jessica", "betsy",
    "ruth", "sonia", "elena", "claire", "heidi", "lindsey", "tammy", "abigail", "rosie", "ivana",
    "omarosa", "alicia", "valerie", "stephanie", "christine", "catherine", "helen", "emma",
    "olivia", "sophia", "victoria", "diane", "deborah", "cynthia", "kathleen", "carol", "martha",
}
_MALE = {
    "donald", "barack", "joe", "bill", "mike", "tim", "bernie", "john", "paul", "mitch", "ted", "marco",
    "jeb", "chris", "rudy", "newt", "george", "ben", "gary", "jim", "james", "robert", "michael", "david",
    "richard", "thomas", "charles", "william", "mark", "steve", "steven", "kevin", "brian", "jason", "eric",
    "jeff", "jeffrey", "scott", "peter", "harry", "reince", "corey", "sean", "rand", "vladimir",
    "benjamin", "francois", "ban", "antony", "lloyd", "rex", "stephen", "andrew", "anthony", "daniel", "matthew",
    "jared", "frank", "larry", "howard", "jerry", "roger", "ron", "ronald", "dick",
}
_MALE_TITLES = {"mr", "sir", "lord", "king", "prince", "businessman", "spokesman", "congressman", "chairman"}
_FEMALE_TITLES = {"mrs", "ms", "miss", "dame", "lady", "queen", "princess", "businesswoman", "spokeswoman",
                  "congresswoman", "chairwoman"}

# fmt: on


@dataclass(frozen=True)
class _NP:
    text: str
    kind: str  # "name", "pronoun", "title", "phrase", "other"


# --- sentences ---------------------------------------------------------------------


def _mask(index: ArticleIndex, i: int, extra: tuple[int, int] | None = None) -> str:
    """Unit ``i``'s text with every quoted passage (marks included), and ``extra``, replaced by '#'."""
    masked = index.masked(i)
    if extra is None:
        return masked
    unit = index.units[i]
    a, b = max(extra[0], unit.start) - unit.start, min(extra[1], unit.end) - unit.start
    return masked[:a] + "#" * (b - a) + masked[b:] if a < b else masked


# --- noun phrases ------------------------------------------------------------------


def _tokens(s: str) -> list[str]:
    return s.split()


# "David Axelrod on Wednesday called…": the time adjunct is not part of the subject. A preposition is
# required, so "Theresa May said" keeps its May.
_TIME_TAIL = re.compile(
    rf"(?:\s+(?:on|last|this|next|early|late|in|since|by)\s+(?:{WEEKDAYS_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    r"(?:\s+(?:morning|afternoon|evening|night))?|\s+(?:yesterday|today|tonight))+$"
)


# "Doe later added", "Trump also said": an adverb between the subject and its verb.
_ADVERB_TAIL = re.compile(
    r"(?:\s+(?:later|also|then|again|previously|recently|repeatedly|further|first|once|subsequently|separately|"
    r"simply|finally|still|often|publicly|privately|flatly|quickly))+$"
)


def _joins_name(tok: str) -> bool:
    """Whether a word before a name is part of it: not after a comma, a sentence end or a month ("in July. Cruz")."""
    if not is_name_token(tok) or tok.endswith((",", ";")) or CALENDAR_WORD.fullmatch(tok):
        return False
    return not (tok.endswith(".") and len(tok) > 5)  # "Sen.", "Capt." are titles; "Ohio." ends a sentence


def _tail_np(segment: str) -> _NP | None:
    """The noun phrase at the end of ``segment`` (the words right before a verb)."""
    toks = _tokens(_ADVERB_TAIL.sub("", _TIME_TAIL.sub("", segment.strip(" #,;:—–-"))))
    if not toks:
        return None
    last = toks[-1].lower().strip(".,")
    if last in _PRONOUNS:
        return _NP(last, "pronoun")
    if is_name_token(toks[-1]) and toks[-1][0].isupper():
        i = len(toks) - 1
        while i > 0 and _joins_name(toks[i - 1]):
            i -= 1
        run = toks[i:]
        while run and run[0].lower().strip(".,") in START_WORDS:
            run = run[1:]
        if not run or all(CALENDAR_WORD.fullmatch(t) for t in run):  # "Wednesday" is nobody
            return None
        return _NP(" ".join(run), "name")
    # A lower-case head: "the Iraqi military", "the spokesman", "a source".
    for j in range(len(toks) - 1, max(-1, len(toks) - 8), -1):
        if toks[j].lower() in _DETERMINERS:
            words = toks[j:]
            phrase = " ".join(words)
            head = words[-1].lower().strip(".,")
            if head in _PERSON_TITLES:
                return _NP(phrase, "title")
            if any(w[0].isupper() for w in words[1:]):
                return _NP(phrase, "phrase")
            return _NP(phrase, "other")
    return _NP(toks[-1], "other")


def _subject_before(masked: str, end: int) -> _NP | None:
    """The subject of a verb starting at ``end``: the phrase just before, appositive skipped."""
    left = masked[:end].rstrip()
    left = re.sub(r"\s*\([^()]{0,40}\)\s*$", "", left)
    if left.endswith(","):
        body = left[:-1]
        k = body.rfind(",")
        if k >= 0 and len(body) - k <= 140:
            appos = body[k + 1 :].strip()
            first = appos.split()[0] if appos.split() else ""
            if first and (
                first[0].islower()
                or first[0].isdigit()
                or first in ("A", "An", "The", "R", "D")
                or re.match(r"^[RDI]-", appos)
            ):
                left = body[:k]
            elif appos and all(is_name_token(t) for t in appos.split()) and len(appos.split()) <= 5:
                return _NP(appos, "name")
            else:
                left = body[:k]
        else:
            left = body
    if re.search(r",\s*(?:who|which)$", left):
        left = re.sub(r",\s*(?:who|which)$", "", left)
    cut = max(left.rfind(c) for c in ",;:#(—–")
    segment = left[cut + 1 :] if cut >= 0 else left
    if re.search(r"\b(?:that|and|but|as|because|when|while|if)\s*$", segment):
        return None
    return _tail_np(segment)


def _np_after(s: str) -> _NP | None:
    toks = _tokens(s.strip(" ,"))
    if len(toks) > 1 and toks[0].lower() in ("the", "a", "an") and toks[1][0].isupper():
        toks = toks[1:]
    run: list[str] = []
    for t in toks[:8]:
        if is_name_token(t.rstrip(",.")) and t[0].isupper():
            run.append(t.rstrip(",."))
            if t.endswith((",", ".")) and not re.match(r"^[A-Z][a-z]{0,3}\.$", t):
                break
        elif run:
            break
        elif t.lower() in _DETERMINERS or t.lower() in _PRONOUNS:
            return (
                _tail_np(" ".join(toks[: toks.index(t) + 3]))
                if t.lower() in _DETERMINERS
                else _NP(t.lower(), "pronoun")
            )
        else:
            break
    while run and run[0].lower() in START_WORDS:
        run = run[1:]
    return _NP(" ".join(run), "name") if run else None


# --- attribution in one unit -------------------------------------------------------


def _opening_subject(masked: str) -> _NP | None:
    """The name or pronoun a sentence opens with, before its first comma: the subject of a verb that is
    not a cue ("Dean, a medical doctor, then appeared on MSNBC and began by saying “…”")."""
    head = re.split(r"[,;:#(—–]", masked.strip(), maxsplit=1)[0].split()
    if not head or len(head) > 4:
        return None
    np = _tail_np(" ".join(head))
    return np if np is not None and np.kind in ("name", "pronoun") else None


def _main_subject(masked: str) -> _NP | None:
    for m in _CUE.finditer(masked):
        if m.group("verb"):
            return _subject_before(masked, m.start())
    return None


@lru_cache(maxsize=256)
def _cues(masked: str) -> tuple[re.Match[str], ...]:
    """The attribution cues of a masked unit; every quote of the unit, and every check of it, asks again."""
    return tuple(_CUE.finditer(masked))


_AFTER_DASH = re.compile(r"^[\s,.]*[―—–]\s*(?P<np>[A-Z][^#;:!?]{1,60})")
_NAME_COLON = re.compile(r"^\s*(?P<np>(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*):\s")
_BEFORE_COLON = re.compile(r"([^#.;:!?]{1,80}):\s*#*\s*$")


def _attribution(masked: str, q0: int, q1: int) -> tuple[_NP, int] | None:
    """The phrase the unit credits the quote at masked[q0:q1] to, and where it sits."""
    after = masked[q1:]
    nxt = after.find("#")
    after_clause = after if nxt < 0 else after[:nxt]
    m = _AFTER_DASH.match(after_clause)  # "“…” ― Steve Quinlan."
    if m:
        np = _np_after(m.group("np"))
        if np is not None and np.kind == "name":
            return np, q1 + m.start("np")
    m = _AFTER_INVERTED.match(after_clause)
    if m:
        np = _np_after(m.group("np"))
        if np is not None:
            return np, q1 + m.start("np")
    m = _AFTER_SUBJECT.match(after_clause)
    # "“…right” when he said…" is a clause of its own, not the quote's attribution ("“…,” he said").
    if m and m.group("np").split()[0].lower() not in _SUBORDINATORS:
        np = _tail_np(m.group("np"))
        if np is not None and np.kind != "other":
            return np, q1 + m.start("np")
    m = _ACCORDING.search(masked)
    if m:
        np = _np_after(m.group("np"))
        if np is not None:
            return np, m.start("np")
    before = masked[:q0]
    # "Kirby: “…”". The check first: the regex alone tries every start position of `before`.
    colon = _BEFORE_COLON.search(before) if before.rstrip().rstrip("#").rstrip().endswith(":") else None
    if colon and not _CUE.search(colon.group(1)):
        np = _tail_np(colon.group(1))
        if np is not None and np.kind in ("name", "pronoun", "title"):
            return np, colon.start(1)
    # "Pat Caddell: Democrat Voters Worried…; It’s ‘in Their Heads.’": a headline or transcript line.
    head = _NAME_COLON.match(before)
    if head and not _CUE.search(head.group("np")):
        np = _tail_np(head.group("np"))
        if np is not None and np.kind == "name":
            return np, head.start("np")
    cues = [c for c in _cues(masked) if c.end() <= q0 and not c.group("acc")]  # masked[q0] is a mark
    for cue in reversed(cues):
        pre = before[: cue.start()].rstrip()
        coordinated = re.search(r"(?:,|\band)$", pre) is not None and cue.group("verb") is not None
        if cue.group("part") or (coordinated and re.search(r"\band$", pre)):
            np = _main_subject(masked) or _opening_subject(masked)
            if np is not None:
                return np, 0
            continue
        np = _subject_before(masked, cue.start())
        if np is not None:
            return np, cue.start()
        inverted = _np_after(before[cue.end() :])
        if inverted is not None and inverted.kind == "name":
            return inverted, cue.end()
    # "“…,” Trump said" split from the quote by another short quote, or a cue after it.
    later = [c for c in _CUE.finditer(after_clause) if c.group("verb")]
    if later and later[0].start() < 60:
        np = _subject_before(masked, q1 + later[0].start())
        if np is not None and np.kind != "other":
            return np, q1 + later[0].start()
    return None


# --- resolution --------------------------------------------------------------------


def _run_keys(index: ArticleIndex) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """The article's candidate names with their key tokens, for comparing names with them."""
    return index.remember("run keys", lambda: tuple((at, run, _key_tokens(run)) for at, run in index.name_runs))


def _full_name(index: ArticleIndex, name: str, pos: int) -> str:
    """The longest form of ``name`` in the article, preferring the nearest one before ``pos``."""
    return index.remember(("full name", name, pos), lambda: _longest_form(index, name, pos))


def _longest_form(index: ArticleIndex, name: str, pos: int) -> str:
    name = strip_possessive(name)
    key = _key_tokens(name)
    if not key:
        return name
    best: tuple[int, int, str] | None = None
    for at, run, toks in _run_keys(index):
        if len(toks) > len(key) and toks[-len(key) :] == key:
            rank = (0 if at <= pos else 1, abs(pos - at))
            if best is None or rank < best[:2]:
                best = (*rank, run)
    return best[2] if best else name


# A run of capitalised words that is a place or a sentence opening, not a person "he" or "she" can be
# ("Marshall Islands", "West Virginia", "Unlike Patriot"): checked on the first word, or on any word.
_PLACE_FIRST = {"north", "south", "east", "west", "new", "san", "los", "las", "saint", "st", "fort", "port", "mount",
                "unlike", "like", "say", "says", "we're", "dear", "thank", "yes", "oh"}
_PLACE_ANY = {"islands", "island", "county", "city", "korea", "carolina", "virginia", "dakota", "america", "africa",
              "mexico", "valley", "river", "republic", "kingdom", "emirates", "arabia", "gulf", "strait", "sea"}


def _person_like(index: ArticleIndex, name: str) -> bool:
    toks = _key_tokens(name)
    if not toks or any(t in _ORG_WORDS or t in _PLACE_ANY for t in toks) or toks[0] in _PLACE_FIRST:
        return False
    if len(toks) >= 2:
        return True
    return any(keys[-1:] == toks and len(keys) >= 2 for _, _, keys in _run_keys(index))


def _gender(name: str) -> str | None:
    words = [w.lower().strip(".,") for w in name.split()]
    if any(w in _FEMALE_TITLES for w in words):
        return "f"
    if any(w in _MALE_TITLES for w in words):
        return "m"
    firsts = [w for w in words if w not in _HONORIFICS]
    if len(firsts) >= 2 and firsts[0] in _FEMALE:
        return "f"
    if len(firsts) >= 2 and firsts[0] in _MALE:
        return "m"
    return None  # a first name in neither list fits "he" and "she" alike


def _resolve_np(index: ArticleIndex, np: _NP, pos: int, idx: int) -> str | None:
    if np.kind == "name":
        return _full_name(index, np.text, pos)
    if np.kind == "phrase":
        return re.sub(r"^(?:the|a|an)\s+", "", np.text, flags=re.I)
    if np.kind == "pronoun":
        if np.text in ("he", "him", "she", "her"):
            return _antecedent(index, pos, idx, "f" if np.text in ("she", "her") else "m")
        if np.text in ("they", "it"):
            return _antecedent(index, pos, idx, None, people=False)
        return None
    if np.kind == "title":
        head = np.text.split()[-1].lower()
        before = index.text[max(0, pos - 3000) : pos]
        titled = None
        for m in re.finditer(rf"\b{re.escape(head)}[ \u00a0]+((?:[A-Z][\w’'\-]*[ \u00a0]?){{1,4}})", before):
            titled = m.group(1)
        if titled:
            return _full_name(index, titled.strip(), pos)
        return _antecedent(index, pos, idx, None)
    return None


def _antecedent(index: ArticleIndex, pos: int, idx: int, gender: str | None, people: bool = True) -> str | None:
    """The most recent named subject or speaker before ``pos`` that fits."""
    for j in range(idx, max(-1, idx - 6), -1):
        unit = index.units[j]
        masked = _mask(index, j)
        limit = pos - unit.start if j == idx else len(masked)
        candidates: list[tuple[int, str]] = []
        # A cue cut at ``limit`` may read differently ("says" → "say"): the whole unit's cues only when uncut.
        for cue in _unit_cues(index, j) if limit == len(masked) else _CUE.finditer(masked[:limit]):
            if cue.group("verb"):
                np = _subject_before(masked, cue.start())
                if np is not None and np.kind == "name":
                    candidates.append((cue.start(), np.text))
        first = _tail_np(re.split(r"[,;:#]|\s(?=[a-z]+(?:ed|s)\b)", masked[:limit].strip())[0])
        if people and first is not None and first.kind == "name":
            candidates.append((0, first.text))
        if people and not candidates:
            # Masked: a name inside a quoted passage ("Crooked Hillary Clinton") is said, not saying.
            stretch = (j, limit)
            candidates.extend(index.remember(("runs in", stretch), lambda m=masked[:limit]: name_runs(m)))
        for at, name in sorted(candidates):
            full = _full_name(index, name, unit.start + at)
            if people and not _person_like(index, full):
                continue
            if not people and _person_like(index, full):
                continue
            g = _gender(full)
            if gender is not None and g is not None and g != gender:
                continue
            return full
    return None


def _speaker_in_unit(index: ArticleIndex, idx: int, region: tuple[int, int]) -> tuple[str | None, str]:
    """The speaker the unit credits the region to, and the kind of phrase that names them."""
    unit = index.units[idx]
    q0, q1 = max(region[0], unit.start) - unit.start, min(region[1], unit.end) - unit.start
    masked = _mask(index, idx, region)
    found = _attribution(masked, q0, q1)
    if found is None:
        return None, "none"
    np, at = found
    return _resolve_np(index, np, unit.start + at, idx), np.kind


# How often each way of finding a speaker names the annotated one, on the matched direct quotes of
# PolNeAR dev (bench/speaker_accuracy.py's data, 564 quotes, #19): the attribution's own sentence names
# the speaker (358 quotes), a pronoun there does (139), the speaker is inherited from an earlier sentence
# (44), a title or description does ("the spokesman", 23; often right but named otherwise by the gold).
CONFIDENCE = {"name": 0.93, "pronoun": 0.70, "inherited": 0.43, "title": 0.09, "phrase": 0.09}


@dataclass(frozen=True)
class Attribution:
    """Who the article credits a quote to, how that was found, and how often that way is right."""

    speaker: str | None
    how: str  # "name", "pronoun", "title", "phrase", "inherited", or "none" (no speaker)

    @property
    def confidence(self) -> float:
        return CONFIDENCE.get(self.how, 0.0) if self.speaker else 0.0


def speaker_of(article: str | ArticleIndex, span: Span) -> str | None:
    """The named speaker the article credits with the quoted words at ``span``.

    Looks for the attribution in the quote's own sentence ('X said', 'said X',
    'according to X', 'X, a spokesman for Y, said', 'X reaffirmed ..., saying'), then
    lets a quote with none inherit the speaker of the sentence before it. Pronouns
    ('he said') and titles ('the spokesman said') resolve to the most recent named
    subject; a surname expands to the fullest form the article gives. ``None`` when
    unclear or when the source is unnamed ('a source said').

    >>> t = 'National Security Council spokesman John Kirby spoke. Kirby said: “We will respond.”'
    >>> speaker_of(t, Span(start=67, end=82))
    'John Kirby'
    """
    return attribution_of(article, span).speaker


def attribution_of(article: str | ArticleIndex, span: Span) -> Attribution:
    """``speaker_of``'s answer with how it was found, and so its measured confidence (:data:`CONFIDENCE`)."""
    index = as_index(article)
    if not index.units or span.end <= span.start:
        return Attribution(None, "none")
    region = (span.start, span.end)
    for a, b in index.quoted_regions:
        if a <= span.start and span.end <= b + 1:
            region = (a, b + 1)
            break
    # Everything below depends on the region only: a quote checked twice is read once.
    return index.remember(("speaker", region), lambda: _attribution_of_region(index, region))


def _attribution_of_region(index: ArticleIndex, region: tuple[int, int]) -> Attribution:
    idx = index.unit_at(region[0])
    for hop in range(4):
        j = idx - hop
        if j < 0:
            break
        if hop == 0:
            name, how = _speaker_in_unit(index, j, region)
        else:
            how = "inherited"
            quotes = index.quotes_in(j)
            if not quotes and not any(c.group("verb") for c in _unit_cues(index, j)):
                return Attribution(None, "none")
            name = None
            for q in reversed(quotes or [(index.units[j].end, index.units[j].end)]):
                name = _speaker_in_unit(index, j, q)[0]
                if name:
                    break
            if name is None and not quotes:
                np = _main_subject(_mask(index, j))
                if np is not None:
                    name = _resolve_np(index, np, index.units[j].start, j)
        if name:
            return Attribution(name, how)
        if hop == 0 and not _continues(index, idx):
            return Attribution(None, "none")
    return Attribution(None, "none")


def _continues(index: ArticleIndex, idx: int) -> bool:
    """Whether the unit may carry on the previous unit's speaker (no cue of its own)."""
    return not any(c.group("verb") or c.group("part") for c in _unit_cues(index, idx))


def _unit_cues(index: ArticleIndex, i: int) -> tuple[re.Match[str], ...]:
    """The attribution cues of unit ``i`` (quoted passages masked)."""
    return index.remember(("cues", i), lambda: tuple(_CUE.finditer(_mask(index, i))))


# --- identity ----------------------------------------------------------------------

_ALIASES = [
    (re.compile(r"\b(?:the )?united states(?: of america)?\b"), "us"),
    (re.compile(r"\b(?:u\.s\.a?\.?|usa|america)(?=\s|$)"), "us"),
    (re.compile(r"\bunited kingdom\b|\bu\.k\.?(?=\s|$)|\bbritain\b|\bgreat britain\b"), "uk"),
]


def _name_segment(name: str) -> str:
    """Of a name with appositives, the part that is a name.

    "Michael Mulgrew, president of the teachers' union" → "Michael Mulgrew"; but a description before
    the name ("The minister of the economy, Mr. Guajardo Villarreal," "X's spokeswoman, Jane Doe,")
    → the name after it. The first part is kept unless it has a lower-case word and a later part has none.
    """
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) < 2:
        return parts[0] if parts else ""

    def named(part: str) -> bool:
        words = [w for w in part.split() if w.casefold() not in _DETERMINERS]
        return bool(words) and all(w[:1].isupper() or w.casefold() in PARTICLES for w in words)

    if named(parts[0]):
        return parts[0]
    return next((p for p in parts[1:] if named(p)), parts[0])


@lru_cache(maxsize=4096)
def _key_tokens(name: str) -> tuple[str, ...]:
    # Cached: every name of an article is compared with every other (same_actor, _full_name).
    s = _name_segment(re.sub(r"\([^)]*\)", " ", name)).casefold()
    for pattern, repl in _ALIASES:
        s = pattern.sub(repl, s)
    s = re.sub(r"[’']s\b", "", s)
    toks = [t.strip(".’'\"“”-") for t in s.split()]
    toks = [t for t in toks if t]
    while toks and (toks[0] in _DETERMINERS or toks[0] in _HONORIFICS):
        toks = toks[1:]
    return tuple(toks)


def same_actor(a: str, b: str) -> bool:
    """Loose identity of two actor names.

    Case, leading articles, honorifics and titles, possessives and trailing
    appositives are ignored, and the shorter name must be the end of the longer one:
    'Kirby' ~ 'John Kirby' ~ 'National Security Council spokesman John Kirby',
    'Biden' ~ 'President Joe Biden', 'Iraqi military' ~ 'the Iraqi military'.
    'US', 'U.S.', 'USA', 'America' and 'United States' are one name, but a body of a
    country is not the country ('US government' is not 'US'), nor is a demonym
    ('the American') — kept conservative on purpose.

    >>> same_actor("Kirby", "National Security Council spokesman John Kirby")
    True
    >>> same_actor("Hillary Clinton", "Bill Clinton")
    False
    """
    ta, tb = _key_tokens(a), _key_tokens(b)
    if not ta or not tb:
        return False
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return long_[-len(short) :] == short
