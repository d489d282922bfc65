// The audience: one point sprite per figure (one vertex each), additive.
// FIGURE 0: a luminous mist silhouette (head, shoulders, body as a soft SDF), upright, swaying about
// its feet; FIGURE 1: a floating eye whose glowing iris looks where the figure faces and reflects
// the stage. Breathing, sway, shimmer and the mood colour move with u_time; every rate and amount
// comes from the AudienceGroup (per figure attributes, per group uniforms).
// PREPASS 1 draws only the figures' solid cores into the depth buffer (colour writes off): the glow
// pass that follows then lights each pixel with the nearest figure and those in front of it, not with
// every figure along the line of sight — a dense crowd seen edge-on stays a crowd, not a white wall.
#include "common.glsl"
#ifndef FIGURE
#define FIGURE 0
#endif
#ifndef PREPASS
#define PREPASS 0
#endif
// SMALL 1 draws only the figures below SMALL_PX as plain soft glows; SMALL 0 (with PREPASS 0) only the
// larger ones in full detail. Each pass moves the other's figures outside the clip volume in its vertex
// shader: the software rasteriser runs every instruction of a fragment shader whatever branch a pixel
// takes, so far crowds must not pay for the detail of near figures.
#ifndef SMALL
#define SMALL 0
#endif

uniform mat4 u_view_proj_matrix;
uniform mat4 u_proj_matrix;
uniform vec3 u_eye;
uniform vec3 u_cam_right;
uniform vec3 u_cam_up;
uniform vec2 u_viewport;
uniform float u_mist;
uniform float u_shimmer_rate;
uniform vec4 u_breathing;      // rate, depth, shared phase, unison (1) or per figure (0)
uniform vec3 u_mood_color;
uniform vec2 u_mood;           // period, strength (0: no mood)
uniform vec3 u_origin;         // the stage centre the crowd watches
uniform vec3 u_stage_glow;     // what the eyes see of the stage: its colour × glow, plus spotlight
uniform float u_exposure;      // overall glow scale, so crowds of any density stay luminous, not white
uniform float u_max_point;     // the largest point size the driver draws

// Sprite sides in local units around the same centre (both passes must share gl_Position): the glow
// pass needs room for the halo and the sway, the core pass only for the solid body.
#if FIGURE == 0
const float MID = 0.52;                  // centre at mid-height, in figure heights
#if PREPASS
const float SPRITE = 1.0;
#else
const float SPRITE = 1.2;
#endif
#else
const float MID = 0.0;                   // eye radii, centre of the eye
#if PREPASS
const float SPRITE = 2.2;
#else
const float SPRITE = 3.4;
#endif
#endif
// Below this many pixels per local unit (a figure's height, an eye's radius) a figure is a soft glow
// with no solid core; from it up, it has its full shape.
#if FIGURE == 0
const float SMALL_PX = 6.0;
#else
const float SMALL_PX = 3.0;
#endif
// Small figures get at least this many pixels of sprite, so their glow can be widened to a pixel or so
// (and dimmed to keep its light): a sub-pixel sprite would flicker in and out between pixel centres.
const float MIN_SPRITE = 4.0;

#if defined VERTEX_SHADER
in vec3 a_pos;
in vec2 a_size;
in vec2 a_gaze;
in vec3 a_color;
in float a_brightness;
in float a_phase;
in vec2 a_sway;
in float a_shimmer;

invariant gl_Position;     // both passes must land on exactly the same depths
flat out vec3 v_color;
flat out float v_px;       // pixels per unit of the figure's local frame (heights; eye radii)
flat out float v_shimmer;
flat out float v_seed;
flat out float v_front;    // silhouettes: how much the figure faces the eye (its eyes show), 0…1
flat out vec2 v_iris;      // eyes: where the iris sits, in eye radii
flat out vec2 v_glint;     // eyes: where the stage's reflection sits
flat out vec4 v_shape;     // silhouettes: width / height, 1 / breath (width), 1 / breath (height), sprite side
flat out vec2 v_sway;      // silhouettes: cos and sin of the sway angle

void main() {
    // One point sprite per figure: a quarter of the vertices of a quad, which is what the software
    // rasteriser pays most for; everything per figure is worked out here, once.
    float breath_phase = u_breathing.w > 0.5 ? u_breathing.z : a_phase;
    float breath = u_breathing.y * sin(TAU * u_breathing.x * u_time + breath_phase);
    float mood = u_mood.y * (0.5 - 0.5 * cos(TAU * u_time / max(u_mood.x, 1e-3)));
    vec3 col = mix(a_color, u_mood_color, mood) * a_brightness * u_exposure;
    vec3 gaze = vec3(sin(a_gaze.x) * cos(a_gaze.y), sin(a_gaze.y), cos(a_gaze.x) * cos(a_gaze.y));
#if FIGURE == 0
    float unit = a_size.y;                                  // local frame: heights, feet at 0
    vec3 centre = a_pos + vec3(0.0, MID * unit, 0.0);
    vec3 to_eye = u_eye - a_pos;
    float sway = a_sway.x * sin(TAU * a_sway.y * u_time + a_phase);
    v_sway = vec2(cos(sway), sin(sway));
    v_shape = vec4(a_size.x / a_size.y, 1.0 / (1.0 + breath), 1.0 / (1.0 + 0.35 * breath), SPRITE);
    v_front = clamp(dot(normalize(vec3(to_eye.x, 0.0, to_eye.z) + 1e-6), vec3(gaze.x, 0.0, gaze.z)) * 2.0, 0.0, 1.0);
    v_iris = vec2(0.0);
    v_glint = vec2(0.0);
#else
    float unit = 0.5 * a_size.y * (1.0 + breath);           // local frame: eye radii, centre at 0
    vec3 centre = a_pos;
    v_iris = vec2(dot(gaze, u_cam_right), dot(gaze, u_cam_up)) * 0.45;
    vec3 to_eye = normalize(u_eye - a_pos);
    vec3 h = normalize(to_eye + normalize(u_origin - a_pos));
    v_glint = vec2(dot(h, u_cam_right), dot(h, u_cam_up)) * 0.5 + vec2(-0.12, 0.14);
    v_front = 1.0;
    v_sway = vec2(1.0, 0.0);
    v_shape = vec4(1.0, 1.0, 1.0, SPRITE);
#endif
    gl_Position = u_view_proj_matrix * vec4(centre, 1.0);
    float px = unit * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
#if FIGURE == 0 && SMALL
    float sprite = 1.0;            // a soft blob needs a sprite only its own height
#else
    float sprite = SPRITE;
#endif
    v_shape.w = sprite;
    float side = px * sprite;
    // Below a pixel the sprite stays one pixel and dims with its true area, so far crowds fade, not fizz.
    col *= min(side * side, 1.0);
    gl_PointSize = clamp(side, 1.0, u_max_point);
    // Not this pass's figure: outside the clip volume it costs no fragments at all.
#if SMALL
    if (px >= SMALL_PX) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
#else
    if (px < SMALL_PX) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
#endif
    v_px = px * min(1.0, u_max_point / max(side, 1e-6));
    v_color = col;
    v_shimmer = a_shimmer;
    v_seed = fract(a_phase * 0.15915494) * 97.0;
}

#elif defined FRAGMENT_SHADER
flat in vec3 v_color;
flat in float v_px;
flat in float v_shimmer;
flat in float v_seed;
flat in float v_front;
flat in vec2 v_iris;
flat in vec2 v_glint;
flat in vec4 v_shape;
flat in vec2 v_sway;
out vec4 f_color;

// A Gaussian glow of peak `peak` and widths `sigma` (local units), widened to at least ~0.6 pixel and
// dimmed by as much, so its light is kept while it never falls between pixel centres.
float soft_spot(vec2 q, vec2 sigma, float peak) {
    vec2 s = max(sigma, vec2(0.6 / max(v_px, 1e-4)));
    vec2 z = q / s;
    return peak * (sigma.x * sigma.y) / (s.x * s.y) * exp(-0.5 * dot(z, z));
}

// The fragment's place in the figure's own frame: heights from the feet (silhouettes), radii from the
// centre (eyes); silhouettes un-swayed about the feet and un-swollen by their breath.
vec2 local_point() {
    vec2 q = (gl_PointCoord - 0.5) * vec2(v_shape.w, -v_shape.w) + vec2(0.0, MID);
#if FIGURE == 0
    q = vec2(v_sway.x * q.x - v_sway.y * q.y, v_sway.y * q.x + v_sway.x * q.y);
    q *= v_shape.yz;
#endif
    return q;
}

float sd_capsule(vec2 p, vec2 a, vec2 b, float r) {
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
    return length(pa - ba * h) - r;
}
// A capsule whose radius runs from ra (at a) to rb (at b): the tapering torso.
float sd_taper(vec2 p, vec2 a, vec2 b, float ra, float rb) {
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
    return length(pa - ba * h) - mix(ra, rb, h);
}
float smin(float a, float b, float k) {
    float h = clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
    return mix(b, a, h) - k * h * (1.0 - h);
}

#if FIGURE == 0
float figure_sdf(vec2 p, float wr) {
    float sh = 0.5 * wr;                                   // half the shoulder width
    float head = length(p - vec2(0.0, 0.905)) - 0.066;
    float neck = sd_capsule(p, vec2(0.0, 0.80), vec2(0.0, 0.87), 0.032);
    float shoulders = sd_capsule(p, vec2(-sh + 0.05, 0.775), vec2(sh - 0.05, 0.775), 0.048);
    float torso = sd_taper(p, vec2(0.0, 0.72), vec2(0.0, 0.42), sh * 0.78, sh * 0.55);
    float arms = min(sd_capsule(p, vec2(-sh + 0.045, 0.765), vec2(-sh + 0.02, 0.44), 0.034),
                     sd_capsule(p, vec2(sh - 0.045, 0.765), vec2(sh - 0.02, 0.44), 0.034));
    float legs = min(sd_capsule(p, vec2(-0.055, 0.44), vec2(-0.065, 0.03), 0.05),
                     sd_capsule(p, vec2(0.055, 0.44), vec2(0.065, 0.03), 0.05));
    float d = smin(head, neck, 0.02);
    d = smin(d, shoulders, 0.03);
    d = smin(d, torso, 0.05);
    d = smin(d, arms, 0.02);
    d = smin(d, legs, 0.06);
    return d;
}

void main() {
    vec2 p = local_point();
    float wr = v_shape.x;
#if PREPASS
    if (abs(p.x) > 0.5 * wr || p.y < 0.12 || p.y > 0.97 || figure_sdf(p, wr) > -0.012) discard;
    f_color = vec4(0.0);
    return;
#else
    // A figure a few pixels tall is a soft glow in its shape's place.
    vec2 b = vec2(p.x / max(wr, 0.2), (p.y - 0.55) / 0.6);
    float blob = exp(-dot(b, b) * 3.0) * 0.3;
#if SMALL
    f_color = vec4(v_color * soft_spot(p - vec2(0.0, 0.55), vec2(max(wr, 0.2), 0.6) * 0.408, 0.3), 1.0);
#else
    float pixel = 1.0 / v_px;                               // one pixel, in heights
    float mist = u_mist;
    float d0 = figure_sdf(p, wr);
    // Smoke: noise rising through the body; its contrast set by mist and this figure's shimmer.
    float t = u_time * u_shimmer_rate;
    float n = vnoise2(vec2(p.x * 7.0 + v_seed, p.y * 5.0 - t * 1.3));
    float n2 = vnoise2(vec2(p.x * 15.0 - v_seed, p.y * 11.0 - t * 2.1));
    n = 0.65 * n + 0.35 * n2;
    float d = d0 + (n - 0.5) * 0.05 * mist * (0.5 + v_shimmer);
    float soft = max(mix(0.006, 0.05, mist), 0.75 * pixel);
    float body = smoothstep(soft, -soft, d);
    float rim = exp(-abs(mix(d0, d, 0.4)) / (soft + 0.012));
    float halo = exp(-max(d, 0.0) / (0.05 + 0.12 * mist));
    float smoke = mix(1.0, clamp(0.2 + 1.6 * n * n2 + 0.5 * n, 0.0, 1.6), mist * (0.35 + 0.65 * v_shimmer));
    // The feet dissolve into mist on the ground.
    float feet = smoothstep(-0.02, 0.22 + 0.25 * mist, p.y);
    // Nothing may reach the sprite's border: a cut halo would show as a straight edge up close.
    vec2 e = abs(gl_PointCoord - 0.5);
    float window = smoothstep(0.5, 0.42, max(e.x, e.y));
    float glow = (body * 0.26 * smoke + rim * 0.26 + halo * 0.08) * feet * window;
    // Eyes like distant stars when the figure faces us, never smaller than about a pixel.
    float er = max(0.009, 0.6 * pixel);
    vec2 q = vec2(abs(p.x) - 0.024, p.y - 0.912);
    float eyes = exp(-dot(q, q) / (er * er)) * v_front * 2.5;
    float detail = smoothstep(SMALL_PX, 2.0 * SMALL_PX, v_px);
    f_color = vec4(v_color * mix(blob, glow, detail) + vec3(1.0, 0.97, 0.9) * eyes * detail, 1.0);
#endif
#endif
}

#else
// Vesica (the almond of the lids), Inigo Quilez's exact SDF, opening along x.
float sd_vesica(vec2 p, float r, float dd) {
    p = abs(p.yx);
    float b = sqrt(r * r - dd * dd);
    return ((p.y - b) * dd > p.x * b) ? length(p - vec2(0.0, b)) : length(p - vec2(-dd, 0.0)) - r;
}

void main() {
    vec2 p = local_point();                                 // in eye radii
#if PREPASS
    if (sd_vesica(p, 1.25, 0.72) > -0.04) discard;
    f_color = vec4(0.0);
    return;
#else
    // A few pixels across, an eye is a glowing almond with the iris's colour, in a faint halo.
    float dot_ = exp(-dot(p * vec2(1.0, 1.6), p * vec2(1.0, 1.6)) * 2.2) * 0.65;
#if SMALL
    f_color = vec4(v_color * (soft_spot(p, vec2(0.48, 0.3), 0.5) + soft_spot(p, vec2(1.0), 0.03)), 1.0);
#else
    float pixel = 1.0 / v_px;
    float aa = max(pixel, 0.02);
    float lid = sd_vesica(p, 1.25, 0.72);                   // almond ~1 wide, ~0.53 tall (in radii)
    float open = smoothstep(aa, -aa, lid);
    vec2 q = p - v_iris;
    float r = length(q);
    float iris_r = 0.44;
    float iris = smoothstep(iris_r + aa, iris_r - aa, r) * open;
    float pupil = smoothstep(0.17 + aa, 0.17 - aa, r);
    // Fibres of the iris: radial streaks, brighter towards the pupil's edge.
    float ang = atan(q.y, q.x);
    float fibres = 0.65 + 0.35 * vnoise2(vec2(ang * 9.0 + v_seed, r * 6.0));
    float inner = smoothstep(iris_r, 0.15, r);
    vec3 iris_col = v_color * (0.8 + 1.6 * inner) * fibres;
    vec3 col = iris_col * iris * (1.0 - pupil * 0.9);
    col += v_color * 0.10 * open * (1.0 - iris);                      // faint glowing white
    col += v_color * exp(-abs(lid) / (0.05 + aa)) * 0.45;             // luminous lids
    col += v_color * exp(-max(lid, 0.0) / 0.3) * 0.1 * smoothstep(1.7, 1.1, length(p));   // halo
    // The stage, reflected on the cornea.
    col += u_stage_glow * soft_spot(p - v_glint, vec2(0.08), 1.5) * open;
    float tiny = smoothstep(2.0 * SMALL_PX, SMALL_PX, v_px);
    col = mix(col, v_color * dot_, tiny);
    f_color = vec4(col, 1.0);
#endif
#endif
}
#endif
#endif
