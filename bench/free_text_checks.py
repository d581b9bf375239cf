"""The free-text checks of ``summarizer/quality.py`` on every recorded brief (no model; needs ``vcrpy``).

For each recorded English brief replayed through today's code (``recorded_briefs.replayed``):

* every narration and fragment flag, printed for reading (a flag on a true sentence is a false positive);
* the stance threshold: the support of each model-written stance by its own speaker's words
  (``quality.stance_support``), against the same stance scored as if another speaker of the same
  brief had said it (a stance that does not belong to them). The threshold is chosen between the two.

Run: ``.venv/bin/python bench/free_text_checks.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from recorded_briefs import replayed

from summarizer.grounding.index import as_index
from summarizer.grounding.speakers import same_actor
from summarizer.quality import STANCE_SUPPORT, is_fragment, narrated_quotes, stance_support


def _share(values: list[float], threshold: float, below: bool) -> str:
    hit = sum((v < threshold) == below for v in values)
    return f"{hit}/{len(values)}"


def main() -> None:
    own: list[float] = []
    other: list[float] = []
    items = fragments = narrations = briefs = 0
    for name, text, brief in replayed():
        briefs += 1
        index = as_index(text)
        fields = [("headline", brief.headline), ("summary", brief.summary), *[("what", w) for w in brief.what]]
        for field, value in fields:
            for passage in narrated_quotes(index, value):
                narrations += 1
                print(f"NARRATION {name[:30]} {field}: {passage[:70]!r}")
        for item in brief.what:
            items += 1
            if is_fragment(item):
                fragments += 1
                print(f"FRAGMENT  {name[:30]}: {item!r}")
        model_written = [p for p in brief.positions if " ".join(p.stance.split()) not in " ".join(text.split())]
        for position in model_written:
            support = stance_support(index, position)
            if support is None:
                continue
            own.append(support)
            print(f"STANCE    {name[:30]} {position.actor[:20]!r} {support:.2f}: {position.stance[:70]!r}")
            for somebody in {p.actor for p in brief.positions if not same_actor(p.actor, position.actor)}:
                swapped = position.model_copy(update={"actor": somebody, "actor_evidence": [], "quote_verified": False})
                value = stance_support(index, swapped)
                if value is not None:
                    other.append(value)
    print(f"\n{briefs} briefs; narration flags {narrations}; fragments {fragments} of {items} `what` items")
    print(f"stances: {len(own)} model-written, scored against their own speaker; {len(other)} against another speaker")
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        mark = " <- STANCE_SUPPORT" if t == STANCE_SUPPORT else ""
        flagged, passed = _share(own, t, True), _share(other, t, False)
        print(f"  threshold {t:.2f}: own flagged {flagged}, other's passed {passed}{mark}")


if __name__ == "__main__":
    main()
