// The audience: one instanced, camera-facing quad per figure (4 vertices from gl_VertexID), additive.
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

#if FIGURE == 0
// Quad extents in units of the figure's height: room for the halo around the outline.
const vec2 QUAD_X = vec2(-1.0, 1.0);
const vec2 QUAD_Y = vec2(-0.06, 1.12);
#else
const vec2 QUAD_X = vec2(-1.7, 1.7);
const vec2 QUAD_Y = vec2(-1.7, 1.7);
#endif

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
out vec2 v_local;          // silhouettes: (x, y) in heights, feet at 0; eyes: in eye radii, centre at 0
out vec3 v_color;
out float v_px;            // pixels per unit of v_local
flat out float v_shimmer;
flat out float v_seed;
flat out float v_front;    // silhouettes: how much the figure faces the eye (its eyes show), 0…1
flat out vec2 v_iris;      // eyes: where the iris sits, in eye radii
flat out vec2 v_glint;     // eyes: where the stage's reflection sits
flat out float v_wr;       // silhouettes: width / height

void main() {
    int corner = gl_VertexID;
    vec2 c = vec2((corner & 1) == 0 ? QUAD_X.x : QUAD_X.y, (corner & 2) == 0 ? QUAD_Y.x : QUAD_Y.y);
    float breath_phase = u_breathing.w > 0.5 ? u_breathing.z : a_phase;
    float breath = u_breathing.y * sin(TAU * u_breathing.x * u_time + breath_phase);
    float mood = u_mood.y * (0.5 - 0.5 * cos(TAU * u_time / max(u_mood.x, 1e-3)));
    vec3 col = mix(a_color, u_mood_color, mood) * a_brightness * u_exposure;
    vec3 gaze = vec3(sin(a_gaze.x) * cos(a_gaze.y), sin(a_gaze.y), cos(a_gaze.x) * cos(a_gaze.y));
    vec3 world;
    float size;
#if FIGURE == 0
    // Upright billboard: turns about +y to face the eye, sways about the feet, swells as it breathes.
    size = a_size.y;
    vec3 to_eye = u_eye - a_pos;
    vec3 right = normalize(vec3(to_eye.z, 0.0, -to_eye.x) + vec3(1e-6, 0.0, 0.0));
    float sway = a_sway.x * sin(TAU * a_sway.y * u_time + a_phase);
    vec2 q = c;
    q.x *= (1.0 + breath);
    q.y *= (1.0 + 0.35 * breath);
    vec2 swayed = vec2(q.x * cos(sway) + q.y * sin(sway), -q.x * sin(sway) + q.y * cos(sway));
    world = a_pos + (right * swayed.x + vec3(0.0, swayed.y, 0.0)) * size;
    v_wr = a_size.x / a_size.y;
    v_front = clamp(dot(normalize(vec3(to_eye.x, 0.0, to_eye.z)), vec3(gaze.x, 0.0, gaze.z)) * 2.0, 0.0, 1.0);
    v_local = c;
    v_iris = vec2(0.0);
    v_glint = vec2(0.0);
#else
    // Facing the eye of the camera; the iris turns with the gaze, the stage glints on the cornea.
    size = 0.5 * a_size.y * (1.0 + breath);
    world = a_pos + (u_cam_right * c.x + u_cam_up * c.y) * size;
    v_iris = vec2(dot(gaze, u_cam_right), dot(gaze, u_cam_up)) * 0.45;
    vec3 to_eye = normalize(u_eye - a_pos);
    vec3 to_stage = normalize(u_origin - a_pos);
    vec3 h = normalize(to_eye + to_stage);
    v_glint = vec2(dot(h, u_cam_right), dot(h, u_cam_up)) * 0.5 + vec2(-0.12, 0.14);
    v_front = 1.0;
    v_wr = 1.0;
    v_local = c;
#endif
    gl_Position = u_view_proj_matrix * vec4(world, 1.0);
    // Pixels per unit of v_local at this distance (for the crisp edges and the small-figure fallback).
    v_px = size * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
    v_color = col;
    v_shimmer = a_shimmer;
    v_seed = fract(a_phase * 0.15915494) * 97.0;
}

#elif defined FRAGMENT_SHADER
in vec2 v_local;
in vec3 v_color;
in float v_px;
flat in float v_shimmer;
flat in float v_seed;
flat in float v_front;
flat in vec2 v_iris;
flat in vec2 v_glint;
flat in float v_wr;
out vec4 f_color;

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
    vec2 p = v_local;
#if PREPASS
    if (figure_sdf(p, v_wr) > -0.012 || p.y < 0.12) discard;
    f_color = vec4(0.0);
    return;
#endif
    float pixel = 1.0 / max(v_px, 1e-3);                   // one pixel, in heights
    float mist = u_mist;
    float d0 = figure_sdf(p, v_wr);
    float d = d0;
    // Smoke: noise rising through the body, its contrast set by mist and this figure's shimmer.
    float t = u_time * u_shimmer_rate;
    float n = fbm2(vec2(p.x * 7.0 + v_seed, p.y * 5.0 - t * 1.3), 3);
    float n2 = vnoise2(vec2(p.x * 3.0 - v_seed, p.y * 2.0 - t * 0.7));
    float swirl = (n - 0.5) * 0.05 * mist * (0.5 + v_shimmer);
    d += swirl;
    float soft = max(mix(0.006, 0.05, mist), 0.75 * pixel);
    float body = smoothstep(soft, -soft, d);
    float rim = exp(-abs(mix(d0, d, 0.4)) / (soft + 0.012));
    float halo = exp(-max(d, 0.0) / (0.05 + 0.12 * mist));
    float smoke = mix(1.0, clamp(0.25 + 1.3 * n * (0.6 + 0.8 * n2), 0.0, 1.6), mist * (0.35 + 0.65 * v_shimmer));
    // The feet dissolve into mist on the ground.
    float feet = smoothstep(-0.02, 0.22 + 0.25 * mist, p.y);
    // Nothing may reach the quad's border: a cut halo would show as a straight edge up close.
    float window = smoothstep(QUAD_Y.y, QUAD_Y.y - 0.12, p.y) * smoothstep(QUAD_X.y, QUAD_X.y - 0.25, abs(p.x));
    float glow = (body * 0.26 * smoke + rim * 0.26 + halo * 0.08) * feet * window;
    // Eyes like distant stars, when the figure faces us: never smaller than about a pixel.
    float er = max(0.009, 0.6 * pixel);
    vec2 e = vec2(abs(p.x) - 0.024, p.y - 0.912);
    float eyes = exp(-dot(e, e) / (er * er)) * v_front * 2.5;
    // Figures only a few pixels tall read as soft glows: fade the detailed shape into a plain blob.
    float tiny = smoothstep(10.0, 3.0, v_px);
    vec2 b = vec2(p.x / max(v_wr, 0.2), (p.y - 0.55) / 0.6);
    float blob = exp(-dot(b, b) * 3.0) * 0.3;
    glow = mix(glow, blob, tiny);
    f_color = vec4(v_color * glow + vec3(1.0, 0.97, 0.9) * eyes * (1.0 - tiny), 1.0);
}

#else
// Vesica (the almond of the lids), Inigo Quilez's exact SDF, opening along x.
float sd_vesica(vec2 p, float r, float dd) {
    p = abs(p.yx);
    float b = sqrt(r * r - dd * dd);
    return ((p.y - b) * dd > p.x * b) ? length(p - vec2(0.0, b)) : length(p - vec2(-dd, 0.0)) - r;
}

void main() {
    vec2 p = v_local;                                       // in eye radii
#if PREPASS
    if (sd_vesica(p, 1.25, 0.72) > -0.04) discard;
    f_color = vec4(0.0);
    return;
#endif
    float pixel = 1.0 / max(v_px, 1e-3);
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
    col += v_color * exp(-max(lid, 0.0) / 0.35) * 0.18 * smoothstep(1.7, 1.1, length(p));  // halo
    // The stage, reflected on the cornea.
    vec2 g = p - v_glint;
    col += u_stage_glow * exp(-dot(g, g) / 0.012) * 1.5 * open;
    // A few pixels across, an eye is a glowing point: fade into a soft dot with the iris's colour.
    float tiny = smoothstep(9.0, 2.5, v_px * 2.0);
    float dot_ = exp(-dot(p, p) * 2.2) * 0.9;
    col = mix(col, v_color * dot_, tiny);
    f_color = vec4(col, 1.0);
}
#endif
#endif
