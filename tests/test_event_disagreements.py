"""One test per kind of disagreement, each built from real sentences of the Giveme5W1H dev articles
(the outlet and publication time as in the dataset; the sentences copied as printed)."""

from __future__ import annotations

from summarizer.event.disagree import (
    attribution_disagreements,
    clock_time,
    name_disagreements,
    number_disagreements,
    role_disagreements,
    time_and_date_disagreements,
)
from summarizer.event.merge import merge_event
from summarizer.event.numbers import find_numbers
from summarizer.event.quotes import merge_quotes
from summarizer.event.sources import EventArticle, Source
from summarizer.schema import Actor, Brief, Meta

META = Meta(model="m", endpoint="e", mode="tools", prompt_id="brief", prompt_version="1")


def source(n: int, outlet: str, published: str, text: str, title: str = "Croydon tram crash",
           who: list[Actor] | None = None, where: list[str] | None = None) -> Source:
    brief = Brief(headline=title, summary="A tram crash in Croydon.", who=who or [], meta=META,
                  where=[{"name": w} for w in where or []])
    return Source(f"s{n}", EventArticle(text=text, origin=f"{outlet}.json", outlet=outlet, title=title,
                                   published=published), brief)


INDEPENDENT = source(1, "independent", "2016-11-09", "At least five people are dead after a tram overturned in "
                     "Croydon, south London. More than 70 firefighters, eight fire engines and four rescue units "
                     "are at the scene and people have been asked to avoid the area.")
NYTIMES = source(2, "nytimes", "2016-11-09T08:46:26", "LONDON -- At least seven people were killed and dozens more "
                 "were injured when a tram derailed near London on Wednesday, the British police and emergency "
                 "services said, and the driver of the tram has been arrested.")
EXPRESS = source(3, "express", "2016-11-09T20:01:00", "Martin Bamford survived the Croydon tram crash which left "
                 "seven dead.")
GUARDIAN = source(4, "theguardian", "2016-11-10T08:21:04", "Eight fire engines, five fire rescue units containing "
                  "specialist rescue equipment and 22 ambulance crews were involved in the rescue operation.")


def _values(d) -> dict[str, set[str]]:
    return {v.value: {s.source for s in v.sources} for v in d.values}


def test_casualty_figures_differ_and_a_later_report_may_be_an_update() -> None:
    found, _ = number_disagreements([INDEPENDENT, NYTIMES, EXPRESS])
    killed = next(d for d in found if d.subject == "killed")
    assert _values(killed) == {"at least 5": {"s1"}, "at least 7": {"s2"}, "7": {"s3"}}
    assert killed.maybe_update  # three publication times
    assert [v.value for v in killed.values] == ["at least 5", "at least 7", "7"]  # in publication order
    spans = {s.source: s.text for v in killed.values for s in v.sources}
    assert spans == {"s1": "At least five", "s2": "At least seven", "s3": "seven"}


def test_seven_in_words_and_7_in_digits_are_the_same_figure() -> None:
    usatoday = source(5, "usatoday", "2016-11-09T18:50:08", "At least 7 killed in tram accident in south London.")
    found, _ = number_disagreements([NYTIMES, usatoday])
    assert not [d for d in found if d.subject == "killed"]


def test_counts_of_the_same_thing_differ_between_outlets() -> None:
    found, _ = number_disagreements([INDEPENDENT, GUARDIAN])
    assert {d.subject for d in found} == {"rescue units"}  # eight fire engines in both: no disagreement
    assert _values(found[0]) == {"4": {"s1"}, "5": {"s4"}}


def test_an_outlet_adding_a_second_figure_is_not_a_disagreement() -> None:
    independent = source(1, "independent", "2016-11-09", "Two people remain trapped and more than 50 people have "
                         "been injured after the accident. Five people were initially trapped after the accident "
                         "but three have been rescued from the wreckage.")
    usatoday = source(2, "usatoday", "2016-11-09T18:50:08", "Emergency workers labored for hours to free five people "
                      "trapped in the wreckage.")
    found, _ = number_disagreements([independent, usatoday])
    assert not [d for d in found if d.subject == "trapped"]


def test_ages_of_one_person_compared_by_name_across_outlets() -> None:
    mirror = source(1, "mirror", "2016-11-09T21:13:00", 'Another passenger Nathan Evan Gibson, 21, said a man next '
                    'to him was killed when he was thrown through a window.')
    other = source(2, "dailymail", "2016-11-09T22:58:21", "Nathan Gibson, 22, said a man next to him was killed.")
    found, _ = number_disagreements([mirror, other])
    age = next(d for d in found if d.subject.startswith("age of"))
    assert _values(age) == {"21": {"s1"}, "22": {"s2"}}


def test_another_years_event_in_the_same_article_is_not_a_figure_of_this_one() -> None:
    text = ("Wednesday's crash is the worst accident on the rail and tram networks since 2004, when seven people "
            "were killed in a rail crash near Ufton Nervet in Berkshire.")
    assert find_numbers(source(1, "theguardian", "2016-11-10T08:21:04", text).index, 2016) == []


def test_the_time_of_the_event_differs_and_an_approximate_time_agrees_with_the_exact_one() -> None:
    mirror = source(1, "mirror", "2016-11-09T21:13:00", "The tram tipped over at a bend in Croydon, South London, "
                    "during torrential rain at 6.13am today.")
    dailymail = source(2, "dailymail", "2016-11-09T22:58:21", "The tram was operating from New Addington to "
                       "Wimbledon via Croydon when the crash happened at 6.10am on Wednesday.")
    guardian = source(3, "theguardian", "2016-11-10T08:21:04", "Bodies and blood were inside the tram carriages "
                      "following the Croydon crash, which occurred at about 6.10am.")
    found = time_and_date_disagreements([mirror, dailymail, guardian])
    time = next(d for d in found if d.kind == "time")
    assert _values(time) == {"06:13": {"s1"}, "06:10": {"s2", "s3"}}
    assert clock_time("at about 6.15 a.m.") == "06:15"


def test_days_are_resolved_against_each_sources_own_publication_date() -> None:
    # The same words, "on Wednesday", a day apart in publication: both resolve to 9 November.
    nytimes = source(1, "nytimes", "2016-11-09T08:46:26", "A tram derailed in Croydon, killing seven, on Wednesday.")
    telegraph = source(2, "telegraph", "2016-11-10T21:42:08", "More than 50 people were injured when the Croydon tram "
                       "left the track during the morning rush hour on Wednesday.")
    assert not [d for d in time_and_date_disagreements([nytimes, telegraph]) if d.kind == "date"]
    # "yesterday" in a report of the 11th is the 10th: another day than the other outlet's Wednesday.
    thesun = source(3, "thesun", "2016-11-11", "Dorota Rynkiewicz, 35, was yesterday named as a victim of the "
                    "Croydon tram crash.")
    day = next(d for d in time_and_date_disagreements([nytimes, thesun]) if d.kind == "date")
    assert _values(day) == {"2016-11-09": {"s1"}, "2016-11-10": {"s3"}}


def test_a_name_spelt_two_ways_in_two_outlets() -> None:
    standard = source(1, "standard", "2016-11-09", "Five people were left trapped inside the vehicle after it came "
                      "off the tracks in a tunnel near Sandlilands tram station at around 6am.",
                      where=["Sandlilands tram station"])
    usatoday = source(2, "usatoday", "2016-11-09T18:50:08", "The tram flipped near the Sandilands stop in Croydon.")
    found = name_disagreements([standard, usatoday], merge_event([standard, usatoday]).where)
    assert [(_values(d)) for d in found] == [{"Sandilands": {"s2"}, "Sandlilands": {"s1"}}]


def test_roles_with_no_word_in_common_differ_and_rewordings_do_not() -> None:
    guardian = source(1, "theguardian", "2016-11-08T09:34:41", "Toblerone was created in 1908 by Theodor Tobler, a "
                      "second-generation chocolatier from Bern, Switzerland.", title="Toblerone gets more gappy",
                      who=[Actor(name="Theodor Tobler", kind="person", role="second-generation chocolatier from Bern")])
    nytimes = source(2, "nytimes", "2016-11-08T11:47:25", "The founder, Theodor Tobler, combined his family name with "
                     '"torrone," the Italian word for nougat.', title="Toblerone Alters Shape",
                     who=[Actor(name="Theodor Tobler", kind="person", role="founder")])
    event = merge_event([guardian, nytimes])
    found = role_disagreements([guardian, nytimes], event.who)
    assert [_values(d) for d in found] == [{"second-generation chocolatier from Bern": {"s1"}, "founder": {"s2"}}]
    dailymail = source(3, "dailymail", "2016-11-09T22:58:21", "Mike Brown, the commissioner of Transport for London, "
                       "said: \"I am devastated.\"", who=[Actor(name="Mike Brown", kind="person",
                                                               role="the commissioner of Transport for London")])
    guardian2 = source(4, "theguardian", "2016-11-10T08:21:04", "Mike Brown, London's transport commissioner, said "
                       "lives had been lost.", who=[Actor(name="Mike Brown", kind="person",
                                                          role="London's transport commissioner")])
    assert role_disagreements([dailymail, guardian2], merge_event([dailymail, guardian2]).who) == []


def test_a_quote_put_in_different_mouths_is_flagged_and_the_same_quote_is_shown_once() -> None:
    usatoday = source(1, "usatoday", "2016-11-09T18:50:08", 'Martin Bamford, 30, said: "It was just terrifying. '
                      "There was a woman that was on top of me ... I don't think she made it at all.\"")
    guardian = source(2, "theguardian", "2016-11-10T08:21:04", 'Kevin Snow said: "It was just terrifying. There was '
                      "a woman that was on top of me ... I don't think she made it at all.\"")
    dailymail = source(3, "dailymail", "2016-11-09T22:58:21", 'Martin Bamford said: "It was just terrifying. There '
                       "was a woman that was on top of me ... I don't think she made it at all.\"")
    positions, differing = merge_quotes([usatoday, guardian, dailymail])
    quotes = [q for p in positions for q in p.quotes]
    assert len(quotes) == 1 and quotes[0].attribution_differs
    assert {s.source for v in quotes[0].variants for s in v.sources} == {"s1", "s2", "s3"}
    found = attribution_disagreements([usatoday, guardian, dailymail], differing)
    assert [_values(d) for d in found] == [{"Martin Bamford": {"s1", "s3"}, "Kevin Snow": {"s2"}}]


def test_a_quote_worded_differently_is_one_statement_with_variants_and_an_excerpt_is_the_same_quote() -> None:
    usatoday = source(1, "usatoday", "2016-11-09T18:50:08", 'The RAIB said: "The derailment occurred on the curve and '
                      "initial indications suggest that the tram was traveling at a significantly higher speed than "
                      'is permitted," it said.')
    dailymail = source(2, "dailymail", "2016-11-09T22:58:21", 'The RAIB said: "Initial indications suggest that the '
                       'tram was travelling at a significantly higher speed than is permitted."')
    positions, _ = merge_quotes([usatoday, dailymail])
    assert len(positions) == 1 and len(positions[0].quotes) == 1
    assert len(positions[0].quotes[0].variants) == 2  # "traveling" / "travelling", and one drops the first clause
    bamford = source(3, "dailymail", "2016-11-09T22:58:21", 'Martin Bamford said: "I asked him if he was okay. He '
                     "said 'yeah'. I said to him 'what happened?' He said he thinks he blacked out.\"")
    excerpt = source(4, "theguardian", "2016-11-10T08:21:04", "Martin Bamford said: \"He said: 'Yeah.' I said to "
                     "him, 'What happened?' He said he thinks he blacked out.\"")
    positions, differing = merge_quotes([bamford, excerpt])
    assert [len(q.variants) for p in positions for q in p.quotes] == [1] and not differing
    assert {s.source for s in positions[0].quotes[0].variants[0].sources} == {"s3", "s4"}
