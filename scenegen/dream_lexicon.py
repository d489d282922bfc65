"""Word tables for `dream.py`: colour names, colour modifiers, number words; data only, no logic."""

from __future__ import annotations

__all__ = ["CSS_COLORS", "CSS_COLORS_SHA256", "POETIC_COLORS", "AMBIGUOUS_COLORS", "COLOR_MODIFIERS",
           "UNITS", "TENS", "MULTIPLIERS", "VAGUE_AMOUNTS"]

# The 148 named colours of CSS Color Module Level 4 (the X11 names as the web spells them, both the
# "gray" and "grey" spellings, and rebeccapurple). The list is frozen by the standard ("no new named
# colors will be added"), so it is shipped here rather than pulled from a package: webcolors 25.10
# holds the same values but 147 names (no rebeccapurple) and has changed how it lists them between
# major versions. tests/test_dream.py pins the table by hash and cross-checks it against webcolors
# when that package is installed.
CSS_COLORS: dict[str, str] = {
    "aliceblue": "#f0f8ff", "antiquewhite": "#faebd7", "aqua": "#00ffff", "aquamarine": "#7fffd4",
    "azure": "#f0ffff", "beige": "#f5f5dc", "bisque": "#ffe4c4", "black": "#000000",
    "blanchedalmond": "#ffebcd", "blue": "#0000ff", "blueviolet": "#8a2be2", "brown": "#a52a2a",
    "burlywood": "#deb887", "cadetblue": "#5f9ea0", "chartreuse": "#7fff00", "chocolate": "#d2691e",
    "coral": "#ff7f50", "cornflowerblue": "#6495ed", "cornsilk": "#fff8dc", "crimson": "#dc143c",
    "cyan": "#00ffff", "darkblue": "#00008b", "darkcyan": "#008b8b", "darkgoldenrod": "#b8860b",
    "darkgray": "#a9a9a9", "darkgreen": "#006400", "darkgrey": "#a9a9a9", "darkkhaki": "#bdb76b",
    "darkmagenta": "#8b008b", "darkolivegreen": "#556b2f", "darkorange": "#ff8c00", "darkorchid": "#9932cc",
    "darkred": "#8b0000", "darksalmon": "#e9967a", "darkseagreen": "#8fbc8f", "darkslateblue": "#483d8b",
    "darkslategray": "#2f4f4f", "darkslategrey": "#2f4f4f", "darkturquoise": "#00ced1",
    "darkviolet": "#9400d3", "deeppink": "#ff1493", "deepskyblue": "#00bfff", "dimgray": "#696969",
    "dimgrey": "#696969", "dodgerblue": "#1e90ff", "firebrick": "#b22222", "floralwhite": "#fffaf0",
    "forestgreen": "#228b22", "fuchsia": "#ff00ff", "gainsboro": "#dcdcdc", "ghostwhite": "#f8f8ff",
    "gold": "#ffd700", "goldenrod": "#daa520", "gray": "#808080", "green": "#008000",
    "greenyellow": "#adff2f", "grey": "#808080", "honeydew": "#f0fff0", "hotpink": "#ff69b4",
    "indianred": "#cd5c5c", "indigo": "#4b0082", "ivory": "#fffff0", "khaki": "#f0e68c",
    "lavender": "#e6e6fa", "lavenderblush": "#fff0f5", "lawngreen": "#7cfc00", "lemonchiffon": "#fffacd",
    "lightblue": "#add8e6", "lightcoral": "#f08080", "lightcyan": "#e0ffff",
    "lightgoldenrodyellow": "#fafad2", "lightgray": "#d3d3d3", "lightgreen": "#90ee90",
    "lightgrey": "#d3d3d3", "lightpink": "#ffb6c1", "lightsalmon": "#ffa07a", "lightseagreen": "#20b2aa",
    "lightskyblue": "#87cefa", "lightslategray": "#778899", "lightslategrey": "#778899",
    "lightsteelblue": "#b0c4de", "lightyellow": "#ffffe0", "lime": "#00ff00", "limegreen": "#32cd32",
    "linen": "#faf0e6", "magenta": "#ff00ff", "maroon": "#800000", "mediumaquamarine": "#66cdaa",
    "mediumblue": "#0000cd", "mediumorchid": "#ba55d3", "mediumpurple": "#9370db",
    "mediumseagreen": "#3cb371", "mediumslateblue": "#7b68ee", "mediumspringgreen": "#00fa9a",
    "mediumturquoise": "#48d1cc", "mediumvioletred": "#c71585", "midnightblue": "#191970",
    "mintcream": "#f5fffa", "mistyrose": "#ffe4e1", "moccasin": "#ffe4b5", "navajowhite": "#ffdead",
    "navy": "#000080", "oldlace": "#fdf5e6", "olive": "#808000", "olivedrab": "#6b8e23", "orange": "#ffa500",
    "orangered": "#ff4500", "orchid": "#da70d6", "palegoldenrod": "#eee8aa", "palegreen": "#98fb98",
    "paleturquoise": "#afeeee", "palevioletred": "#db7093", "papayawhip": "#ffefd5", "peachpuff": "#ffdab9",
    "peru": "#cd853f", "pink": "#ffc0cb", "plum": "#dda0dd", "powderblue": "#b0e0e6", "purple": "#800080",
    "rebeccapurple": "#663399", "red": "#ff0000", "rosybrown": "#bc8f8f", "royalblue": "#4169e1",
    "saddlebrown": "#8b4513", "salmon": "#fa8072", "sandybrown": "#f4a460", "seagreen": "#2e8b57",
    "seashell": "#fff5ee", "sienna": "#a0522d", "silver": "#c0c0c0", "skyblue": "#87ceeb",
    "slateblue": "#6a5acd", "slategray": "#708090", "slategrey": "#708090", "snow": "#fffafa",
    "springgreen": "#00ff7f", "steelblue": "#4682b4", "tan": "#d2b48c", "teal": "#008080",
    "thistle": "#d8bfd8", "tomato": "#ff6347", "turquoise": "#40e0d0", "violet": "#ee82ee",
    "wheat": "#f5deb3", "white": "#ffffff", "whitesmoke": "#f5f5f5", "yellow": "#ffff00",
    "yellowgreen": "#9acd32"
}

CSS_COLORS_SHA256 = "c14d9b199a74fb2f12786420b916761f83c643dd670560c8f2c877f6a6e28076"
"""SHA-256 of json.dumps(sorted(CSS_COLORS.items())): the table is the standard's, byte for byte."""

# Colour words of prose that CSS lacks, and the two CSS names prose means otherwise. Multi-word keys are
# matched as phrases before their words are tried alone ("emerald green" is emerald, not green).
POETIC_COLORS: dict[str, str] = {
    # CSS "violet" is X11's pale orchid (#ee82ee) and CSS "azure" a near-white (#f0ffff); in a dream,
    # violet is the spectral violet and azure the clear blue of the sky.
    "violet": "#8f00ff", "azure": "#007fff",
    # Metals and light, as a dream paints with them.
    "golden": "#ffd700", "liquid silver": "#d4d9e2", "quicksilver": "#d4d9e2", "mercury": "#d4d9e2",
    "liquid mercury": "#d4d9e2", "silvery": "#c0c0c0", "moonlight": "#dfe8ff", "moonlit": "#dfe8ff",
    "starlight": "#f4f1ff", "sunlight": "#fff1c4", "candlelight": "#ffc46b", "platinum": "#e5e4e2",
    "copper": "#b87333", "coppery": "#b87333", "bronze": "#cd7f32", "brass": "#b5a642",
    "wildfire": "#ff7a1a", "wildfire gold": "#ffa31a", "flame": "#e25822", "fire": "#e25822",
    # Gems and pigments.
    "emerald": "#50c878", "emerald green": "#50c878", "sapphire": "#0f52ba", "sapphire blue": "#0f52ba",
    "ruby": "#e0115f", "ruby red": "#e0115f", "amethyst": "#9966cc", "jade": "#00a86b", "topaz": "#ffc87c",
    "amber": "#ffbf00", "pearl": "#eae0c8", "pearly": "#eae0c8", "opal": "#a8c3bc", "obsidian": "#1b1b22",
    "ebony": "#555d50", "onyx": "#353839", "cobalt": "#0047ab", "cobalt blue": "#0047ab",
    "cerulean": "#007ba7", "ultramarine": "#3f00ff", "vermilion": "#e34234", "vermillion": "#e34234",
    "scarlet": "#ff2400", "carmine": "#960018", "ochre": "#cc7722", "saffron": "#f4c430",
    "sepia": "#704214", "umber": "#635147", "rust": "#b7410e", "charcoal": "#36454f", "ash": "#b2beb5",
    "cream": "#fffdd0", "wine": "#722f37", "blood": "#8a0303", "blood red": "#8a0303",
    # Flowers and soft tints.
    "rose": "#ff007f", "rosy": "#ff66a3", "lilac": "#c8a2c8", "mauve": "#e0b0ff", "periwinkle": "#ccccff",
    "blush": "#de5d83",
    # -ish and -y forms mean the colour itself.
    "bluish": "#0000ff", "reddish": "#ff0000", "greenish": "#008000", "yellowish": "#ffff00",
    "purplish": "#800080", "pinkish": "#ffc0cb", "greyish": "#808080", "grayish": "#808080",
    "whitish": "#ffffff", "blackish": "#000000", "orangey": "#ffa500", "orangish": "#ffa500",
}

# Names that are more often something else (a fruit, a verb, a fabric, a fire). They count as a colour only
# where the text treats them as one: after a colour modifier ("pale amber"), before a word of colour or
# light ("amber light", "rose hues"), after "hues of"/"shades of", or beside another colour ("rose and
# gold"). "a fly trapped in amber" names no colour.
AMBIGUOUS_COLORS: frozenset[str] = frozenset({
    "tan", "snow", "linen", "chocolate", "coral", "salmon", "tomato", "olive", "orchid", "plum", "peru",
    "bisque", "wheat", "honeydew", "lime", "orange", "lavender", "thistle", "seashell", "moccasin",
    "ivory", "khaki", "navy", "chartreuse", "sienna", "firebrick", "cornsilk", "peachpuff", "oldlace",
    "rose", "amber", "ruby", "sapphire", "jade", "pearl", "opal", "ebony", "obsidian", "onyx", "copper",
    "bronze", "brass", "platinum", "ash", "rust", "blood", "wine", "cream", "charcoal", "mercury",
    "fire", "flame", "wildfire", "blush", "moonlight", "moonlit", "sunlight", "starlight",
    "candlelight", "topaz", "amethyst", "cobalt", "umber", "sepia", "mint", "peach",
})
# Not listed: gold, silver, emerald and the plain colour words. A text that names them almost always
# means their colour.

# Words that shape a colour: each entry moves hue (towards a target, by at most some degrees), saturation
# and lightness (in HLS, on the sRGB values). "lift" moves lightness that fraction of the way to white.
COLOR_MODIFIERS: dict[str, dict[str, float]] = {
    # Darker and richer.
    "deep": {"l": 0.72, "s": 1.05}, "dark": {"l": 0.6}, "darkest": {"l": 0.45}, "rich": {"s_min": 0.85, "l": 0.9},
    "midnight": {"l": 0.5, "s": 0.9},
    # Paler and softer.
    "pale": {"lift": 0.45, "s": 0.75}, "light": {"lift": 0.4, "s": 0.85}, "soft": {"lift": 0.3, "s": 0.8},
    "pastel": {"lift": 0.5, "s": 0.6}, "faded": {"lift": 0.35, "s": 0.55}, "washed": {"lift": 0.35, "s": 0.55},
    "faint": {"lift": 0.3, "s": 0.7}, "milky": {"lift": 0.4, "s": 0.6}, "ghostly": {"lift": 0.4, "s": 0.5},
    # Stronger.
    "bright": {"s_min": 0.9, "lift": 0.1}, "brilliant": {"s_min": 0.9, "lift": 0.1}, "vivid": {"s_min": 0.95},
    "vibrant": {"s_min": 0.95}, "intense": {"s_min": 0.95, "l": 0.95}, "bold": {"s_min": 0.9},
    "saturated": {"s_min": 1.0},
    # The blue-white of an electric arc: full saturation, never dark, blues leaning to cyan.
    "electric": {"s_set": 1.0, "l_min": 0.58, "hue_to": 200.0, "hue_by": 15.0},
    "neon": {"s_set": 1.0, "l_min": 0.55}, "fluorescent": {"s_set": 1.0, "l_min": 0.6},
    # Light on the surface: a little lighter and livelier.
    "shimmering": {"lift": 0.15, "s_add": 0.1}, "glittering": {"lift": 0.15, "s_add": 0.1},
    "gleaming": {"lift": 0.15, "s_add": 0.1}, "glowing": {"lift": 0.15, "s_add": 0.1},
    "luminous": {"lift": 0.15, "s_add": 0.1}, "radiant": {"lift": 0.2, "s_add": 0.1},
    "shining": {"lift": 0.15, "s_add": 0.1}, "glistening": {"lift": 0.15, "s_add": 0.1},
    "sparkling": {"lift": 0.15, "s_add": 0.1}, "lustrous": {"lift": 0.1, "s_add": 0.1},
    "iridescent": {"lift": 0.2, "s_add": 0.1}, "incandescent": {"lift": 0.25, "s_add": 0.05},
    # Unwell and dirty: sallow, a little green, duller.
    "sickly": {"hue_to": 75.0, "hue_by": 6.0, "s": 0.8, "l": 0.95},
    "sallow": {"hue_to": 75.0, "hue_by": 6.0, "s": 0.7},
    "bilious": {"hue_to": 90.0, "hue_by": 12.0, "s": 0.8}, "jaundiced": {"hue_to": 70.0, "hue_by": 8.0, "s": 0.8},
    "dull": {"s": 0.6, "l": 0.85}, "muddy": {"s": 0.5, "l": 0.75}, "murky": {"s": 0.5, "l": 0.7},
    "dirty": {"s": 0.55, "l": 0.8}, "drab": {"s": 0.45, "l": 0.85}, "dusty": {"s": 0.55, "lift": 0.1},
    "smoky": {"s": 0.5, "l": 0.85}, "muted": {"s": 0.55}, "dim": {"l": 0.7, "s": 0.8},
    "dusky": {"l": 0.7, "s": 0.75},
    # Temperature.
    "fiery": {"hue_to": 25.0, "hue_by": 10.0, "s_min": 0.9},
    "burning": {"hue_to": 25.0, "hue_by": 10.0, "s_min": 0.9},
    "blazing": {"hue_to": 30.0, "hue_by": 10.0, "s_min": 0.95, "lift": 0.1},
    "molten": {"hue_to": 30.0, "hue_by": 8.0, "s_min": 0.9, "lift": 0.1},
    "warm": {"hue_to": 35.0, "hue_by": 10.0}, "icy": {"hue_to": 200.0, "hue_by": 12.0, "lift": 0.15},
    "cold": {"hue_to": 210.0, "hue_by": 10.0, "lift": 0.05},
    "frosty": {"hue_to": 200.0, "hue_by": 10.0, "lift": 0.25},
}

# Number words. Amounts at or above a million are read as a way of saying "a lot" (see VAGUE_AMOUNTS).
UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "dozen": 12, "pair": 2, "twin": 2,
    "single": 1, "lone": 1, "solitary": 1, "both": 2, "trio": 3, "quartet": 4,
}
TENS: dict[str, int] = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                        "eighty": 80, "ninety": 90}
MULTIPLIERS: dict[str, int] = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9,
                               "trillion": 10**12}

# Amounts that are not numbers, as a level of "how many": 1 a few … 8 beyond counting. Each kind of
# thing turns a level into its own count (`dream.py`), so that "billions of eyes" fills the sky with as
# many as a scene can hold while "a few spheres" is three.
VAGUE_AMOUNTS: dict[str, int] = {
    "few": 1, "several": 1, "handful": 1, "couple": 1, "dozens": 2, "scores": 2, "many": 2, "numerous": 2,
    "tens": 2, "hundreds": 3, "thousands": 4, "millions": 7, "billions": 8, "trillions": 8, "countless": 8,
    "innumerable": 8, "uncountable": 8, "untold": 8, "myriad": 8, "myriads": 8, "multitudes": 6,
    "legions": 5, "infinite": 8, "infinitely": 8, "numberless": 8,
}
