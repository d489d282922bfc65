"""Dream narratives → seed files: each image the text names becomes a seed-file value that quotes it.

`derive(text)` reads a narrative with a regex tokenizer and tables of phrase rules (below, each with the
reason for its mapping), writes a commented seed file in which every derived value quotes the words it
came from, and loads that file back with `parse_seed`: the file and the spec can never disagree.
`read_dream(path)` does the same for a file, and turns every unusable input into one `DreamError` line.

Time is linear in the text: one regex pass finds the words (no nested quantifiers, so nothing to
backtrack), phrases are found from an index of the words, and every search reaches a bounded number of
words. Texts above `MAX_BYTES` are refused.

What was tried and left: reading colours and counts from a whole paragraph attached them to the wrong
things ("eyes like distant stars" made a crowd of eyes); they are now read from the nearest noun in the
sentence, and counts only from the words right before their noun.
"""

from __future__ import annotations

import bisect
import colorsys
import functools
import hashlib
import json
import math
import os
import re
import stat
import sys
import typing
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Union

from . import dream_lexicon as lex
from .dream_score import Score, read_score
from .seedfile import SeedError, parse_seed, spec_fields, spec_to_data
from .spec import LIMITS, AudienceGroupSpec, SeedSpec, SpheresSpec
from .starter import SCHEMA_NAME
from .tones import pentatonic, tone_to_hz

__all__ = ["MAX_BYTES", "Decision", "Derivation", "DreamError", "derive", "read_dream"]

MAX_BYTES = LIMITS["file.bytes"]
"""The largest text read, in bytes of UTF-8 (1 MiB): a novel's worth of dream, and a bound on time."""


# ------------------------------------------------------------------------------------------- results

class DreamError(ValueError):
    """A text that gives no scene; str() is one line, `source: what is wrong`."""

    def __init__(self, source: str, message: str):
        self.source = _clean(str(source)) or "<text>"
        self.message = message
        super().__init__(f"{self.source}: {message}")


class Decision(NamedTuple):
    """One value the text decided: its key path in the seed file, the value, and the words it came from
    (several places in the text are joined with " … ")."""
    path: str
    value: Any
    phrase: str


@dataclass(frozen=True)
class Derivation:
    """What a narrative gives: the spec, the seed file written for it, and the decisions behind it."""
    spec: SeedSpec
    yaml: str
    decisions: tuple[Decision, ...]

    def decided(self, path: str) -> Decision | None:
        """The decision for one key path (e.g. `stage.material`, `audience[0].count`), if the text made one."""
        for d in self.decisions:
            if d.path == path:
                return d
        return None


# ------------------------------------------------------------------------------------------ the text

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
_SENTENCE_END = frozenset(".!?…。！？")
_CLAUSE_END = frozenset(";:—–()[]{}")
_HYPHENS = frozenset({"-", "‐", "‑"})
# A negation covers the next few words of its clause ("I don't see cheering crowds", "no longer made of
# people") unless it only sharpens them ("not just a stage, but…") or a contrast ends it.
_NEGATORS = frozenset("not no never nor without neither don't doesn't didn't isn't aren't wasn't weren't "
                      "can't cannot won't couldn't wouldn't shouldn't".split())
_NOT_NEGATING = frozenset("just only merely simply quite".split())
_CONTRAST = frozenset("but yet instead rather only".split())
_NEGATION_REACH = 4


def _clean(s: str) -> str:
    """One line of printable text: control and format characters and line separators become spaces."""
    out = []
    for ch in s:
        cat = unicodedata.category(ch)
        out.append(" " if cat[0] == "C" or cat in ("Zl", "Zp") else ch)
    return " ".join("".join(out).split())


def _alternatives(cue: str) -> list[tuple[str, ...]]:
    return [tuple(alt.split()) for alt in cue.split("|")]


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


class _Text:
    """A narrative as words with their places: sentence, clause, paragraph, and the punctuation before."""

    def __init__(self, text: str):
        self.text = text
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        sent: list[int] = []
        clause: list[int] = []
        para: list[int] = []
        comma: list[bool] = []            # a comma before this word
        hyphen: list[bool] = []           # joined to the word before by a hyphen alone
        s = c = p = 0
        prev = -1
        for m in _TOKEN.finditer(text):
            start, end = m.span()
            word = m.group()
            has_comma = has_hyphen = False
            if prev >= 0:
                gap = text[prev:start]
                if gap != " ":
                    new_para = "\n" in gap and _PARAGRAPH.search(gap) is not None
                    # "is... flickering" goes on: a full stop before a lower-case word ends no sentence.
                    stop = new_para or (not word[0].islower() and not _SENTENCE_END.isdisjoint(gap))
                    p += new_para
                    s += stop
                    if stop or not _CLAUSE_END.isdisjoint(gap) or " - " in gap:
                        c += 1
                    has_comma = "," in gap
                    has_hyphen = gap in _HYPHENS
            words.append(word.casefold().replace("’", "'"))
            starts.append(start)
            ends.append(end)
            sent.append(s)
            clause.append(c)
            para.append(p)
            comma.append(has_comma)
            hyphen.append(has_hyphen)
            prev = end
        n = self.n = len(words)
        self.words, self.starts, self.ends = words, starts, ends
        self.sent, self.clause, self.para, self.comma, self.hyphen = sent, clause, para, comma, hyphen
        self.sentences = s + 1 if n else 0
        self.sent_lo = [0] * self.sentences
        self.sent_hi = [0] * self.sentences
        for k in range(n):
            if k == 0 or self.sent[k] != self.sent[k - 1]:
                self.sent_lo[self.sent[k]] = k
            self.sent_hi[self.sent[k]] = k + 1
        self.index: dict[str, list[int]] = {}
        for k, w in enumerate(words):
            self.index.setdefault(w, []).append(k)
        self.vocab = sorted(self.index)
        self._found: dict[str, list[tuple[int, int]]] = {}
        self._affirmed: dict[str, list[tuple[int, int]]] = {}
        self._starts: dict[str, list[int]] = {}

    # ------------------------------------------------------------------------------------ finding

    def _positions(self, pattern: str) -> list[int]:
        if not pattern.endswith("*"):
            return self.index.get(pattern, [])
        prefix = pattern[:-1]
        k = bisect.bisect_left(self.vocab, prefix)
        out: list[int] = []
        while k < len(self.vocab) and self.vocab[k].startswith(prefix):
            out.extend(self.index[self.vocab[k]])
            k += 1
        out.sort()
        return out

    def find(self, cue: str) -> list[tuple[int, int]]:
        """Every (first, end) word span the cue matches, in text order; a phrase stays within a clause."""
        hit = self._found.get(cue)
        if hit is None:
            out = []
            for alt in _alternatives(cue):
                for i in self._positions(alt[0]):
                    j = i + 1
                    for pattern in alt[1:]:
                        if (j >= self.n or self.clause[j] != self.clause[i]
                                or not _word_matches(pattern, self.words[j])):
                            break
                        j += 1
                    else:
                        out.append((i, j))
            out.sort()
            hit = self._found[cue] = out
        return hit

    def negated(self, i: int) -> bool:
        for k in range(i - 1, max(i - 1 - _NEGATION_REACH, -1), -1):
            if self.clause[k] != self.clause[i] or self.words[k] in _CONTRAST:
                return False
            if self.words[k] in _NEGATORS:
                return not (k + 1 < self.n and self.words[k + 1] in _NOT_NEGATING)
        return False

    def affirmed(self, cue: str) -> list[tuple[int, int]]:
        """The matches of a cue that no negation covers."""
        hit = self._affirmed.get(cue)
        if hit is None:
            hit = self._affirmed[cue] = [m for m in self.find(cue) if not self.negated(m[0])]
            self._starts[cue] = [m[0] for m in hit]
        return hit

    def sentences_with(self, cue: str) -> set[int]:
        return {self.sent[i] for i, _ in self.affirmed(cue)}

    def near(self, i: int, j: int, cue: str, reach: int) -> tuple[int, int] | None:
        """The closest affirmed match of `cue` within `reach` words of the span [i, j), in its sentence."""
        spans = self.affirmed(cue)
        starts = self._starts[cue]
        lo = bisect.bisect_left(starts, i - reach - 8)
        hi = bisect.bisect_right(starts, j + reach)
        best: tuple[int, tuple[int, int]] | None = None
        for a, b in spans[lo:hi]:
            if self.sent[a] != self.sent[i]:
                continue
            gap = i - b if b <= i else (a - j if a >= j else 0)
            if gap <= reach and (best is None or gap < best[0]):
                best = (gap, (a, b))
        return best[1] if best else None

    def is_title(self, k: int) -> bool:
        ch = self.text[self.starts[k]]
        return ch.isupper()

    # ------------------------------------------------------------------------------------- quoting

    def around(self, i: int, j: int, left: int = 3, right: int = 3) -> tuple[int, int]:
        """The span widened by up to `left`/`right` words, within its clause and between commas."""
        a = i
        while a > 0 and i - a < left and self.clause[a - 1] == self.clause[i] and not self.comma[a]:
            a -= 1
        b = j
        while b < self.n and b - j < right and self.clause[b] == self.clause[j - 1] and not self.comma[b]:
            b += 1
        return a, b

    def quote(self, i: int, j: int, limit: int = 76) -> str:
        """The text of words [i, j) as written, on one line, shortened in the middle when long."""
        raw = self.text[self.starts[i]:self.ends[j - 1]]
        if len(raw) > 4 * limit:            # only the ends are shown: clean no more than them
            raw = raw[:2 * limit] + " " + raw[-2 * limit:]
        s = _clean(raw)
        if len(s) <= limit:
            return s
        head = s[:limit * 3 // 5].rsplit(" ", 1)[0]
        tail = s[-(limit * 2 // 5):].split(" ", 1)[-1]
        return f"{head} … {tail}"

    def phrase(self, i: int, j: int, left: int = 3, right: int = 3) -> str:
        """A quote for a match: short matches get a few words of their clause around them, without
        dangling little words at either end ("On colossal screens interwoven with the" → "colossal
        screens interwoven")."""
        a, b = self.around(i, j, left, right) if j - i <= 2 else (i, j)
        while a < i and self.words[a] in _LEADING_STOP:
            a += 1
        while b > j and self.words[b - 1] in _TRAILING_STOP:
            b -= 1
        return self.quote(a, b)

    # ------------------------------------------------------------------------------------- amounts

    def amount_before(self, i: int, reach: int = 6) -> tuple[str, float, int] | None:
        """The amount said just before the noun at i: ("exact", n, first word) or ("level", 1…8, first word).

        Adjectives may stand between ("seven crystal spheres", "billions of enormous, luminous eyes");
        a determiner or a verb may not ("the smallest one, the Azure Sphere" counts no spheres).
        """
        k = i - 1
        while k >= 0 and i - k <= reach and self.clause[k] == self.clause[i]:
            w = self.words[k]
            if _is_amount(w):
                if w in ("one", "single", "lone", "solitary") and k != i - 1:
                    return None
                break
            if w in _STOP_BETWEEN:
                return None
            k -= 1
        else:
            return None
        end = k + 1
        a = k
        while (a > 0 and k - a < 8 and self.clause[a - 1] == self.clause[k]
               and (self.words[a - 1] in _RUN_JOIN or _is_amount(self.words[a - 1]))):
            a -= 1
        while a < end and (self.words[a] in ("of", "and", "upon")
                           or (self.words[a] in ("a", "an") and not _is_amount(self.words[a + 1]))):
            a += 1
        parsed = _parse_amount(self.words[a:end])
        return None if parsed is None else (parsed[0], parsed[1], a)


_TRAILING_STOP = frozenset("the a an of with and or to in on into onto for from my your its their his her our me "
                           "us them it is are was were be been that which who as at by like than then so but "
                           "beneath before after over under through across".split())
_LEADING_STOP = _TRAILING_STOP - {"the", "a", "an", "my", "your", "its", "their", "his", "her", "our"}
_STOP_BETWEEN = frozenset("the this that these those its their his her my our your a an is are was were be "
                          "been being have has had who which".split())
_RUN_JOIN = frozenset({"and", "upon", "of", "a", "an"})
# "tens of thousands" is more than thousands: the first word multiplies the second.
_VAGUE_MULTIPLY = {"tens": 1, "dozens": 1, "scores": 1, "hundreds": 2, "thousands": 3, "millions": 4}


def _is_amount(w: str) -> bool:
    return (w in lex.UNITS or w in lex.TENS or w in lex.MULTIPLIERS or w in lex.VAGUE_AMOUNTS
            or w.replace(",", "").replace(".", "").isdigit())


def _parse_amount(run: list[str]) -> tuple[str, float] | None:
    vague = [w for w in run if w in lex.VAGUE_AMOUNTS]
    if vague:
        level = max(lex.VAGUE_AMOUNTS[w] for w in vague)
        if len(vague) >= 2 and "of" in run and vague[0] in _VAGUE_MULTIPLY:
            level = lex.VAGUE_AMOUNTS[vague[-1]] + _VAGUE_MULTIPLY[vague[0]]
        return "level", float(min(level, 8))
    total = current = 0.0
    seen = words_used = False
    for w in run:
        if w in ("a", "an", "and", "of", "upon"):
            continue
        if w in lex.UNITS:
            current += lex.UNITS[w]
            words_used = True
        elif w in lex.TENS:
            current += lex.TENS[w]
            words_used = True
        elif w in lex.MULTIPLIERS:
            current = (current or 1.0) * lex.MULTIPLIERS[w]
            if lex.MULTIPLIERS[w] >= 1000:
                total, current = total + current, 0.0
            words_used = True
        else:
            try:
                current += float(w.replace(",", ""))
            except ValueError:
                return None
        seen = True
    if not seen:
        return None
    n = total + current
    # A million or more, in words, is a way of saying "a lot" (digits are taken at their word).
    if words_used and n >= 1e6:
        return "level", 8.0 if n >= 1e9 else 7.0
    return "exact", n


# ------------------------------------------------------------------------------------------- colours

def _colour_tables() -> tuple[dict[str, str], frozenset[str]]:
    table = dict(lex.CSS_COLORS)
    table.update(lex.POETIC_COLORS)
    firsts = {name[:k] for name in lex.CSS_COLORS for k in range(3, len(name))}
    firsts |= {name.split()[0] for name in lex.POETIC_COLORS if " " in name}
    return table, frozenset(firsts)


_COLOURS, _COLOUR_FIRSTS = _colour_tables()
# Words after a colour that show it is one ("amber light", "rose hues"), and before "of" ("hues of amber").
_COLOUR_NOUNS = frozenset("light lights glow glows glowing hue hues colour colours color colors coloured colored "
                          "shade shades tint tints tinted sheen gleam glint glimmer radiance tone tones flame "
                          "flames fire sky skies mist haze smoke streak streaks".split())
_COLOUR_OF = _COLOUR_NOUNS | {"splashes", "flecks", "ribbons", "bands", "pools", "washes", "streaks"}


class _Colour(NamedTuple):
    a: int             # first word, modifiers included
    i: int             # first word of the colour name
    end: int
    hex: str
    key: str
    ambiguous: bool


def _hex_rgb(h: str) -> tuple[float, float, float]:
    return int(h[1:3], 16) / 255.0, int(h[3:5], 16) / 255.0, int(h[5:7], 16) / 255.0


def _rgb_hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02x}" for v in (r, g, b))


@functools.lru_cache(maxsize=4096)
def _modify(h: str, word: str) -> str:
    """A colour shaped by one modifier word (see dream_lexicon.COLOR_MODIFIERS), in HLS on sRGB values."""
    m = lex.COLOR_MODIFIERS[word]
    hue, light, sat = colorsys.rgb_to_hls(*_hex_rgb(h))
    if "hue_to" in m and sat > 0.05:
        d = ((m["hue_to"] - hue * 360.0 + 180.0) % 360.0) - 180.0
        if abs(d) <= 60.0:
            hue = ((hue * 360.0 + max(-m["hue_by"], min(m["hue_by"], d))) % 360.0) / 360.0
    light *= m.get("l", 1.0)
    light += (1.0 - light) * m.get("lift", 0.0)
    light = max(light, m.get("l_min", 0.0))
    sat = sat * m.get("s", 1.0) + m.get("s_add", 0.0)
    sat = max(sat, m.get("s_min", 0.0))
    sat = m.get("s_set", sat)
    return _rgb_hex(*colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), min(max(sat, 0.0), 1.0)))


@functools.lru_cache(maxsize=4096)
def _mix(a: str, b: str) -> str:
    return _rgb_hex(*((x + y) / 2.0 for x, y in zip(_hex_rgb(a), _hex_rgb(b))))


def _pale(h: str) -> str:
    return _modify(h, "pale")


def _names(parts: list[str]) -> Iterable[str]:
    yield " ".join(parts)
    yield "".join(parts)
    last = parts[-1]
    if last.endswith("s") and len(last) > 3:          # "wildfire golds", "blues"
        parts = [*parts[:-1], last[:-1]]
        yield " ".join(parts)
        yield "".join(parts)


def _colour_at(t: _Text, k: int) -> tuple[str, str, int] | None:
    """(name, hex, end) of the longest colour name starting at word k: "emerald green", "sky blue", "gold"."""
    if t.words[k] in _COLOUR_FIRSTS:
        for size in (3, 2):
            end = k + size
            if end > t.n or t.clause[end - 1] != t.clause[k] or any(t.comma[x] for x in range(k + 1, end)):
                continue
            for name in _names(t.words[k:end]):
                if name in _COLOURS:
                    return name, _COLOURS[name], end
    w = t.words[k]
    if w in _COLOURS:
        return w, _COLOURS[w], k + 1
    if w.endswith("s") and w[:-1] in _COLOURS and len(w) > 3:
        return w[:-1], _COLOURS[w[:-1]], k + 1
    return None


def _colours(t: _Text) -> list[_Colour]:
    """Every colour the text names, with the modifiers right before it applied ("deep violet")."""
    found: list[_Colour] = []
    k = 0
    while k < t.n:
        hit = _colour_at(t, k)
        if hit is None:
            k += 1
            continue
        key, value, end = hit
        if end < t.n and t.hyphen[end]:                 # "blue-green": half of each
            other = _colour_at(t, end)
            if other is not None:
                key, value, end = f"{key}-{other[0]}", _mix(value, other[1]), other[2]
        a = k
        while (a > 0 and k - a < 3 and t.clause[a - 1] == t.clause[k] and not t.comma[a]
               and t.words[a - 1] in lex.COLOR_MODIFIERS):
            a -= 1
        for w in reversed(t.words[a:k]):                # the nearest modifier first
            value = _modify(value, w)
        found.append(_Colour(a, k, end, value, key, key in lex.AMBIGUOUS_COLORS and a == k))
        k = end
    return [c for n, c in enumerate(found) if not c.ambiguous or _colour_context(t, found, n)]


def _colour_context(t: _Text, found: list[_Colour], n: int) -> bool:
    """Whether an ambiguous name ("amber", "rose") is used as a colour here."""
    c = found[n]
    for x in range(c.end, min(c.end + 2, t.n)):
        if t.clause[x] != t.clause[c.i]:
            break
        if t.words[x] in _COLOUR_NOUNS:
            return True
    if c.a >= 2 and t.words[c.a - 1] == "of" and t.words[c.a - 2] in _COLOUR_OF:
        return True
    for m in (n - 1, n + 1):
        if 0 <= m < len(found) and not found[m].ambiguous and t.sent[found[m].i] == t.sent[c.i]:
            lo, hi = (found[m].end, c.a) if m < n else (c.end, found[m].a)
            if 0 <= hi - lo <= 1 and all(w in ("and", "or") for w in t.words[lo:hi]):
                return True
    return False


# ------------------------------------------------------------------------------------- the vocabulary
# Nouns that say what a sentence is about. A rule's `about` names one of TOPICS (or several, "stage|land").

STAGE = "stage|stages|platform|platforms|dais|podium|proscenium"
LAND = "land|lands|landscape|ground|earth|terrain|world|hills|valley|valleys|desert|plain|plains|pool|sea|ocean"
SKY = "sky|skies|heaven|heavens|firmament|overhead|above|ceiling|horizon|canopy|cosmos|clouds|sunrise|sunset"
STARS = "star|stars|starry|starfield|starlit|starscape"
NEBULA = ("nebula|nebulae|nebulas|star clouds|star cloud|cosmic clouds|gas clouds|clouds of gas|clouds of stars|"
          "galactic clouds|interstellar clouds")
COSMOS = "cosmos|cosmic|galaxy|galaxies|galactic|universe|milky way|outer space|deep space|interstellar"
EYES = "eye|eyes|iris|irises"
SILHOUETTES = ("silhouette|silhouettes|phantom|phantoms|ghost|ghosts|ghostly figures|spectre|spectres|specter|"
               "specters|wraith|wraiths|spirits|apparition|apparitions|shades")
FIGURES = "figure|figures|beings|shadows|forms|shapes|souls"
AUDIENCE = ("audience|audiences|crowd|crowds|spectator|spectators|onlooker|onlookers|viewer|viewers|listener|"
            "listeners|people|throng|throngs|multitude|multitudes|watchers|congregation")
SPHERES = "sphere|spheres|globe|globes|orb|orbs"
INSTRUMENT = ("instrument|instruments|harp|harps|lyre|lyres|violin|violins|viola|cello|cellos|flute|flutes|"
              "piano|pianos|guitar|guitars|lute|lutes|zither|dulcimer|theremin|trumpet|clarinet|oboe|"
              "saxophone|sitar|koto|kalimba")
SPOTLIGHT = ("spotlight|spotlights|spot light|limelight|floodlight|floodlights|searchlight|stage light|"
             "stage lights|beam of light")
SCREENS = "screen|screens|monitor|monitors|billboard|billboards"
MOOD = "mood|moods|atmosphere|emotion|emotions|feeling|feelings|temper"
EMOTIONS = ("tense|anxious|angry|fearful|afraid|nervous|calm|serene|joyful|sad|melancholy|hopeful|furious|"
            "worried|uneasy|expectant|ominous|menacing|hostile|tender|peaceful|agitated|frantic|panicked|"
            "dread|accusatory|questioning|hungry|jealous|loving")
CRACKS = "crack|cracks|fracture|fractures|fissure|fissures|hairline|seams|veins|crazing"
SHARDS = "shard|shards|splinter|splinters|fragment|fragments|flake|flakes|sliver|slivers|chips"
SMOKE = "smoke|smoky|mist|mists|misty|fog|foggy|haze|hazy|vapour|vapours|vapor|vapors|steam"
STREAKS = ("streak|streaks|streaked|streaking|watercolor|watercolors|watercolour|watercolours|brushstroke|"
           "brushstrokes|brush strokes|ribbons of colo*|bands of colo*|washes of colo*|smears")
PAINT = "colors|colours|color|colour|hues|paint*|splash*|splatter*|burst|bursts|bursting|rainbow*|kaleidoscop*"

TOPICS: dict[str, str] = {
    "stage": STAGE, "land": LAND, "sky": SKY, "stars": STARS, "cosmos": f"{COSMOS}|{NEBULA}", "eyes": EYES,
    "spheres": SPHERES, "instrument": INSTRUMENT, "spotlight": SPOTLIGHT, "screens": SCREENS,
    "mood": f"{MOOD}|{SCREENS}", "breath": "breath|breaths|breathe|breathes|breathing|sigh|sighs|inhale*|exhale*",
}


# ---------------------------------------------------------------------------------------- the rules

@dataclass(frozen=True)
class Count:
    """A count read from the words right before the noun ("seven spheres", "billions upon billions of
    eyes"); `default` when there are none (None: write nothing), `singular` for a singular noun."""
    kind: str
    default: int | None
    singular: int | None = None


# How many "a few" … "beyond counting" (levels 1…8) mean for each kind of thing, and the most it may be.
# Eyes and figures stop at 250,000 however many the text says: "billions" is a word for a lot, and a
# quarter of a million already fills the sky while a scene still generates in seconds.
_SCALES: dict[str, tuple[int, ...]] = {
    "audience": (12, 60, 600, 5000, 20000, 100000, 150000, 250000),
    "spheres": (3, 12, 24, 64, 64, 64, 64, 64),
    "stars": (300, 1000, 3000, 10000, 30000, 60000, 100000, 150000),
    "screens": (3, 6, 12, 32, 32, 32, 32, 32),
    "streaks": (3, 12, 24, 64, 64, 64, 64, 64),
    "steps": (3, 12, 24, 64, 64, 64, 64, 64),
    "cracks": (4, 24, 100, 300, 500, 500, 500, 500),
    "shards": (12, 60, 600, 5000, 10000, 10000, 10000, 10000),
}
_CAPS: dict[str, int] = {
    "audience": LIMITS["audience.count"], "spheres": LIMITS["spheres.count"], "stars": LIMITS["stars.count"],
    "screens": 32, "streaks": 64, "steps": 64, "cracks": 500, "shards": LIMITS["shards"],
}


@dataclass(frozen=True)
class Rule:
    """A phrase pattern and the seed-file values it sets.

    cue:   alternatives separated by "|", each one or more words; a word ending in "*" matches every word
           it begins ("rippl*": rippling, ripples). Matches a negation covers do not count.
    edits: key path → value; a Count reads its number from the words before the match.
    about: the topic (TOPICS) the sentence must be about; None for anywhere.
    near:  with `about`: the topic word must lie within this many words ("a vast, glistening stage").
    rank:  lower wins over higher wherever they fall in the text; at equal rank the earlier phrase wins.
    unless_next: a word that, following the cue, makes it a figure of speech ("a sea of faces").
    """
    cue: str
    edits: Mapping[str, Any]
    about: str | None = None
    near: int | None = None
    rank: int = 1
    unless_next: str | None = None


STAGE_RULES = [
    # The surface: what the stage is made of, as the sentence about the stage says it. Elsewhere the same
    # words are colours ("Colors burst … liquid silver") or other things ("flows like liquid mercury").
    Rule("liquid silver|quicksilver|mercury|molten silver|liquid metal|pool of silver|liquid mirror",
         {"stage.material": "liquid-silver"}, "stage", rank=0),
    Rule("moonlight|moonlit|moonbeam|moonbeams|moonstone|moonglow", {"stage.material": "moonlight"}, "stage",
         rank=0),
    Rule("crystal|crystals|crystalline|glass|glassy|ice|icy|diamond|quartz",
         {"stage.material": "crystal"}, "stage", rank=0),
    # Size: a stage without end is wider than a merely vast one; the default (16 m) is a concert stage.
    Rule("endless|endlessly|infinite|infinitely|boundless|limitless|in all directions|to the horizon",
         {"stage.radius": 32.0}, "stage", rank=0),
    Rule("vast|immense|huge|enormous|colossal|gigantic|giant|grand|great|expansive|sprawling|massive",
         {"stage.radius": 26.0}, "stage", near=3),
    Rule("small|tiny|little|narrow|intimate|cramped|modest", {"stage.radius": 9.0}, "stage", near=3),
    Rule("round|circular|disc|disk", {"stage.shape": "disc"}, "stage", near=3),
    Rule("square|rectangular|rectangle|oblong", {"stage.shape": "rectangle"}, "stage", near=3),
    Rule("hexagonal|hexagon", {"stage.shape": "polygon", "stage.sides": 6}, "stage", near=3),
    Rule("octagonal|octagon", {"stage.shape": "polygon", "stage.sides": 8}, "stage", near=3),
    Rule("triangular|triangle", {"stage.shape": "polygon", "stage.sides": 3}, "stage", near=3),
    # The surface moves: ripples are stronger and closer than the default; "smooth" stills it.
    Rule("rippl*|undulat*|wavelet|wavelets", {"stage.ripple.amplitude": 0.06, "stage.ripple.wavelength": 1.3},
         "stage", rank=0),
    Rule("smooth|still|calm|glassy|polished|motionless|unmoving", {"stage.ripple.amplitude": 0.01}, "stage"),
    # Each step on a liquid stage starts its own rings ("each uncertain step"): half a dozen unless counted.
    Rule("step|steps|footstep|footsteps|footfall|footfalls|stride|strides|tread|treads",
         {"stage.ripple.footsteps": Count("steps", 6, 6)}, "stage"),
    # A swirling world around the stage: the land is bent by a domain warp into liquid shapes.
    Rule("swirl*|whirl*|eddy|eddies|eddying|vortex|churning", {"terrain.warp.amount": 45.0,
                                                              "terrain.warp.scale": 220.0}, "stage|land"),
]

TERRAIN_RULES = [
    # The land, where the text names it; "a sea of faces" and "a mountain of doubt" are not land.
    Rule("mountain|mountains|peaks|crags|cliffs|ridges|summits|alps|canyon|canyons|ravine|ravines|gorge",
         {"terrain.noise.type": "ridged", "terrain.height": 60.0}, unless_next="of"),
    Rule("hill|hills|hillside|hillsides|rolling|slopes|knolls|downs",
         {"terrain.noise.type": "fbm", "terrain.height": 30.0}, unless_next="of"),
    Rule("dune|dunes|desert|deserts|sands", {"terrain.noise.type": "billow", "terrain.height": 12.0},
         unless_next="of"),
    Rule("plain|plains|steppe|prairie|meadow|meadows|tundra|flatlands", {"terrain.height": 6.0}, unless_next="of"),
    # Water or a void all around: the land sinks towards the edges, the stage stands on an island.
    Rule("sea|seas|ocean|oceans|lake|shore|shores|island|islands|coast|shoreline",
         {"terrain.island.falloff": 0.6}, unless_next="of"),
    Rule("abyss|void|chasm|nothingness", {"terrain.island.falloff": 0.9}, "stage"),
    Rule("amphitheater|amphitheatre|amphitheaters|amphitheatres|terraces|terraced",
         {"terrain.terraces.steps": 14}),
]

STAR_RULES = [
    Rule(STARS, {"sky.stars.count": Count("stars", None)}, rank=0),
    # A cosmos, a galaxy, nebulae: the sky is thick with stars (ten times the default).
    Rule(f"{COSMOS}|{NEBULA}", {"sky.stars.count": 30000}),
    # Stars that pulse beat faster and deeper than they twinkle by default.
    Rule("puls*|throb*|beat|beats|beating|rhythm*", {"sky.stars.twinkle": 0.7, "sky.stars.pulse": 1.1},
         "stars", near=4),
    Rule("twinkl*|glitter*|sparkl*|shimmer*|flicker*|blink*|wink*", {"sky.stars.twinkle": 0.8}, "stars", near=4),
]

NEBULA_RULES = [
    Rule(NEBULA, {"sky.nebula.density": 0.7}, rank=0),
    Rule("swirl*|whirl*|spiral*|churn*|eddy|eddies|vortex", {"sky.nebula.swirl": 0.75}, "cosmos"),
]

SPOTLIGHT_RULES = [
    # "a focused piece of the sun": sunlight's warm white, and strong enough to warm the skin.
    Rule("sun|sunlight|sunbeam|sunbeams|solar|blazing|searing|scorching|white hot|furnace",
         {"lights.spotlights[0].color": "#fff1c4", "lights.spotlights[0].intensity": 7.0}, "spotlight"),
    Rule("focused|focussed|narrow|tight|pinpoint|needle|piercing|laser|concentrated|single beam",
         {"lights.spotlights[0].cone": 9.0, "lights.spotlights[0].softness": 0.25}, "spotlight"),
    Rule("bright|blinding|dazzling|brilliant|harsh|glaring|intense|fierce",
         {"lights.spotlights[0].intensity": 5.0}, "spotlight", rank=2),
    Rule("soft|dim|gentle|faint|weak|pale|tender", {"lights.spotlights[0].intensity": 1.5}, "spotlight", rank=2),
    Rule("wide|broad|flood|flooding|sweeping", {"lights.spotlights[0].cone": 24.0}, "spotlight", rank=2),
    Rule("warm|warming|warmth|golden|honeyed", {"lights.spotlights[0].color": "#ffe2b0"}, "spotlight", rank=2),
    Rule("cold|cool|icy|clinical", {"lights.spotlights[0].color": "#e4ecff"}, "spotlight", rank=2),
]

INSTRUMENT_RULES = [
    # "a living thing of spiraling crystal and woven light"
    Rule("spiral*|coil*|helix|helical|twist*|twining|corkscrew", {"props.instrument.turns": 4.5}, "instrument"),
    Rule("crystal|crystals|crystalline|glass|ice|quartz|diamond", {"props.instrument.color": "#c8f0ff"},
         "instrument", rank=2),
    Rule("woven light|light|glow*|luminous|radiant|shining|blazing", {"props.instrument.glow": 2.2},
         "instrument", rank=2),
]

# Per audience group (paths relative to the group), read within a few words of the group's nouns.
GROUP_RULES = [
    # "forms composed of shimmering mist", "dissolving and reforming like smoke"
    Rule("mist|mists|misty|smoke|smoky|fog|foggy|haze|hazy|vapour|vapours|vapor|vapors|steam|translucent",
         {"mist": 0.85}),
    Rule("shimmer*|shifting|shift|shifts|dissolv*|reform*|re form*|waver*|ripple|rippling", {"shimmer": 0.8}),
    Rule("sway*|danc*|undulat*|rocking|bobbing", {"sway.amplitude": 0.09}),
    # "they breathe in unison": deeper breaths, one shared phase.
    Rule("breath|breaths|breathe|breathes|breathing|sigh|sighs|sighing|inhale*|exhale*", {"breathing.depth": 0.08}),
    Rule("in unison|as one|together|in time|collective|collectively|in sync|synchron*",
         {"breathing.unison": True}, "breath"),
    Rule("out of step|each alone|separately|their own time", {"breathing.unison": False}, "breath"),
]
# Where a group stands ("before me" is where a crowd in rows faces the stage).
LAYOUT_RULES = [
    Rule("float*|hover*|canopy|overhead|heavens|firmament|drifting above|in the sky", {"layout": "sky-dome"},
         rank=0),
    Rule("ring|circle|circled|encircl*|surround*|all around|around me|on all sides", {"layout": "ring"}, rank=0),
    Rule("scatter*|strewn|everywhere|dotted", {"layout": "scatter"}, rank=0),
    Rule("rows|row|tiers|tiered|seats|seated|amphitheat*|bleachers|grandstand*", {"layout": "rows"}, rank=0),
    Rule("before me|in front of me|facing me|below me", {"layout": "rows"}, rank=2),
]
_EYES_DO = "float* hover* drift* watch* stare* gaze* blink* peer* glare*".split()
EYE_SIZE = "enormous|colossal|giant|huge|vast|immense|massive|great|gigantic|titanic"
FIGURE_SIZE = "giant|giants|towering|colossal|enormous|huge|tall|gigantic"

SPHERE_RULES = [
    Rule("arc|crescent|arrayed|semicircle|half circle|before me|before my", {"props.spheres.arrangement": "arc"},
         "spheres"),
    Rule("ring|circle|encircl*|around me|surround*", {"props.spheres.arrangement": "ring"}, "spheres"),
    Rule("orbit*|circling|revolv*|wheeling|whirling", {"props.spheres.arrangement": "orbit"}, "spheres"),
    Rule("row|line|lined", {"props.spheres.arrangement": "line"}, "spheres"),
]
# A flaw in a sphere: read in sentences near one about spheres (see `_sphere_context`).
FLAW_RULES = [
    Rule("flicker*|waver*|stutter*|sputter*|erratic*|failing|fitful*|gutter*", {"props.spheres.flaw.flicker": 0.9}),
    Rule("fracture|fractures|fractured|crack|cracks|cracked|cracking|fissure|fissures",
         {"props.spheres.flaw.fractures": Count("cracks", 18, 1)}),
    Rule("shard*|splinter*|flak*|shatter*|fragment*|sliver*", {"props.spheres.flaw.shards": Count("shards", 90)}),
    Rule("buzz*|rasp*|grating|hiss*|crackl*|whine|whining|drone", {"props.spheres.flaw.buzz": 0.6}),
    # A warped tone sags: flat, like a slowing tape.
    Rule("detun*|warp*|out of tune|sour|souring|dissonan*|discord*|off key|jarring|wrong note",
         {"props.spheres.flaw.detune": -38.0}),
    Rule("flaw|flawed|broken|damaged|faulty|dying|defective", {}),
]
# Which sphere is flawed. The generator makes the highest tone the smallest sphere, so "the smallest"
# is the sphere with the highest tone (the last one, with the default rising scale).
SMALLEST = "smallest|tiniest|littlest|highest"
LARGEST = "largest|biggest|greatest|lowest"
MIDDLE = "middle|central|centre|center|centermost|centremost"
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5, "seventh": 6,
            "eighth": 7, "ninth": 8, "tenth": 9, "last": -1, "final": -1}
# "the Harmonious Spheres": the music of the spheres is the Pythagoreans' seven planets, each sounding
# one note of a seven-note scale.
HARMONIOUS = ("harmonious spheres|harmonic spheres|music of the spheres|harmony of the spheres|"
              "celestial spheres|heavenly spheres")
# Voices: the register the spheres' pentatonic scale starts from.
REGISTERS = [("soprano|treble|high note|high notes|high tone|high pitched|shrill|piping|falsetto", "C5"),
             ("alto|contralto|mezzo", "G4"), ("tenor", "C4"),
             ("bass|baritone|low note|low notes|low tone|deep note|deep tone|deep tones|booming", "C3")]
DISTINCT_TONES = ("unique tone|unique melodic tone|own tone|own note|distinct tone|distinct tones|different "
                  "notes|individual notes|each note|each tone|unique note")
_NOTE = re.compile(r"(?<![\w#♯♭])([A-G])(#|♯|b|♭)?([0-8])(?![\w#♯])")
PERFORMER_VIEW = "before me|before my hands|before my * hands|in front of me|arrayed before*"
NOTE_WORDS = "note|notes|tone|tones|sing*|sang|sung|chord|chords|scale|pitch*|melod*|sphere*|orb*|globe*"

# Sky palettes by name; True: the word counts only in a sentence about the sky ("one day", "that night").
SKY_WORDS: dict[str, tuple[str, bool]] = {
    "twilight": ("twilight", False), "gloaming": ("twilight", False),
    "dawn": ("dawn", False), "daybreak": ("dawn", False), "sunrise": ("dawn", False), "first light": ("dawn", True),
    "dusk": ("dusk", False), "sunset": ("dusk", False), "nightfall": ("dusk", False), "evening": ("dusk", True),
    "night": ("night", True), "midnight": ("night", True), "nighttime": ("night", True),
    "cosmos": ("deep-cosmos", False), "galaxy": ("deep-cosmos", False), "galaxies": ("deep-cosmos", False),
    "nebula": ("deep-cosmos", False), "nebulae": ("deep-cosmos", False), "outer space": ("deep-cosmos", False),
    "deep space": ("deep-cosmos", False), "starfield": ("deep-cosmos", False), "cosmic": ("deep-cosmos", True),
    "galactic": ("deep-cosmos", True), "universe": ("deep-cosmos", True), "void": ("deep-cosmos", True),
    "day": ("day", True), "daylight": ("day", True), "daytime": ("day", True), "noon": ("day", True),
    "midday": ("day", True), "sunshine": ("day", True),
    "aurora": ("aurora", False), "auroras": ("aurora", False), "northern lights": ("aurora", False),
    "borealis": ("aurora", False),
}
# "flickers between twilight and dawn": a restless sky cycles faster than the default 40 s.
SKY_CYCLE = "flicker*|shift*|alternat*|cycl*|waver*|oscillat*|swing*|puls*|turn*|melt*|fad*|blend*|bleed*"
# The key light takes the colour of the sun a palette has: low and warm at dawn and dusk.
KEY_LIGHT = {"dawn": "#ffd6a8", "dusk": "#ffb58a", "day": "#fff6e0"}

# Colour roles: a colour belongs to the nearest of these nouns in its sentence (up to _ROLE_BEFORE words
# before it, or _ROLE_AFTER after: "gold patterns"). The condition limits where a noun counts:
# streaks on screens are the screens' light, not the sky's; "patterns" are a screen's only beside one;
# "anxious crimson" is a mood only where the sentence speaks of mood or screens.
ROLE_TRIGGERS: list[tuple[str, str, str | None]] = [
    ("streaks", STREAKS, "not screens"), ("sky", "sky|skies|heavens|firmament|horizon", None),
    ("nebula", f"{NEBULA}|{COSMOS}", None), ("stage", STAGE, None), ("eyes", EYES, None),
    ("silhouettes", f"{SILHOUETTES}|{FIGURES}", None), ("audience", AUDIENCE, None),
    ("sphere", "sphere|globe|orb", None), ("spheres", "spheres|globes|orbs", None), ("shards", SHARDS, None),
    ("cracks", CRACKS, None), ("instrument", INSTRUMENT, None), ("spotlight", SPOTLIGHT, None),
    ("screens", SCREENS, None), ("screens", "pattern|patterns|images|visions", "screens"),
    ("mood", MOOD, None), ("mood", EMOTIONS, "mood"), ("smoke", SMOKE, None),
]
_ROLE_BEFORE = 12
_ROLE_AFTER = 2


# --------------------------------------------------------------------------------------- decisions

class _Said(NamedTuple):
    """A colour the text gives a thing: its value, its words, and the noun it belongs to (-1: none)."""
    hex: str
    a: int
    end: int
    noun: int
    role: str


Roles = dict[str, list[_Said]]


@dataclass
class _Pick:
    value: Any
    phrases: tuple[str, ...]
    rank: float
    at: int


@dataclass
class _Group:
    kind: str                      # "eye" or "silhouette"
    first: int
    nouns: str                     # the cue of its nouns


class _Deriver:
    """Reads one text into decisions: key path → the value and the phrases it came from."""

    def __init__(self, text: _Text):
        self.t = text
        self.picks: dict[str, _Pick] = {}
        self.absent: dict[str, tuple[Any, str]] = {}       # values set because the text does not mention a thing
        self.score = Score()                                 # the performance the text tells (dream_score)
        self._topics: dict[str, set[int]] = {}

    # ----------------------------------------------------------------------------------- plumbing

    def wins(self, path: str, rank: float, at: int) -> bool:
        cur = self.picks.get(path)
        return cur is None or (rank, at) < (cur.rank, cur.at)

    def put(self, path: str, value: Any, phrases: Iterable[str], rank: float = 1, at: int = 0) -> None:
        if self.wins(path, rank, at):
            self.picks[path] = _Pick(value, tuple(dict.fromkeys(p for p in phrases if p))[:3], rank, at)

    def topic(self, about: str) -> set[int]:
        hit = self._topics.get(about)
        if hit is None:
            hit = set()
            for name in about.split("|"):
                if name == "not screens":
                    continue
                hit |= self.t.sentences_with(TOPICS[name])
            self._topics[about] = hit
        return hit

    def count(self, count: Count, i: int, j: int) -> tuple[int | None, int, bool]:
        """(value, first word of its phrase, whether the text said a number)."""
        amount = self.t.amount_before(i)
        if amount is None:
            word = self.t.words[j - 1]
            singular = not word.endswith(("s", "ed", "ing"))
            if singular and count.singular is not None:
                return count.singular, i, False
            return count.default, i, False
        kind, n, a = amount
        value = n if kind == "exact" else _SCALES[count.kind][int(n) - 1]
        # Clamped before rounding: a 400-digit number reads as infinity, which has no integer.
        return int(round(min(max(value, 0), _CAPS[count.kind]))), a, True

    def put_count(self, path: str, count: Count, i: int, j: int, rank: float, said_rank: float | None = None,
                  quote: Any = None) -> None:
        """A count read at the noun [i, j); a number the text says ranks `said_rank` (default rank − ½).
        Phrases are quoted only for a value that wins, so a long text's many nouns cost little."""
        said_rank = rank - 0.5 if said_rank is None else said_rank
        if not self.wins(path, min(rank, said_rank), i):
            return
        value, first, said = self.count(count, i, j)
        r = said_rank if said else rank
        if value is not None and self.wins(path, r, i):
            self.put(path, value, quote(first, said) if quote else [self.t.phrase(first, j)], r, i)

    def apply(self, rules: list[Rule], prefix: str = "", sentences: set[int] | None = None,
              nouns: str | None = None, reach: int = 8) -> None:
        """Apply rules; with `nouns`, a match must lie within `reach` words of one (and is quoted with it)."""
        t = self.t
        for rule in rules:
            about = self.topic(rule.about) if rule.about else None
            topic_cue = "|".join(TOPICS[n] for n in rule.about.split("|")) if rule.about else None
            counting = any(isinstance(v, Count) for v in rule.edits.values())
            for i, j in t.affirmed(rule.cue):
                s = t.sent[i]
                if (sentences is not None and s not in sentences) or (about is not None and s not in about):
                    continue
                if rule.unless_next and j < t.n and t.words[j] == rule.unless_next and t.clause[j] == t.clause[i]:
                    continue
                a, b = i, j
                if nouns is not None:
                    hit = t.near(i, j, nouns, reach)
                    if hit is None:
                        continue
                    a, b = min(a, hit[0]), max(b, hit[1])
                elif topic_cue is not None:
                    hit = t.near(i, j, topic_cue, rule.near if rule.near is not None else 6)
                    if hit is None and rule.near is not None:
                        continue
                    if hit is not None:
                        a, b = min(a, hit[0]), max(b, hit[1])
                used = False
                for path, value in rule.edits.items():
                    if isinstance(value, Count):
                        self.put_count(prefix + path, value, i, j, rule.rank,
                                       quote=lambda first, said, a=a, b=b: [t.phrase(min(a, first), b)])
                    elif self.wins(prefix + path, rule.rank, i):
                        self.put(prefix + path, value, [t.phrase(a, b)], rule.rank, i)
                    used = True
                if not rule.edits:
                    used = True
                if used and not counting:
                    break

    # -------------------------------------------------------------------------------------- stage

    def stage(self) -> tuple[int, int] | None:
        """Stage rules; returns the span of the winning material phrase (its words are not colours)."""
        self.apply(STAGE_RULES)
        pick = self.picks.get("stage.material")
        if pick is None:
            return None
        t = self.t
        for rule in STAGE_RULES[:3]:
            if rule.edits["stage.material"] != pick.value:
                continue
            for i, j in t.affirmed(rule.cue):
                if i == pick.at:
                    return i, j
        return None

    # ---------------------------------------------------------------------------------------- sky

    def sky_gradient(self) -> None:
        t = self.t
        sky = self.topic("sky")
        mentions: list[tuple[int, int, str]] = []
        for phrase, (palette, needs_sky) in SKY_WORDS.items():
            for i, j in t.affirmed(phrase):
                in_sky = t.sent[i] in sky
                if needs_sky and not in_sky:
                    continue
                mentions.append((i, j, palette))
                if self.wins("sky.gradient.from", 1 if in_sky else 2, i):
                    self.put("sky.gradient.from", palette, [t.phrase(i, j)], 1 if in_sky else 2, i)
        mentions.sort()
        # "between twilight and dawn", "from dusk till dawn", "twilight melting into dawn": a cycle.
        for (i1, j1, p1), (i2, j2, p2) in zip(mentions, mentions[1:]):
            between = t.words[j1:i2]
            if (p1 == p2 or t.clause[i1] != t.clause[i2] or len(between) > 3
                    or not set(between) & {"and", "to", "into", "till", "until", "toward", "towards", "then"}):
                continue
            a = i1 - 1 if i1 and t.words[i1 - 1] in ("between", "from") and t.clause[i1 - 1] == t.clause[i1] else i1
            quote = t.quote(a, j2)
            self.put("sky.gradient.from", p1, [quote], 0, i1)
            self.put("sky.gradient.to", p2, [quote], 0, i1)
            for k in range(max(a - 3, 0), a):
                if t.clause[k] == t.clause[a] and any(_word_matches(p, t.words[k]) for p in SKY_CYCLE.split("|")):
                    self.put("sky.gradient.cycle", 24.0, [t.quote(k, j2)], 0, k)
                    break
            break
        used = [self.picks[p] for p in ("sky.gradient.from", "sky.gradient.to") if p in self.picks]
        for pick in used:
            if pick.value in KEY_LIGHT:
                self.put("lights.key.color", KEY_LIGHT[pick.value], pick.phrases, 1, pick.at)
                break

    def sky(self, roles: Roles) -> None:
        t = self.t
        sky, screens = self.topic("sky"), self.topic("screens")
        soft = t.sentences_with("bleed*|blur*|watercolo*|wash|washes|washed|spill*|soft*|diffus*|smear*")
        streaks = False
        for i, j in t.affirmed(STREAKS):
            s = t.sent[i]
            if s in screens or not (t.words[i].startswith("watercolo") or s in sky):
                continue
            streaks = True

            def quote(first: int, said: bool, i: int = i, j: int = j) -> list[str]:
                own = [c for c in roles.get("streaks", []) if i <= c.noun < j]
                return self.said(own) if own and not said else [t.phrase(first, j)]

            self.put_count("sky.streaks.count", Count("streaks", 9, 1), i, j, 1, quote=quote)
            if s in soft and self.wins("sky.streaks.softness", 1, i):
                self.put("sky.streaks.softness", 0.8, [t.phrase(i, j)], 1, i)
        colours = roles.get("streaks", []) + roles.get("sky", []) + roles.get("paint", [])
        colours.sort(key=lambda c: (c.role != "streaks", c.a))
        if colours:
            if not streaks:        # the sky takes the colours the text gives it, as streaks
                self.put("sky.streaks.count", 6, self.said(colours[:1]), 2, colours[0].a)
            self._colour_list("sky.streaks.colors", colours, 16)
        self.apply(NEBULA_RULES)
        nebula = roles.get("nebula", [])
        if nebula:
            self._colour_list("sky.nebula.colors", nebula, 16)
            self.put("sky.nebula.density", 0.6, self.said(nebula[:1]), 2, nebula[0].a)
        self.apply(STAR_RULES)
        for i, j in t.find("starless|no stars|without stars|not a star"):
            self.put("sky.stars.count", 0, [t.phrase(i, j)], 0, i)
            break

    def _colour_list(self, path: str, colours: list[_Said], most: int, rank: float = 1) -> None:
        values = list(dict.fromkeys(c.hex for c in colours))[:most]
        self.put(path, tuple(values), self.said([c for c in colours if c.hex in values]), rank, colours[0].a)

    # --------------------------------------------------------------------------------------- audience

    def _eyes_watch(self, i: int, j: int) -> bool:
        """Whether eyes at [i, j) are the audience ("billions of … eyes float") and not someone's eyes
        ("watching with eyes like distant stars")."""
        t = self.t
        if i and t.words[i - 1] in ("with", "their", "his", "her", "my", "its", "our", "your", "whose"):
            return False
        if t.amount_before(i) is not None:
            return True
        for k in range(j, min(j + 3, t.n)):
            if t.clause[k] == t.clause[i] and any(_word_matches(p, t.words[k]) for p in _EYES_DO):
                return True
        return i >= 2 and t.words[i - 1] == "of" and t.words[i - 2] in (
            "sea", "ocean", "sky", "audience", "canopy", "crowd", "dome", "wall", "field", "swarm", "cloud",
            "galaxy", "constellation", "thousands", "millions", "billions", "host", "multitude")

    def audience(self, roles: Roles, mood: list[_Said]) -> list[_Group]:
        t = self.t
        groups: list[_Group] = []
        eyes = [m for m in t.affirmed(EYES) if self._eyes_watch(*m)]
        generic = t.affirmed(AUDIENCE)
        generic_sents = {t.sent[i] for i, _ in generic}
        strong = t.affirmed(SILHOUETTES)
        weak = [m for m in t.affirmed(FIGURES) if t.sent[m[0]] in generic_sents]
        if eyes:
            groups.append(_Group("eye", eyes[0][0], EYES))
        figures = sorted(strong + weak)
        if figures:
            groups.append(_Group("silhouette", figures[0][0], f"{SILHOUETTES}|{FIGURES}"))
        if not groups and generic:
            groups.append(_Group("silhouette", generic[0][0], AUDIENCE))
        if not groups and len(mood) > 1:
            groups.append(_Group("silhouette", mood[1].a, AUDIENCE))
        groups.sort(key=lambda g: g.first)
        groups = groups[:LIMITS["audience.groups"]]
        for k, g in enumerate(groups):
            nouns = g.nouns if k or g.nouns == AUDIENCE else f"{g.nouns}|{AUDIENCE}"
            p = f"audience[{k}]."
            head = eyes[0] if g.kind == "eye" else (figures[0] if figures else generic[0] if generic else None)
            if g.kind == "eye":
                assert head is not None
                self.put(p + "figure", "eye", [t.phrase(*t.around(*head, 4, 2))], 0, head[0])
                self.put(p + "layout", "sky-dome", [t.phrase(*head)], 2, head[0])
                self.apply([Rule(EYE_SIZE, {"height": (2.0, 6.0), "width": (2.0, 6.0)})], p, nouns=EYES, reach=4)
                self.apply([Rule("canopy|dome|vault|firmament|heavens", {"elevation": (14.0, 82.0)})], p,
                           nouns=nouns, reach=8)
            else:
                if head is not None:
                    self.put(p + "figure", "silhouette", [t.phrase(*head)], 0, head[0])
                self.apply([Rule(FIGURE_SIZE, {"height": (3.0, 4.5), "width": (0.8, 1.2)})], p,
                           nouns=g.nouns, reach=3)
            self.apply(LAYOUT_RULES, p, nouns=nouns, reach=8)
            self.apply(GROUP_RULES, p, nouns=nouns, reach=8)
            self.apply([Rule(g.nouns if g.kind == "eye" else nouns, {"count": Count("audience", None)})], p)
            # palette: colours said of this group; the mood's first colour leads the group that has the mood
            own = list(roles.get(g.kind if g.kind == "eye" else "silhouettes", []))
            if k == 0:
                own += roles.get("audience", [])
            own.sort(key=lambda c: c.a)
            if own:
                self._colour_list(p + "palette", own, 64)
            if mood and k == self._mood_group(groups):
                base = list(self.picks[p + "palette"].value) if own else list(AudienceGroupSpec().palette)
                lead = mood[0].hex
                palette = tuple(dict.fromkeys([lead, _pale(lead), *base]))[:64]
                self.put(p + "palette", palette, self.said(mood[:1] + own)[:3], 0, mood[0].a)
            if len(mood) > 1:
                self.put(p + "mood.to", mood[1].hex, self.said(mood[1:2]), 0, mood[1].a)
        # a dome of eyes must be wide enough to hold them all at their spacing (Poisson-disc packing
        # leaves about 2 square spacings per figure)
        for k in range(len(groups)):
            p = f"audience[{k}]."
            layout = self.picks.get(p + "layout")
            count = self.picks.get(p + "count")
            if layout is None or layout.value != "sky-dome" or count is None:
                continue
            spec = AudienceGroupSpec()
            lo, hi = self.picks[p + "elevation"].value if p + "elevation" in self.picks else spec.elevation
            band = 2.0 * math.pi * (math.sin(math.radians(hi)) - math.sin(math.radians(lo)))
            need = math.sqrt(count.value * 2.1 * spec.spacing ** 2 / band)
            if need > spec.dome_radius:
                self.put(p + "dome_radius", float(math.ceil(need / 10.0) * 10.0), count.phrases, 1, count.at)
        return groups

    @staticmethod
    def _mood_group(groups: list[_Group]) -> int:
        for k, g in enumerate(groups):
            if g.kind == "eye":
                return k
        return 0

    # ---------------------------------------------------------------------------------------- props

    def _sphere_context(self) -> set[int]:
        """Sentences about the spheres: with a sphere noun, or up to three after one in its paragraph
        ("Its pure tone begins to warp" speaks of the sphere two sentences back)."""
        t = self.t
        named = self.topic("spheres")
        out = set()
        for s in range(t.sentences):
            for back in range(0, 4):
                r = s - back
                if r >= 0 and r in named and t.para[t.sent_lo[r]] == t.para[t.sent_lo[s]]:
                    out.add(s)
                    break
        return out

    def spheres(self, roles: Roles) -> None:
        t = self.t
        nouns = t.affirmed(SPHERES)
        if not nouns:
            self.absent["props.spheres.count"] = (0, "no spheres: the text mentions no spheres, orbs or globes")
            return
        p = "props.spheres."
        for i, j in nouns:        # a number said beats "the Harmonious Spheres", which beats a plural
            self.put_count(p + "count", Count("spheres", 5, 1), i, j, 2, said_rank=0.5)
        for i, j in t.affirmed(HARMONIOUS):
            self.put(p + "count", 7, [t.phrase(i, j)], 1, i)
            break
        context = self._sphere_context()
        self.apply(SPHERE_RULES)
        # tones: note names in the text, else a register or "each its own tone" gives a written scale
        notes: list[tuple[str, int, int]] = []
        note_sents = t.sentences_with(NOTE_WORDS)
        for m in _NOTE.finditer(t.text):
            k = bisect.bisect_left(t.starts, m.start())
            if k < t.n and t.sent[k] in note_sents:
                letter, acc, octave = m.groups()
                acc = {"♯": "#", "♭": "b"}.get(acc or "", acc or "")
                notes.append((f"{letter}{acc}{octave}", k, bisect.bisect_left(t.ends, m.end()) + 1))
            if len(notes) >= LIMITS["spheres.count"]:
                break
        tone_phrases: list[str] = []
        root = "C5"
        register_at = None
        for cue, start in REGISTERS:
            for i, j in t.affirmed(cue):
                if t.sent[i] not in context:
                    continue
                if register_at is None or i < register_at:
                    register_at, root = i, start
                    # "bell-like" keeps the voice: a bell's clear tone, no change, but quoted with it
                    bell = t.near(i, j, "bell like|bell|bells|chime*", 3)
                    a, b = (min(i, bell[0]), max(j, bell[1])) if bell else (i, j)
                    tone_phrases = [t.phrase(a, b)]
                break
        distinct = [m for m in t.affirmed(DISTINCT_TONES) if t.sent[m[0]] in context]
        if distinct:
            tone_phrases.insert(0, t.phrase(*distinct[0]))
        count = self.picks[p + "count"].value
        if notes:
            listed = t.quote(notes[0][1], min(notes[-1][2], t.n))
            if self.picks[p + "count"].rank >= 1:      # no number said: as many spheres as notes
                self.put(p + "count", len(notes), [listed], 0, notes[0][1])
                count = len(notes)
            names = [n for n, _, _ in notes][:count]
            names += _scale_names(count, root)[len(names):]
            self.put(p + "tones", tuple(names), [listed], 0, notes[0][1])
        elif tone_phrases:
            self.put(p + "tones", tuple(_scale_names(count, root)), tone_phrases, 1,
                     register_at if register_at is not None else distinct[0][0])
        # flaws
        flaw_sents: set[int] = set()
        before = set(self.picks)
        for rule in FLAW_RULES:
            for i, _j in t.affirmed(rule.cue):
                if t.sent[i] in context:
                    flaw_sents.add(t.sent[i])
        self.apply(FLAW_RULES, sentences=context)
        if count == 0:
            return
        index = 0
        if flaw_sents:
            index = self._flawed(count, flaw_sents)
        else:
            for path in set(self.picks) - before:
                del self.picks[path]
        # colours: of all the spheres, and of the one named by its colour ("the Azure Sphere")
        plural = roles.get("spheres", [])
        base = list(dict.fromkeys(c.hex for c in plural)) or list(SpheresSpec().colors)
        colours = [base[n % len(base)] for n in range(count)]
        named = roles.get("sphere", [])
        said = list(plural)
        if named:
            flawed_named = [c for c in named if t.sent[c.a] in flaw_sents] or named[:1]
            colours[index] = flawed_named[0].hex
            said.append(flawed_named[0])
        elif flaw_sents and roles.get("shards"):      # "splinters of azure light": its own light
            colours[index] = roles["shards"][0].hex
            said.append(roles["shards"][0])
        if said:
            self.put(p + "colors", tuple(colours), self.said(said), 1, said[0].a)
        crack = roles.get("cracks", [])
        if crack and flaw_sents:
            self.put(p + "flaw.crack_color", crack[0].hex, self.said(crack[:1]), 0, crack[0].a)

    def _flawed(self, count: int, flaw_sents: set[int]) -> int:
        """Index of the flawed sphere: the one a flaw sentence names (the smallest, the third, …),
        else the middle one, front and centre where the performer and the camera see it."""
        t = self.t
        p = "props.spheres."
        tones = self.picks[p + "tones"].value if p + "tones" in self.picks else None
        hz = [tone_to_hz(x) for x in tones] if tones else list(pentatonic(count))
        index, index_phrase, index_at = count // 2, None, None
        for cue, pick in ((SMALLEST, "smallest"), (LARGEST, "largest"), (MIDDLE, "middle"),
                          ("|".join(ORDINALS), "ordinal")):
            for i, j in t.affirmed(cue):
                if t.sent[i] not in flaw_sents or (index_at is not None and i >= index_at):
                    continue
                if pick == "smallest":
                    index = max(range(count), key=lambda n: (hz[n], n))
                elif pick == "largest":
                    index = min(range(count), key=lambda n: (hz[n], n))
                elif pick == "middle":
                    index = count // 2
                else:
                    index = min(ORDINALS[t.words[i]] % count, count - 1)
                index_phrase, index_at = t.phrase(*t.around(i, j, 1, 3)), i
                break
        first = t.sent[index_at] if index_at is not None else min(flaw_sents)
        # quoted with what goes wrong, from the same sentence: "The smallest one" … "is... flickering"
        what = min((m for rule in FLAW_RULES for m in t.affirmed(rule.cue) if t.sent[m[0]] == first),
                   default=None)
        phrases = [index_phrase] if index_phrase else []
        if what is not None:
            phrases.append(t.phrase(*what))
        self.put(p + "flawed", (index,), phrases or [t.quote(t.sent_lo[first], t.sent_hi[first])], 0,
                 index_at if index_at is not None else t.sent_lo[first])
        return index

    def performer_view(self) -> None:
        """Spheres "before me", "before my waiting hands": open on the performer's view across them,
        up into the sky, rather than on the whole stage from afar (where the spheres are a few pixels)."""
        count = self.picks.get("props.spheres.count")
        if count is None or not count.value:
            return
        context = self._sphere_context()
        for i, j in self.t.affirmed(PERFORMER_VIEW):
            if self.t.sent[i] in context:
                self.put("camera.framing", "performer", [self.t.phrase(i, j)], 1, i)
                return

    def instrument(self, roles: Roles) -> None:
        t = self.t
        for i, j in t.affirmed(INSTRUMENT):
            self.put("props.instrument.enabled", True, [t.phrase(*t.around(i, j, 2, 2))], 0, i)
            break
        else:
            return
        self.apply(INSTRUMENT_RULES)
        own = roles.get("instrument", [])
        if own:
            self.put("props.instrument.color", own[0].hex, self.said(own[:1]), 1, own[0].a)

    # --------------------------------------------------------------------------------------- lights

    def lights(self, roles: Roles) -> None:
        t = self.t
        for i, j in t.affirmed(SPOTLIGHT):
            self.put("lights.spotlights[0].target", "mark", [t.phrase(i, j)], 3, i)
            break
        else:
            return
        self.apply(SPOTLIGHT_RULES)
        own = roles.get("spotlight", [])
        if own:
            self.put("lights.spotlights[0].color", own[0].hex, self.said(own[:1]), 0, own[0].a)

    def screens(self, mood: list[_Said], roles: Roles,
                groups: list[_Group]) -> bool:
        t = self.t
        found = t.affirmed(SCREENS)
        if not found:
            return False
        for i, j in found:
            self.put_count("sky.screens.count", Count("screens", 3, 1), i, j, 1)
        self.apply([Rule("colossal|enormous|giant|huge|vast|immense|massive|towering|gigantic",
                         {"sky.screens.size": (90.0, 50.0)}, "screens", near=3)])
        if mood:
            self.put("sky.screens.color", mood[0].hex, self.said(mood[:1]), 0, mood[0].a)
        # the screens show the audience's mood: they follow the group that has it
        i, j = found[0]
        phrases = [t.phrase(i, j, 3, 0)] + self.said(mood[:1])
        self.put("sky.screens.follows", self._mood_group(groups), phrases, 1, i)
        return True

    # ---------------------------------------------------------------------------------------- colours

    def colour_roles(self, skip: tuple[int, int] | None) -> Roles:
        """Colours by the thing they belong to (role → colours in text order); `skip` is the stage
        material's phrase, whose words are a material there ("a pool of liquid silver")."""
        t = self.t
        screens = self.topic("screens")
        mood = self.topic("mood")
        role_at: dict[int, str] = {}
        for name, cue, cond in ROLE_TRIGGERS:
            for i, j in t.affirmed(cue):
                s = t.sent[i]
                if ((cond == "not screens" and s in screens) or (cond == "screens" and s not in screens)
                        or (cond == "mood" and s not in mood)):
                    continue
                for k in range(i, j):
                    role_at.setdefault(k, name)
        paint = t.sentences_with(PAINT)
        out: Roles = {}
        previous: tuple[_Colour, str | None, int] | None = None
        loose: list[_Said] = []
        for c in _colours(t):
            if skip is not None and c.i < skip[1] and c.end > skip[0]:
                previous = None
                continue
            s = t.sent[c.i]
            best: tuple[int, str, int] | None = None
            for k in range(c.a - 1, max(c.a - 1 - _ROLE_BEFORE, t.sent_lo[s] - 1), -1):
                if k in role_at:
                    best = (c.a - k, role_at[k], k)
                    break
            for k in range(c.end, min(c.end + _ROLE_AFTER, t.sent_hi[s])):
                if k in role_at:
                    d = k - c.end + 1
                    if best is None or d <= best[0]:
                        best = (d, role_at[k], k)
                    break
            role = best[1] if best else None
            # a list of colours shares its noun: "hues of deep violet, electric blue, and … emerald green"
            if previous is not None and (best is None or best[0] > 1):
                p, prole, pnoun = previous
                between = t.words[p.end:c.a]
                if (prole is not None and t.sent[p.i] == s and len(between) <= 1
                        and all(w in ("and", "or") for w in between)):
                    role, best = prole, (0, prole, pnoun)
            if role is None and s in paint:
                role = "paint"
            previous = (c, role, best[2] if best is not None else -1)
            if role is None:
                loose.append(_Said(c.hex, c.a, c.end, -1, "paint"))
            if role is None or role == "smoke":
                continue
            noun = best[2] if best is not None and best[1] == role else -1
            out.setdefault(role, []).append(_Said(c.hex, c.a, c.end, noun, role))
        if not out and loose:          # colours said of nothing ("violet."): the sky takes them
            out["paint"] = loose
        return out

    def said(self, colours: list[_Said]) -> list[str]:
        """Quotes for colours: each noun with its colours ("streaks of violet and gold"), or each run of
        colours in a sentence ("indigo ripples, wildfire golds, liquid silver")."""
        t = self.t
        runs: dict[tuple[int, int], list[int]] = {}
        for c in colours:
            key = (c.noun, -1) if c.noun >= 0 else (-1, t.sent[c.a])
            run = runs.setdefault(key, [c.a, c.end])
            run[0], run[1] = min(run[0], c.a), max(run[1], c.end)
        out: list[tuple[int, str]] = []
        for (noun, _), (a, b) in runs.items():
            if noun < 0:
                out.append((a, t.phrase(a, b, 2, 1)))
            elif a - 3 <= noun < b + 3:          # close: one quote ("streaks of violet and gold")
                lo, hi = min(a, noun), max(b, noun + 1)
                out.append((lo, t.phrase(lo, hi, 2, 1)))
            else:                                # far apart: the noun, then its colours
                out.append((noun, t.phrase(noun, noun + 1, 2, 0)))
                out.append((a, t.phrase(a, b, 2, 1)))
        return [phrase for _, phrase in sorted(out)]

    # ------------------------------------------------------------------------------------------ name

    def name(self) -> str:
        t = self.t
        # "This is the Grand Auditorium of Worlds"
        for i, j in t.find("this is|this was|welcome to|known as|called|named"):
            k = j
            the = k < t.n and t.words[k] == "the" and t.clause[k] == t.clause[i]
            k += the
            last = None
            x = k
            while x < t.n and x - k < 8 and t.clause[x] == t.clause[i] and not (x > k and t.comma[x]):
                if t.is_title(x):
                    last = x
                elif t.words[x] not in ("of", "the", "and", "de", "la", "du", "des", "von", "van"):
                    break
                x += 1
            if last is not None and t.is_title(k):
                name = ("The " if the else "") + _clean(t.text[t.starts[k]:t.ends[last]])
                self.put("name", name[:80], [t.quote(i, last + 1)], 0, i)
                return name[:80]
        # "The Liquid Silver Stage": the stage as the text first describes it
        material = self.picks.get("stage.material")
        if material is not None:
            for rule in STAGE_RULES[:3]:
                if rule.edits["stage.material"] != material.value:
                    continue
                for i, j in t.affirmed(rule.cue):
                    if i != material.at:
                        continue
                    noun = t.near(i, j, STAGE, 30)
                    head = t.words[noun[0]] if noun else "stage"
                    words = " ".join(w.capitalize() for w in t.words[i:j])
                    name = f"The {words} {head.capitalize()}"
                    self.put("name", name, list(material.phrases), 1, i)
                    return name
        # the first run of capitalised words inside a sentence ("the Harmonious Spheres")
        k = 0
        while k < t.n:
            if t.is_title(k) and k != t.sent_lo[t.sent[k]] and t.words[k] != "i":
                x = k
                while x + 1 < t.n and t.is_title(x + 1) and t.clause[x + 1] == t.clause[k] and x - k < 6:
                    x += 1
                if x > k:
                    name = "The " + _clean(t.text[t.starts[k]:t.ends[x]])
                    self.put("name", name[:80], [t.quote(k, x + 1)], 2, k)
                    return name[:80]
                k = x + 1
            else:
                k += 1
        return "A Dream"

    # ------------------------------------------------------------------------------------------- all

    def run(self) -> str:
        material_span = self.stage()
        self.sky_gradient()
        roles = self.colour_roles(material_span)
        # the mood's colours, first mention of each in text order: where it stands, where it drifts to
        mood: list[_Said] = []
        for c in sorted(roles.get("mood", []) + roles.get("screens", []), key=lambda c: c.a):
            if all(c.hex != m.hex for m in mood):
                mood.append(c)
        self.sky(roles)
        groups = self.audience(roles, mood)
        self.screens(mood, roles, groups)
        self.spheres(roles)
        self.performer_view()
        self.instrument(roles)
        self.lights(roles)
        self.apply(TERRAIN_RULES)
        stage_colour = roles.get("stage", [])
        if stage_colour:
            self.put("stage.color", stage_colour[0].hex, self.said(stage_colour[:1]), 1, stage_colour[0].a)
        self.score = read_score(self.t, {path: p.value for path, p in self.picks.items()}, _colours(self.t))
        return self.name()


def _scale_names(count: int, root: str) -> list[str]:
    """Note names of `tones.pentatonic(count, root)`: C5 D5 E5 G5 A5 C6 E6 …"""
    names = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    out = []
    for hz in pentatonic(count, root):
        midi = round(69 + 12 * math.log2(hz / 440.0))
        out.append(f"{names[midi % 12]}{midi // 12 - 1}")
    return out


# -------------------------------------------------------------------------------------------- writing

_SECTION_DEFAULTS = {
    "terrain": "defaults (the text does not describe the land)",
    "stage": "defaults (the text does not describe the stage)",
    "audience": "defaults (the text does not describe the audience)",
    "props": "defaults (the text names no spheres or instrument)",
    "sky": "defaults (the text does not describe the sky)",
    "lights": "defaults (the text does not describe the light)",
    "camera": "defaults (framed on the stage)",
}
_PATH_PART = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")
_COMMENT_COLUMN = 44


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        if "e" in r or "n" in r:
            r = f"{v:.6f}".rstrip("0")
            r += "0" if r.endswith(".") else ""
        return r
    if isinstance(v, str):
        return json.dumps(_clean(v), ensure_ascii=False)
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    raise TypeError(type(v))


def _comment(phrases: Iterable[str]) -> str:
    return "# " + " … ".join(f'"{p}"' for p in list(phrases)[:3])


def _line(text: str, comment: str) -> str:
    return f"{text.ljust(_COMMENT_COLUMN - 2)}  {comment}" if comment else text


def _tree(paths: Iterable[str]) -> dict:
    root: dict = {}
    for path in paths:
        node: Any = root
        parts = path.split(".")
        for n, part in enumerate(parts):
            m = _PATH_PART.fullmatch(part)
            assert m is not None, path
            key, index = m.group(1), m.group(2)
            leaf = n == len(parts) - 1
            if index is None:
                if leaf:
                    node[key] = path
                else:
                    node = node.setdefault(key, {})
            else:
                items = node.setdefault(key, [])
                while len(items) <= int(index):
                    items.append({})
                node = items[int(index)]
                if leaf:
                    raise AssertionError(path)
    return root


def _emit(cls: type, node: dict, indent: str, notes: dict[str, tuple[Any, str]], lines: list[str]) -> None:
    """Lines for one section, keys in the order the spec declares them; leaves hold their key path."""
    for _f, key, tp in spec_fields(cls):
        if key not in node:
            continue
        v = node[key]
        if isinstance(v, dict):
            lines.append(f"{indent}{key}:")
            _emit(tp, v, indent + "  ", notes, lines)
        elif isinstance(v, list):
            item_cls = typing.get_args(tp)[0]
            lines.append(f"{indent}{key}:")
            for item in v:
                sub: list[str] = []
                _emit(item_cls, item, indent + "    ", notes, sub)
                if not sub:
                    lines.append(f"{indent}  - {{}}")
                    continue
                sub[0] = f"{indent}  - {sub[0][len(indent) + 4:]}"
                lines.extend(sub)
        else:
            value, comment = notes[v]
            lines.append(_line(f"{indent}{key}: {_scalar(value)}", comment))


def _write(name: str, seed: str, description: str, deriver: _Deriver, schema: str) -> tuple[str, list[str]]:
    """The seed file's text, and the decided paths in the order they are written."""
    picks = deriver.picks
    notes: dict[str, tuple[Any, str]] = {path: (p.value, _comment(p.phrases)) for path, p in picks.items()}
    for path, (value, why) in deriver.absent.items():
        if path not in notes:
            notes[path] = (value, f"# {why}")
    decided = [p for p in picks if p != "name"]
    head = [
        f"# yaml-language-server: $schema={schema}",
        f"# {name}: a scenegen seed file derived from a dream by `scenegen from-text`.",
        "# Each value below quotes the words it came from; whatever the text does not describe keeps",
        "# scenegen's default. Change anything: `scenegen validate FILE` checks it, `scenegen view FILE` shows it.",
    ]
    if not decided:
        head += ["# Nothing in the text was recognised (no stage, sky, audience, spheres or light it could read):",
                 "# this is the default scene, with a seed of its own taken from the text."]
    name_note = _comment(picks["name"].phrases) if "name" in picks else "# the text gives no name"
    lines = head + [
        "scenegen: 1",
        _line(f"name: {_scalar(name)}", name_note),
        _line(f"description: {_scalar(description)}", "# where the text first shows its scene"),
        _line(f"seed: {_scalar(seed)}", "# from the text itself: the same text gives the same scene"),
    ]
    tree = _tree([*decided, *(p for p in deriver.absent if p not in picks)])
    order: list[str] = []
    for _f, key, tp in spec_fields(SeedSpec):
        if key in ("scenegen", "name", "description", "seed"):
            continue
        if key == "performance":
            lines.extend(_score_lines(deriver.score))   # nothing when the text tells no order of events
            continue
        lines.append("")
        if key not in tree:
            lines.append(f"# {key}: {_SECTION_DEFAULTS[key]}")
            continue
        body: list[str] = []
        if isinstance(tree[key], list):
            _emit(SeedSpec, {key: tree[key]}, "", notes, body)
        else:
            body.append(f"{key}:")
            _emit(tp, tree[key], "  ", notes, body)
        lines.extend(body)
    for path in _leaf_paths(tree):
        order.append(path)
    return "\n".join(lines) + "\n", order


def _flow(v: Any) -> str:
    """A cue's value in YAML flow style, on one line."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, str) and re.fullmatch(r"[a-z][a-z-]*", v):
        return v
    return _scalar(v)


def _score_lines(score: Score) -> list[str]:
    """The performance section: the header values, then one line per cue, each under the words it realises."""
    if not score.cues:
        return []
    out = ["", "performance:"]
    if "duration" in score.header:
        value, phrase = score.header["duration"]
        out.append(_line(f"  duration: {_scalar(float(value))}", _comment([phrase])))
    if "hum" in score.header:
        value, phrase = score.header["hum"]
        out += ["  hum:", _line(f"    level: {_scalar(float(value))}", _comment([phrase]))]
    out.append("  cues:")
    for cue in score.cues:
        out.append(_line(f"    - {_flow(cue.data)}", _comment(cue.phrase.split(" … "))))
    return out


def _leaf_paths(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _leaf_paths(v)
    elif isinstance(node, list):
        for v in node:
            yield from _leaf_paths(v)


# ------------------------------------------------------------------------------------------- entries

def _prepare(text: str, source: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise DreamError(source, f"is not valid Unicode text (a lone surrogate at character {exc.start})") from None
    if size > MAX_BYTES:
        raise DreamError(source, f"text is {size} bytes, above the limit of {MAX_BYTES} bytes (1 MiB)")
    nul = text.find("\0")
    if nul >= 0:
        raise DreamError(source, f"is binary data, not text (a NUL character at offset {nul})")
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > 2 * MAX_BYTES:
        raise DreamError(source, f"text grows to {len(text)} characters once normalised, above the limit "
                                 f"of {2 * MAX_BYTES}")
    if not text.strip():
        raise DreamError(source, "the text is empty: there is no dream to read")
    return text


def derive(text: str, source: str = "<text>", *, schema: str | None = None) -> Derivation:
    """The scene a dream narrative describes: its spec, the seed file that says so, and each decision.

    Deterministic: the same text gives the same bytes (the seed is a hash of the text, whitespace
    normalised). `schema` is the modeline's schema address; by default seed.schema.json, beside the file.
    Raises DreamError (one line, `source: what is wrong`) for text that cannot give a scene.
    """
    text = _prepare(text, source)
    seed = "dream-" + hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]
    t = _Text(text)
    deriver = _Deriver(t)
    name = deriver.run()
    # the description is the sentence of the first image read (else the text's opening)
    first = min((p.at for path, p in deriver.picks.items() if path != "name"), default=0)
    s = t.sent[first] if t.n else 0
    opening = _clean(text[t.starts[t.sent_lo[s]]:t.ends[t.sent_hi[s] - 1] + 1][:400] if t.n else text[:400])
    description = opening if len(opening) <= 120 else opening[:119].rsplit(" ", 1)[0].rstrip(",;:—– ") + "…"
    yaml_text, order = _write(_clean(name) or "A Dream", seed, description, deriver,
                              schema if schema is not None else SCHEMA_NAME)
    try:
        spec = parse_seed(yaml_text, file=source)
    except SeedError as err:
        raise DreamError(source, "the derived seed file does not validate, a bug in scenegen: "
                                 f"{err.problems[0]}") from err
    phrases = deriver.picks
    written = (["name"] if "name" in phrases else []) + [p for p in order if p in phrases]
    decisions = [Decision(p, phrases[p].value, " … ".join(phrases[p].phrases)) for p in written]
    decisions += [Decision(f"performance.cues[{k}]", spec_to_data(spec.performance.cues[k]), cue.phrase)
                  for k, cue in enumerate(deriver.score.cues)]
    return Derivation(spec=spec, yaml=yaml_text, decisions=tuple(decisions))


def _decode(data: bytes, shown: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DreamError(shown, "is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8")
    nul = data.find(b"\0")
    if nul >= 0:
        raise DreamError(shown, f"is binary data, not text (a NUL byte at byte offset {nul})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = 1 + data.count(b"\n", 0, exc.start)
        raise DreamError(shown, f"is not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
                                f"(line {line})") from None


def read_dream(path: Union[str, os.PathLike], *, schema: str | None = None) -> Derivation:
    """`derive` for a text file ("-": standard input); every unusable input raises DreamError, one line
    naming it."""
    shown = os.fsdecode(os.fspath(path))
    if shown == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise DreamError("<stdin>", f"text is above the limit of {MAX_BYTES} bytes (1 MiB)")
        return derive(_decode(data, "<stdin>"), source="<stdin>", schema=schema)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise DreamError(shown, "is a directory, not a text file")
        if not stat.S_ISREG(st.st_mode):
            raise DreamError(shown, "is not a regular file (a device, pipe or socket cannot be read as a dream)")
        if st.st_size > MAX_BYTES:
            raise DreamError(shown, f"file is {st.st_size} bytes, above the limit of {MAX_BYTES} bytes (1 MiB)")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DreamError(shown, "no such file") from None
    except OSError as exc:
        raise DreamError(shown, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise DreamError(shown, f"file is above the limit of {MAX_BYTES} bytes (1 MiB)")
    return derive(_decode(data, shown), source=shown, schema=schema)
