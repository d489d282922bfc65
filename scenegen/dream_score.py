"""Dream narratives → a performance: the order of events the text tells, as cues that each quote their words.

The text is read in order, sentence by sentence. Each sentence that tells something happening (a note,
a reaction of the audience, the flaw spreading, the mood turning, the hum deepening, a chronometer
running) gives one or more cues; the sentences that do are the performance's beats. A beat starts where
the one before it ended; "while" and "as" put it at the same moment as the one before, "when/as the last
note lingers" at the last note, "finally" after everything so far. A duration the text says ("two
minutes...") is the length of the whole, and the beats share it; without one each beat takes _BEAT
seconds (a phrase of notes as long as its notes).

What is left out on purpose: questions and conditionals ("Or will it shatter the moment I begin?") tell
what might happen, not what does; memories ("I remember the last attempt: the wrong note") tell what
happened before the dream.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dream import _Text

__all__ = ["ScoreCue", "Score", "read_score"]

_BEAT = 4.0                    # seconds a beat takes when the text says no duration
_NOTE_STEP = 0.9               # seconds between the notes of a phrase
_NOTE_LENGTH = 1.8
_LINGER = 6.0                  # the last note, lingering
_PHRASE_NOTES = 8              # notes of a phrase when the text does not count them
_MOST_CUES = 256               # a score is a story's beats; past this many the rest of a long text is not read
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
            "fifty": 50, "sixty": 60, "ninety": 90, "a": 1, "an": 1}
_UNITS = {"second": 1.0, "seconds": 1.0, "minute": 60.0, "minutes": 60.0, "hour": 3600.0, "hours": 3600.0}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10}
_SIMULTANEOUS = frozenset({"while", "as", "meanwhile"})
_MEMORY = frozenset({"remember", "remembered", "memory", "recall", "recalled", "once"})
_SKY_PALETTES = (("ink night black dark darkness midnight", "night"), ("dawn sunrise morning rose", "dawn"),
                 ("dusk sunset evening", "dusk"), ("twilight violet purple", "twilight"),
                 ("day noon blue", "day"), ("aurora emerald green", "aurora"))
_WHO = "audience|crowd|crowds|silhouette*|they|eyes|figures|spectators|listeners"
_POSE_WORDS = (("bow*", "bow"), ("rise*|rising|stand* up", "rise"), ("turn* toward*|turn* to|turn*", "turn"),
               ("reach*", "reach"))


@dataclass
class ScoreCue:
    """A cue for the seed file (its keys in seed-file order) and the words it came from."""
    data: dict[str, Any]
    phrase: str
    word: int


@dataclass
class Score:
    """What a narrative gives the `performance` section: header values with their phrases, and the cues."""
    header: dict[str, tuple[Any, str]] = field(default_factory=dict)
    cues: list[ScoreCue] = field(default_factory=list)


@dataclass
class _Event:
    kind: str
    word: int
    sentence: int
    phrase: str
    data: dict[str, Any]
    length: float | None = None       # None: the beat's length


def _sentence_words(t: _Text, s: int) -> list[str]:
    return t.words[t.sent_lo[s]:t.sent_hi[s]]


def _is_told(t: _Text, s: int) -> bool:
    """A sentence that tells what happens (not a question, a conditional or a memory)."""
    end = t.ends[t.sent_hi[s] - 1]
    after = t.text[end:end + 3]
    if "?" in after:
        return False
    words = set(_sentence_words(t, s))
    return not (words & _MEMORY)


def _duration(t: _Text, s: int) -> tuple[float, int, int] | None:
    """A duration said in sentence s: ("two minutes" → 120.0, first word, end word)."""
    lo, hi = t.sent_lo[s], t.sent_hi[s]
    for k in range(lo + 1, hi):
        unit = _UNITS.get(t.words[k])
        if unit is None:
            continue
        w = t.words[k - 1]
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            return float(w) * unit, k - 1, k + 1
        if w in _NUMBERS and w not in ("a", "an"):
            return _NUMBERS[w] * unit, k - 1, k + 1
        if w in ("a", "an", "one"):
            return unit, k - 1, k + 1
    return None


def _count_before(t: _Text, i: int) -> int | None:
    """"three notes" → 3; "the third note" → 3 (as an ordinal: the phrase reaches it)."""
    for k in range(i - 1, max(i - 4, -1), -1):
        w = t.words[k]
        if re.fullmatch(r"\d+", w):
            return int(w)
        if w in _NUMBERS and w not in ("a", "an"):
            return _NUMBERS[w]
        if w in _ORDINALS:
            return _ORDINALS[w]
    return None


class _Reader:
    def __init__(self, t: _Text, picks: Mapping[str, Any], colours: list[Any]):
        self.t = t
        self.picks = picks
        self.colours = colours
        self.events: list[_Event] = []
        self.tables: dict[str, dict[int, tuple[int, int]]] = {}
        self.counts: dict[str, int] = {}         # flaw fields said so far ("fractures" a second time spread on)
        self.phrase: _Event | None = None        # the phrase playing: bursts and lingering belong to it
        self.clock: _Event | None = None         # the chronometer, once the text has shown it
        self.header: dict[str, tuple[Any, str]] = {}
        self.eye_group = next((k for k in range(16) if picks.get(f"audience[{k}].figure") == "eye"), None)
        groups = [k for k in range(16) if f"audience[{k}].figure" in picks or f"audience[{k}].count" in picks]
        self.groups = groups or ([0] if any(p.startswith("audience[0]") for p in picks) else [])
        flawed = picks.get("props.spheres.flawed")
        self.flawed = int(flawed[0]) if flawed else None
        self.instrument = bool(picks.get("props.instrument.enabled"))
        self.spheres = int(picks.get("props.spheres.count", 0) or 0)
        self.follows = picks.get("sky.screens.follows")

    def has(self, s: int, cue: str) -> tuple[int, int] | None:
        """The first affirmed match of `cue` in sentence s. Matches are indexed by sentence once per cue,
        so reading stays linear in the text."""
        table = self.tables.get(cue)
        if table is None:
            table = self.tables[cue] = {}
            for i, j in self.t.affirmed(cue):
                table.setdefault(self.t.sent[i], (i, j))
        return table.get(s)

    def add(self, kind: str, i: int, j: int, data: dict[str, Any], length: float | None = None,
            left: int = 3, right: int = 3) -> None:
        t = self.t
        self.events.append(_Event(kind, i, t.sent[i], t.phrase(i, j, left, right), {"kind": kind, **data}, length))

    def colours_in(self, s: int, after: int = -1) -> list[str]:
        return [c.hex for c in self.colours if self.t.sent[c.i] == s and c.i >= after]

    # ---------------------------------------------------------------------------------------- kinds

    def countdown(self, s: int) -> None:
        hit = self.has(s, "chronometer*|countdown|hourglass*|timer|clock")
        if hit is None:
            return
        t = self.t
        made = self.clock
        if made is not None:      # a later mention: "The stardust chronometer swirls faster"
            faster = self.has(s, "faster|quicken*|urgent*")
            if faster is not None:
                made.data["swirl"] = 6.0
                made.phrase += " … " + t.phrase(min(hit[0], faster[0]), max(hit[1], faster[1]))
            return
        style = "stardust"
        for k in range(t.sent_lo[s], t.sent_hi[s]):
            w = t.words[k]
            if w.startswith(("stardust", "star")):
                style = "stardust"
                break
            if w.startswith("sand"):
                style = "sand"
                break
            if w in ("mercury", "quicksilver"):
                style = "mercury"
                break
        said = _duration(t, s) or (_duration(t, s + 1) if s + 1 < t.sentences else None)
        data: dict[str, Any] = {"style": style}
        if said is not None:
            data["seconds"] = said[0]
            self.header["duration"] = (said[0], t.quote(said[1], said[2]))
        if self.has(s, "faster|quicken*") is not None:
            data["swirl"] = 6.0
        self.add("countdown", hit[0], hit[1], data)
        self.clock = self.events[-1]

    def hum(self, s: int) -> None:
        t = self.t
        hit = self.has(s, "hum|hums|humming|drone")
        if hit is None:
            sour = self.has(s, "dissonance|sour undertone|sour")
            if sour is not None and not self.flaw_words(s):
                self.add("hum", sour[0], sour[1], {"sour": 0.3})
            return
        deep = self.has(s, "deepen*|lower*|darken*|grows deeper")
        if deep is not None:
            data: dict[str, Any] = {"pitch": "G1", "level": 0.5}
            if self.has(s, "accus*|question*|sour*|ominous|threat*"):
                data["sour"] = 0.6
            self.add("hum", min(hit[0], deep[0]), max(hit[1], deep[1]), data)
            return
        if self.has(s, "fade*|fall* silent|dies|quiet*|hush*"):
            self.add("hum", hit[0], hit[1], {"level": 0.1})
            return
        if "hum" not in self.header and self.has(s, "fill*|resonant|low|air hums|hum with|hums with"):
            self.header["hum"] = (0.3, t.phrase(hit[0], hit[1]))
        sour = self.has(s, "dissonance|sour undertone|sour")
        if sour is not None:
            self.add("hum", sour[0], sour[1], {"sour": 0.3})

    def flaw_words(self, s: int) -> bool:
        return self.has(s, "flicker*|waver*|fracture*|crack*|buzz*|splinter*|shard*|warp*|shatter*") is not None

    def flaw(self, s: int) -> None:
        # The flaw is the flawed sphere's: a sentence about it ("Its steady blue light wavers"), not any
        # flicker ("My gaze flickers upwards").
        if self.flawed is None or self.has(s, "sphere*|its|azure|globe*|crystal*|fracture*|crack*|buzz*") is None:
            return
        base = {"sphere": self.flawed}
        done = False
        flickers = self.counts.get("flicker", 0)
        for cue, data in (("waver*|flicker*|pulsing erratically", {"flicker": 0.9 if flickers else 0.6}),
                          ("fracture* spread*|crack* spread*|spread* visibly|fractures|cracks", None),
                          ("tone * warp|begins to warp|warp*", {"detune": -15.0, "buzz": 0.3}),
                          ("buzz* intensif*|buzz* grow*|buzz* louder", {"buzz": 0.9, "detune": -38.0}),
                          ("splinter*|shard*|flak*", {"shards": 3.0})):
            hit = self.has(s, cue)
            if hit is None:
                continue
            if data is None:     # fractures: the first mention half-way, "visibly"/"now" all the way
                spread = self.counts.get("reveal", 0)
                data = {"reveal": 1.0 if spread or self.has(s, "visibly|now|everywhere") else 0.5}
            self.add("flaw", hit[0], hit[1], {**base, **data}, right=4)
            for key in data:
                self.counts[key] = self.counts.get(key, 0) + 1
            done = True
        if not done and self.has(s, "shatter*|breaks apart|bursts apart"):
            hit = self.has(s, "shatter*|breaks apart|bursts apart")
            assert hit is not None
            self.add("flaw", hit[0], hit[1], {**base, "reveal": 1.0, "shatter": True})

    def notes(self, s: int) -> None:
        t = self.t
        play = self.has(s, "i play|we play|she plays|he plays|begins to play|begin to play|notes ring|plays")
        single = self.has(s, "a note|one note|single note|first note|the note")
        if play is None and single is None:
            return
        if single is not None and play is None:
            before = t.words[max(single[0] - 2, 0):single[0]]
            if "before" in before or "wrong" in before:
                return
        voice: dict[str, Any]
        if self.instrument:
            voice = {"sphere": "instrument"}
        elif self.spheres:
            voice = {}
        else:
            return
        if play is None:
            assert single is not None
            data = {**voice, "length": 3.5, "level": 0.5}
            if "sphere" not in voice:
                data["sphere"] = 0
            self.add("note", single[0], single[1], data, length=4.0)
            return
        count = None
        for i, _j in t.affirmed("notes"):
            if t.sent[i] == s:
                count = _count_before(t, i)
        n = count or _PHRASE_NOTES
        data = {**voice, "step": _NOTE_STEP, "length": _NOTE_LENGTH}
        if "sphere" in voice:
            scale = ("C5", "E5", "G5", "A5", "G5", "E5", "D5", "E5", "G5", "C6", "A5", "C6")
            data["tones"] = [scale[k % len(scale)] for k in range(n)]
        else:
            data["spheres"] = [k % self.spheres for k in range(n)]
        self.add("phrase", play[0], play[1], data, length=n * _NOTE_STEP + _NOTE_LENGTH)
        self.phrase = self.events[-1]

    def bursts(self, s: int) -> None:
        """"Colors burst in the wake of each note—indigo ripples, wildfire golds": the phrase's burst."""
        hit = self.has(s, "burst*|bloom*|explod*")
        phrase = self.phrase
        if hit is None or phrase is None:
            return
        palette = list(dict.fromkeys(self.colours_in(s, hit[0])))[:4]
        if palette:
            phrase.data["burst"] = {"palette": palette, "count": 240}
            phrase.phrase += " … " + self.t.phrase(hit[0], hit[1], 2, 8)

    def linger(self, s: int) -> None:
        hit = self.has(s, "last note linger*|last note|note lingers|lingers")
        phrase = self.phrase
        if hit is not None and phrase is not None and "last" not in phrase.data:
            phrase.data["last"] = _LINGER
            phrase.length = (phrase.length or 0.0) + _LINGER - _NOTE_LENGTH
            phrase.phrase += " … " + self.t.phrase(hit[0], hit[1])

    def audience(self, s: int) -> None:
        t = self.t
        if not self.groups:
            return
        eyes = self.has(s, "eye|eyes|gaze|irises")
        group = self.eye_group if eyes is not None and self.eye_group is not None else self.groups[0]
        for cue, action, extra in (("sway*", "sway", {}),
                                   ("dissolv* and reform*|reform*|re-form*|forms dissolv*", "dissolve",
                                    {"amount": 0.75}),
                                   ("breathe* in unison|breathe* as one|breath* in unison|breathe* together",
                                    "breathe", {}),
                                   ("zoom* in|lean* in|loom*|draw* closer|come* closer", "lean", {})):
            hit = self.has(s, cue)
            if hit is not None:
                length = 10.0 if action == "breathe" else None
                self.add("audience", hit[0], hit[1], {"group": group, "action": action, **extra}, length=length)
        for cue, action in _POSE_WORDS:
            hit = self.has(s, cue)
            # the pose is the audience's: its noun within a few words ("The crowd bows", not "the notes rise")
            who = None if hit is None else t.near(hit[0], hit[1], _WHO, 3)
            if (who is not None and hit is not None and who[1] <= hit[0] and t.clause[who[0]] == t.clause[hit[0]]
                    and not any(t.comma[k] for k in range(who[1], hit[0] + 1))):
                self.add("audience", min(hit[0], who[0]), max(hit[1], who[1]), {"group": group, "action": action})
                break

    def mood(self, s: int) -> None:
        hit = self.has(s, "streaks of|turn* to|turns into|bleed* into|shift* to|becom*")
        if hit is None or self.has(s, "screen*|mood|patterns|gold|crowd") is None or self.has(s, "sky") is not None:
            return
        colour = self.colours_in(s, hit[0])
        if not colour or not self.groups:
            return
        group = self.follows if isinstance(self.follows, int) else self.groups[0]
        data: dict[str, Any] = {"group": group, "to": colour[0], "strength": 0.85}
        if self.has(s, "flicker*|flash*"):
            data["flicker"] = 0.6
        self.add("mood", hit[0], hit[1], data, right=5)

    def sky(self, s: int) -> None:
        t = self.t
        hit = self.has(s, "sky darkens|sky turns|sky fades|sky brightens|sky shifts|sky deepens|sky moves|dawn breaks|"
                         "night falls")
        if hit is None or self.has(s, "between") is not None:
            return
        words = _sentence_words(t, s)
        after = words[words.index(t.words[hit[0]]):]
        target = "night" if any(w.startswith("dark") for w in after) else None
        for k in range(len(after) - 1, -1, -1):           # the last palette word names where it goes
            found = next((name for ws, name in _SKY_PALETTES if after[k] in ws.split()), None)
            if found:
                target = found
                break
        if "dawn breaks" in " ".join(words):
            target = "dawn"
        if target is None:
            return
        self.add("sky", hit[0], hit[1], {"to": target}, right=6)

    def ripples(self, s: int) -> None:
        hit = self.has(s, "uncertain step*|each step|each * step|ripples beneath|rippling beneath|footstep*")
        if hit is not None:
            self.add("ripple", hit[0], hit[1], {"points": [[-0.8, 1.2], [0.6, 0.6], [-0.3, 0.0], [0.2, -0.4]],
                                                "step": 1.1}, left=0, right=7)

    def silence(self, s: int) -> None:
        hit = self.has(s, "silence|held breath|breath held|holds its breath|hold their breath")
        if hit is not None:
            self.events.append(_Event("silence", hit[0], s, self.t.phrase(hit[0], hit[1]), {}, None))

    # ------------------------------------------------------------------------------------------ time

    def read(self) -> Score:
        t = self.t
        for s in range(t.sentences):
            if len(self.events) >= _MOST_CUES:
                break
            if not _is_told(t, s):
                continue
            before = len(self.events)
            self.countdown(s)
            self.flaw(s)
            self.notes(s)
            self.bursts(s)
            self.linger(s)
            self.audience(s)
            self.mood(s)
            self.sky(s)
            self.hum(s)
            self.ripples(s)
            if len(self.events) == before:
                self.silence(s)
        return self.timed()

    def timed(self) -> Score:
        t = self.t
        beats: list[list[_Event]] = []
        for ev in sorted(self.events, key=lambda e: e.word):
            if beats and beats[-1][0].sentence == ev.sentence:
                beats[-1].append(ev)
            else:
                beats.append([ev])
        total = self.header.get("duration", (None, ""))[0]
        beat = _BEAT
        if total is not None:
            timed = [b for b in beats if not all(e.kind == "countdown" for e in b)]
            beat = total / max(len(timed), 1)
        now = 0.0
        last_note = prev_at = 0.0
        ends: list[float] = []
        cues: list[ScoreCue] = []
        for group in beats:
            s = group[0].sentence
            first = t.words[t.sent_lo[s]]
            lingers = self.has(s, "last note linger*|note lingers|lingers") is not None
            if first in _SIMULTANEOUS or (lingers and first in ("when", "as", "and")):
                at = last_note if lingers else prev_at
            elif first == "finally" or self.has(s, "at last|in the end") is not None:
                at = max(ends, default=now)
            else:
                at = now
            span = 0.0 if all(e.kind == "countdown" for e in group) else beat
            for ev in group:
                if ev.kind == "countdown":
                    start = 0.0 if total is not None else at    # "Two minutes...": it runs the whole
                    length = (total - start) if total is not None else None
                    data = dict(ev.data)
                    data.setdefault("seconds", round(length or 60.0, 3))
                    if length is not None and length != data["seconds"]:
                        data["length"] = round(length, 3)
                    cues.append(ScoreCue({"kind": "countdown", "at": round(start, 3), **_rest(data)}, ev.phrase,
                                         ev.word))
                    ends.append(start + (length or data["seconds"]))
                    continue
                if ev.kind == "silence":
                    continue
                length = ev.length if ev.length is not None else (1.5 * beat if ev.kind != "note" else 4.0)
                if total is not None:
                    length = max(min(length, total - at), 0.5)
                data = {"kind": ev.kind, "at": round(at, 3)}
                if ev.kind not in ("phrase",):
                    data["length"] = round(length, 3)
                data.update(_rest(ev.data))
                cues.append(ScoreCue(data, ev.phrase, ev.word))
                ends.append(at + length)
                if ev.kind == "phrase":            # it plays on under the beats that follow
                    n = len(ev.data.get("tones") or ev.data.get("spheres") or [])
                    last_note = at + (n - 1) * ev.data["step"]
                elif ev.kind == "note":
                    last_note = at
            prev_at = at
            now = at + span
        score = Score(header=dict(self.header), cues=cues)
        if total is not None:
            for c in cues:                           # the text's duration bounds what it tells
                if c.data["at"] >= total:
                    c.data["at"] = round(max(total - 1.0, 0.0), 3)
        return score


def _rest(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "kind"}


def read_score(t: _Text, picks: Mapping[str, Any], colours: list[Any]) -> Score:
    """The performance a narrative tells: its cues in text order, timed, each quoting its phrase.

    `picks`: the values already decided for the scene (which groups, spheres and instrument it has), by
    key path; `colours`: the colours the text names (dream._colours), for bursts and moods.
    """
    return _Reader(t, picks, colours).read()
