"""from-text reads a narrative's order of events into a performance: cues in the text's order, timed, quoting."""

from __future__ import annotations

import colorsys
from typing import Any

import pytest

from scenegen.dream import Derivation, derive
from scenegen.examples import EXAMPLES_DIR
from scenegen.spec import AudienceCue, CountdownCue, FlawCue, HumCue, MoodCue, NoteCue, PhraseCue, RippleCue, SkyCue

_derived: dict[str, Derivation] = {}


def dream(name: str) -> Derivation:
    if name not in _derived:
        _derived[name] = derive((EXAMPLES_DIR / f"{name}.txt").read_text(encoding="utf-8"))
    return _derived[name]


def cues(d: Derivation, kind: type) -> list[Any]:
    return [c for c in d.spec.performance.cues if isinstance(c, kind)]


def test_every_cue_quotes_words_of_its_text() -> None:
    for name in ("grand-auditorium", "liquid-silver-stage"):
        d = dream(name)
        text = " ".join((EXAMPLES_DIR / f"{name}.txt").read_text(encoding="utf-8").split())
        said = [x for x in d.decisions if x.path.startswith("performance.cues[")]
        assert len(said) == len(d.spec.performance.cues) > 5
        for decision in said:
            for phrase in decision.phrase.split(" … "):
                assert phrase in text, phrase
                assert f'"{phrase}"' in d.yaml


def test_the_grand_auditorium_counts_two_minutes_while_the_flaw_spreads() -> None:
    d = dream("grand-auditorium")
    perf = d.spec.performance
    assert perf.duration == 120.0 and 'duration: 120.0' in d.yaml and '"Two minutes"' in d.yaml
    (clock,) = cues(d, CountdownCue)
    assert (clock.at, clock.seconds, clock.style, clock.swirl) == (0.0, 120.0, "stardust", 6.0)
    assert all(0.0 <= c.at < 120.0 for c in perf.cues)
    flaws = cues(d, FlawCue)
    assert {f.sphere for f in flaws} == set(d.spec.props.spheres.flawed) == {6}
    # In the text's order: it flickers, its light wavers, fractures spread, its tone warps, they spread
    # visibly, the buzzing intensifies.
    flicker = [f.flicker for f in flaws if f.flicker is not None]
    reveal = [f.reveal for f in flaws if f.reveal is not None]
    buzz = [f.buzz for f in flaws if f.buzz is not None]
    assert flicker == sorted(flicker) and reveal == [0.5, 1.0] and buzz == [0.3, 0.9]
    assert [f.at for f in flaws] == sorted(f.at for f in flaws)
    assert any(f.shards for f in flaws)
    assert not any(f.shatter for f in flaws)          # "Or will it shatter ...?" is a question
    (lean,) = [a for a in cues(d, AudienceCue) if a.action == "lean"]
    assert d.spec.audience[lean.group].figure == "eye"
    (mood,) = cues(d, MoodCue)
    hue = colorsys.rgb_to_hls(*(int(mood.to[k:k + 2], 16) / 255 for k in (1, 3, 5)))[0] * 360
    assert (hue < 20 or hue > 330) and mood.flicker > 0 and mood.at == lean.at   # the same sentence
    sour, deeper = cues(d, HumCue)
    assert sour.sour and sour.at < flaws[0].at and deeper.pitch == "G1" and deeper.at > mood.at


def test_the_liquid_silver_stage_plays_then_sways_then_breathes_as_the_last_note_lingers() -> None:
    d = dream("liquid-silver-stage")
    perf = d.spec.performance
    assert perf.hum.level > 0 and "hums with" in d.yaml
    (steps,) = cues(d, RippleCue)
    (touch,) = cues(d, NoteCue)
    (phrase,) = cues(d, PhraseCue)
    assert steps.at < touch.at < phrase.at and touch.sphere == phrase.sphere == "instrument"
    assert len(phrase.tones) == 8 and phrase.last == 6.0
    assert phrase.burst.palette == ("#4b0082", "#ffa31a", "#d4d9e2")      # indigo, wildfire gold, liquid silver
    sway, dissolve, breathe = cues(d, AudienceCue)
    assert (sway.action, dissolve.action, breathe.action) == ("sway", "dissolve", "breathe")
    assert phrase.at < sway.at == dissolve.at < breathe.at
    assert breathe.at == pytest.approx(phrase.at + 7 * phrase.step)     # "when the last note lingers"


def test_sequence_words_order_new_texts() -> None:
    d = derive("Five crystal spheres float above a silver stage before a crowd of silhouettes. "
               "The sky darkens from rose to ink. Then I play three notes. The crowd bows. "
               "Finally the hum deepens.")
    kinds = [(type(c).__name__, c.at) for c in d.spec.performance.cues]
    assert [k for k, _ in kinds] == ["SkyCue", "PhraseCue", "AudienceCue", "HumCue"]
    sky, phrase, bow, hum = d.spec.performance.cues
    assert isinstance(sky, SkyCue) and sky.to == "night"
    assert isinstance(phrase, PhraseCue) and phrase.spheres == (0, 1, 2) and phrase.at > sky.at
    assert isinstance(bow, AudienceCue) and bow.action == "bow" and bow.at > phrase.at
    assert isinstance(hum, HumCue) and hum.at >= max(c.at + (c.length or 0) for c in (sky, bow))
    # "while" puts a beat at the moment of the one before
    d = derive("A silver stage before a crowd of silhouettes; in my hands, a crystal instrument. I play. "
               "While the notes rise, the crowd sways.")
    (phrase,) = cues(d, PhraseCue)
    (sway,) = cues(d, AudienceCue)
    assert sway.at == phrase.at


def test_durations_questions_and_memories() -> None:
    d = derive("A silver stage before a crowd. The countdown runs for ninety seconds. The audience sways. "
               "Will the sphere shatter? I remember the wrong note.")
    (clock,) = cues(d, CountdownCue)
    assert clock.seconds == 90.0 and d.spec.performance.duration == 90.0
    assert cues(d, NoteCue) == [] and cues(d, FlawCue) == []
    assert derive("A quiet stage under a violet sky.").spec.performance.cues == ()
    assert "performance:" not in derive("A quiet stage under a violet sky.").yaml
