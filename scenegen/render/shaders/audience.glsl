// The audience: one point sprite per figure (one vertex each), additive.
// FIGURE 0: a luminous mist silhouette (head, shoulders, body as a soft SDF), upright, swaying about
// its feet; FIGURE 1: a floating eye whose glowing iris looks where the figure faces and reflects
// the stage. Breathing, sway, shimmer and the mood colour move with u_time; every rate and amount
// comes from the AudienceGroup (per figure attributes, per group uniforms).
// PASS 0 (CORE) draws only the larger figures' solid cores into the depth buffer (colour writes off): the
// glow passes that follow then light each pixel with the nearest figure and those in front of it, not
// with every figure along the line of sight — a dense crowd seen edge-on stays a crowd, not a white wall.
// PASS 1 (SMALL) draws only the figures below SMALL_PX as plain soft glows; PASS 2 (DETAIL) only the
// larger ones in full detail. Each pass moves the other's figures outside the clip volume in its vertex
// shader (and the layer does not even submit clusters of figures a pass cannot draw): the software
// rasteriser runs every instruction of a fragment shader whatever branch a pixel takes, so far crowds
// must not pay for the detail of near figures.
//
// Everything constant over one sprite is worked out here in the vertex shader, once per figure, and handed
// on flat: the map from sprite coordinates to the figure's own frame (sway, breath and sprite size in one
// affine map), the reciprocals of every smoothstep and falloff. The fragment shaders keep only what
// varies across the sprite. Tried and left out, measured on llvmpipe at the bench's scene camera and
// overview: a 3-D texture of the outline's distance field (a third dearer than the exact field below);
// `if` or a loop on a flat value (llvmpipe still runs the skipped side, masked: no cheaper; only a
// `discard` that kills a whole block of pixels ends its work early); small and detailed figures in one
// pass (the small ones would run the detailed shader, about ten times the glow's cost per pixel, on
// every pixel of their sprites); thinning far crowds to fewer, wider glows (Cook et al.'s stochastic
// simplification: a coarser grain, and it only paid where a whole cluster kept the same share); the
// small glow's colour packed into one float to save a flat vec4 (5 %).
#include "common.glsl"
#ifndef FIGURE
#define FIGURE 0
#endif
#define CORE 0
#define SMALL 1
#define DETAIL 2
#ifndef PASS
#define PASS DETAIL
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
uniform vec4 u_scale;          // what the packed fractions are of: size, brightness, sway amplitude, sway rate
// The performance (render/perfpack.py; all zero when nothing performs): sway pulled into unison, breathing
// in unison, dissolved, taken by the group's mood colour (u_group_tint) — each 0…1 — and the weights of the
// poses bow, rise, turn, reach (u_pose) and lean (u_lean).
uniform vec4 u_group_perf;
uniform vec3 u_group_tint;
uniform vec4 u_pose;
uniform float u_lean;
const float LEAN_SWELL = 0.6;  // how much larger an eye leaning in looks (render/layers/audience.py knows)

// Sprite sides in local units around the same centre (all passes share gl_Position): the glow passes
// need room for the halo and the sway, the core pass only for the solid body. The layer's culling margin
// (audience.py's FIGURES, "reach") follows from MID and the largest SPRITE: change them together.
#if FIGURE == 0
const float MID = 0.52;                  // centre at mid-height, in figure heights
#if PASS == CORE
const float SPRITE = 1.0;
#elif PASS == SMALL
const float SPRITE = 1.0;                // a soft blob needs a sprite only its own height
#else
const float SPRITE = 1.2;
#endif
#else
const float MID = 0.0;                   // eye radii, centre of the eye
#if PASS == CORE
const float SPRITE = 2.2;
#else
const float SPRITE = 3.4;
#endif
#endif
// Below this many pixels per local unit (a figure's height, an eye's radius) a figure is a soft glow
// with no solid core; from it up, it has its full shape. The layer passes it in (audience.py's FIGURES,
// which also decides by it which clusters each pass is given).
#ifndef SMALL_PX
#if FIGURE == 0
#define SMALL_PX 6.0
#else
#define SMALL_PX 3.0
#endif
#endif

#if defined VERTEX_SHADER
// Packed as unsigned 16-bit (packing.AUDIENCE_DTYPE), read unnormalized: 65535 × a fraction of
in vec3 a_pos;
in vec2 a_size;       // width, height: of u_scale.x
in vec4 a_color;      // linear rgb: of 1; brightness: of u_scale.y
in vec2 a_gaze;       // yaw, pitch: (radians + π) of 2π
in vec4 a_motion;     // phase of 2π, sway amplitude of u_scale.z, sway rate of u_scale.w, shimmer of 1
const float U16 = 1.0 / 65535.0;

invariant gl_Position;     // every pass must land on exactly the same depths
// Core and detail: sprite coordinates → the figure's frame, p = (dot(v_map_x.xy, pc) + v_map_x.z,
// dot(v_map_y.xy, pc) + v_map_y.z), each spare .w one more per-figure value. Small: the spot (see main).
flat out vec4 v_map_x;
flat out vec4 v_map_y;
#if PASS == DETAIL || (PASS == SMALL && FIGURE == 1)
flat out vec4 v_color;     // glow colour (× exposure, × area for sub-pixel sprites); .w see below
#endif
#if PASS == DETAIL
flat out vec4 v_shade;     // per-figure reciprocals and amounts of the detailed look (see main)
flat out vec4 v_shade2;
flat out vec4 v_noise;     // silhouettes: smoke offsets, its depth; eyes: iris and glint positions
#endif

void main() {
    vec4 motion = a_motion * U16;
    vec4 color = a_color * U16;
    vec2 turns = a_gaze * U16;
    float phase = motion.x * TAU;
    float breath_phase = u_breathing.w > 0.5 ? u_breathing.z : phase;
    // Breathing in unison: every figure on the group's shared phase, deeper; a still group takes a slow
    // breath (its rate only matters while the cue gives it depth).
    breath_phase = mix(breath_phase, u_breathing.z, u_group_perf.y);
    float breath_rate = u_breathing.x > 0.0 ? u_breathing.x : 0.2;
    float breath = (u_breathing.y + 0.07 * u_group_perf.y) * sin(TAU * breath_rate * u_time + breath_phase);
    float height = a_size.y * U16 * u_scale.x;
#if FIGURE == 0
    float unit = height;                                    // local frame: heights, feet at 0
    vec3 centre = a_pos + vec3(0.0, MID * unit, 0.0);
#else
    // Leaning in (the performance's lean), the eyes seem to zoom in: they swell (the layer stops culling
    // a group while it leans, so no enlarged eye is left out of a pass).
    float unit = 0.5 * height * (1.0 + breath) * (1.0 + LEAN_SWELL * u_lean);   // local frame: eye radii
    vec3 centre = a_pos;
#endif
    gl_Position = u_view_proj_matrix * vec4(centre, 1.0);
    float px = unit * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
    float side = px * SPRITE;
    gl_PointSize = clamp(side, 1.0, u_max_point);
    // Not this pass's figure: outside the clip volume it costs no fragments (but takes its batch down
    // llvmpipe's clipping path: the layer hands each pass only clusters that may hold its figures).
#if PASS == SMALL
    if (px >= SMALL_PX) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
#else
    if (px < SMALL_PX) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
#endif
    // Pixels per local unit as drawn: a sprite the driver clamps shows its figure smaller.
    float vpx = px * min(1.0, u_max_point / max(side, 1e-6));

    // The sprite → figure map. Sprite coordinates run 0…1 left to right and top to bottom; the figure's
    // frame is centred on MID, sways about the feet (silhouettes) and is unswollen by the breath.
    vec2 c0 = vec2(-0.5 * SPRITE, 0.5 * SPRITE + MID);      // sprite corner (0, 0) in the local frame
    mat2 m = mat2(SPRITE, 0.0, 0.0, -SPRITE);               // columns: d/d(pc.x), d/d(pc.y)
#if FIGURE == 0
    float width_ratio = a_size.x / max(a_size.y, 1e-6);
    // In unison: each figure's own sway cross-faded into the group's one (its middle rate, phase 0), so
    // the crowd is pulled together without a jump.
    float own = sin(TAU * motion.z * u_scale.w * u_time + phase);
    float together = sin(TAU * 0.5 * u_scale.w * u_time);
    float sway = motion.y * u_scale.z * mix(own, together, u_group_perf.x);
    float cs = cos(sway), sn = sin(sway);
    mat2 turn = mat2(cs, sn, -sn, cs);                      // the un-sway
    mat2 swell = mat2(1.0 / (1.0 + breath), 0.0, 0.0, 1.0 / (1.0 + 0.35 * breath));
    m = swell * turn * m;
    c0 = swell * turn * c0;
#else
    float width_ratio = 1.0;
#endif

    vec3 col = vec3(0.0);
#if PASS != CORE
    float mood = u_mood.y * (0.5 - 0.5 * cos(TAU * u_time / max(u_mood.x, 1e-3)));
    col = mix(mix(color.rgb, u_mood_color, mood), u_group_tint, u_group_perf.w) * (color.w * u_scale.y) * u_exposure;
    col *= 1.0 - u_group_perf.z;                            // dissolving into the air
    // Below a pixel the sprite stays one pixel and dims with its true area, so far crowds fade, not fizz.
    col *= min(side * side, 1.0);
#endif

#if PASS == SMALL
    // A soft Gaussian spot (or two, for an eye) in the figure's frame, widened to at least ~0.6 pixel and
    // dimmed by as much, so its light is kept while it never falls between pixel centres. The sprite is
    // centred on the spot (it is the only thing drawn), so the exponent is a quadratic form of the pixel's
    // offset from the sprite's centre. Silhouettes hand on two flat vec4s in all: a far crowd's cost is
    // per point more than per pixel, and each flat vec4 costs a point about as much as the spot's sums.
#if FIGURE == 0
    vec2 sigma = vec2(max(width_ratio, 0.2), 0.6) * 0.408;
    vec2 spot = vec2(0.0, 0.55);
    float peak = 0.3;
#else
    vec2 sigma = vec2(0.48, 0.3);
    vec2 spot = vec2(0.0);
    float peak = 0.5;
#endif
    vec2 s = max(sigma, vec2(0.6 / max(vpx, 1e-4)));
    // The spot's place in sprite coordinates, and the sprite moved there (in pixels: x right, y up).
    vec2 at = inverse(m) * (spot - c0);
    vec2 shift = vec2(at.x - 0.5, 0.5 - at.y) * gl_PointSize;
    gl_Position.xy += shift * 2.0 / u_viewport * gl_Position.w;
    // The fragment shader reads its offset d from the spot in window pixels off gl_FragCoord (no sprite
    // coordinate to interpolate): z = M diag(1, −1) d / size, and |z|² = A d.x² + 2B d.x d.y + C d.y².
    mat2 zm = mat2(m[0] / s, m[1] / s) * mat2(1.0, 0.0, 0.0, -1.0) / gl_PointSize;
    vec3 form = vec3(dot(zm[0], zm[0]), 2.0 * dot(zm[0], zm[1]), dot(zm[1], zm[1]));
    vec2 at_px = (gl_Position.xy / gl_Position.w * 0.5 + 0.5) * u_viewport;
    col *= peak * (sigma.x * sigma.y) / (s.x * s.y);
#if FIGURE == 1
    // The eye's faint wide halo: a second spot of sigma 1 radius (widened likewise), peak 0.03, centred
    // too: its |z|² is the first's terms scaled by (s / s2)² per axis (no cross term: eyes do not sway).
    float s2 = max(1.0, 0.6 / max(vpx, 1e-4));
    vec2 k = (s / s2) * (s / s2);
    v_map_x = vec4(form.x, form.z, at_px);
    v_map_y = vec4(form.x * k.x, form.z * k.y, (0.03 / (s2 * s2)) / (peak * (sigma.x * sigma.y) / (s.x * s.y)), 0.0);
    v_color = vec4(col, 0.0);
#else
    v_map_x = vec4(form, at_px.x);
    v_map_y = vec4(at_px.y, col);
#endif
#else
    v_map_x = vec4(m[0].x, m[1].x, c0.x, width_ratio);
    v_map_y = vec4(m[0].y, m[1].y, c0.y, vpx);
#if PASS == DETAIL
    v_color = vec4(col, 0.0);
#endif
#endif

#if PASS == DETAIL
    float pixel = 1.0 / max(vpx, 1e-4);                     // one pixel, in local units
    float detail = smoothstep(SMALL_PX, 2.0 * SMALL_PX, vpx);
    float seed = fract(phase * 0.15915494) * 97.0;
    float shimmer = motion.w;
    vec2 yaw_pitch = (turns * 2.0 - 1.0) * PI;
    vec3 gaze = vec3(sin(yaw_pitch.x) * cos(yaw_pitch.y), sin(yaw_pitch.y), cos(yaw_pitch.x) * cos(yaw_pitch.y));
#if FIGURE == 0
    float mist = u_mist;
    float soft = max(mix(0.006, 0.05, mist), 0.75 * pixel);
    vec3 to_eye = u_eye - a_pos;
    float front = clamp(dot(normalize(vec3(to_eye.x, 0.0, to_eye.z) + 1e-6), vec3(gaze.x, 0.0, gaze.z)) * 2.0, 0.0, 1.0);
    float er = max(0.009, 0.6 * pixel);                     // the eyes: like distant stars, at least a pixel
    float t = u_time * u_shimmer_rate;
    // body = smoothstep(soft, −soft, d); rim, halo: exp(−|d| / width); feet = smoothstep(−0.02, top, y)
    v_shade = vec4(0.5 / soft, 1.0 / (soft + 0.012), 1.0 / (0.05 + 0.12 * mist), 1.0 / (0.24 + 0.25 * mist));
    // smoke contrast; the eyes' 1/radius² and strength; the small-figure blob's share (it fades in below 2×SMALL_PX)
    v_shade2 = vec4(mist * (0.35 + 0.65 * shimmer), 1.0 / (er * er), front * 2.5 * detail, 0.3 * (1.0 - detail));
    v_noise = vec4(seed, -1.3 * t, -2.1 * t, 0.05 * mist * (0.5 + shimmer));
    v_color.w = detail;
#else
    float aa = max(pixel, 0.02);
    gaze = normalize(mix(gaze, normalize(u_origin - a_pos), u_lean));   // leaning in: every gaze on the stage
    vec2 iris = vec2(dot(gaze, u_cam_right), dot(gaze, u_cam_up)) * 0.45;
    vec3 to_eye = normalize(u_eye - a_pos);
    vec3 h = normalize(to_eye + normalize(u_origin - a_pos));
    vec2 glint = vec2(dot(h, u_cam_right), dot(h, u_cam_up)) * 0.5 + vec2(-0.12, 0.14);
    float tiny = smoothstep(2.0 * SMALL_PX, SMALL_PX, vpx);
    // glint: soft_spot(q, 0.08, 1.5) widened to ~0.6 pixel
    float gs = max(0.08, 0.6 * pixel);
    v_shade = vec4(aa, 1.0 / (0.05 + aa), 1.5 * (0.08 * 0.08) / (gs * gs), 1.0 / gs);
    v_shade2 = vec4(seed, tiny, 0.0, 0.0);
    v_noise = vec4(iris, glint);
    v_color.w = 0.0;
#endif
#endif
}

#elif defined FRAGMENT_SHADER
flat in vec4 v_map_x;
flat in vec4 v_map_y;
#if PASS == DETAIL || (PASS == SMALL && FIGURE == 1)
flat in vec4 v_color;
#endif
#if PASS == DETAIL
flat in vec4 v_shade;
flat in vec4 v_shade2;
flat in vec4 v_noise;
#endif
out vec4 f_color;

// The fragment's place in the figure's own frame: heights from the feet (silhouettes), radii from the
// centre (eyes); silhouettes un-swayed about the feet and un-swollen by their breath.
vec2 local_point() {
    vec2 pc = gl_PointCoord;
    vec2 p = vec2(dot(v_map_x.xy, pc) + v_map_x.z, dot(v_map_y.xy, pc) + v_map_y.z);
#if FIGURE == 0
    // The performance's poses, as the standing figure's frame bent (reach bends the arms in figure_sdf):
    // rise lifts and stretches it; turn shows it edge-on, narrower; bow leans the body above the hips
    // towards the stage, which from the front foreshortens it and drops the head.
    p.y = (p.y - 0.08 * u_pose.y) / (1.0 + 0.06 * u_pose.y);
    p.x /= mix(1.0, 0.5, u_pose.z);
    if (p.y > 0.44) p.y = 0.44 + (p.y - 0.44) / mix(1.0, 0.5, u_pose.x);
    p.x -= 0.22 * u_lean * max(p.y - 0.1, 0.0);            // lean: the body tilts to one side from the feet
#endif
    return p;
}

// x·x·(3 − 2x) of x clamped to 0…1: smoothstep with its reciprocal worked out beforehand.
float ease(float x) {
    x = clamp(x, 0.0, 1.0);
    return x * x * (3.0 - 2.0 * x);
}

// Distance to the segment from (0, y0) to (0, y1), y0 < y1: a capsule standing upright, no division.
float upright(vec2 p, float y0, float y1) {
    return length(vec2(p.x, p.y - clamp(p.y, y0, y1)));
}
float sd_capsule(vec2 p, vec2 a, vec2 b, float r) {
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
    return length(pa - ba * h) - r;
}
float smin(float a, float b, float k) {
    float h = clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
    return mix(b, a, h) - k * h * (1.0 - h);
}

#if FIGURE == 0
// Head, neck, shoulders, tapering torso, arms and legs, smoothly joined (the numpy twin is
// packing.silhouette_sdf). The figure is mirror-symmetric, so each pair of limbs is one limb at |x|
// (exact while a limb lies wholly on its own side: figures wider than a tenth of their height), and the
// upright and level segments need no division.
float figure_sdf(vec2 p, float wr) {
    float sh = 0.5 * wr;                                   // half the shoulder width
    vec2 m = vec2(abs(p.x), p.y);
    float head = length(p - vec2(0.0, 0.905)) - 0.066;
    float neck = upright(p, 0.80, 0.87) - 0.032;
    float shoulders = length(vec2(max(m.x - abs(sh - 0.05), 0.0), p.y - 0.775)) - 0.048;
    float ty = clamp(p.y, 0.42, 0.72);
    float torso = length(vec2(p.x, p.y - ty)) - sh * mix(0.55, 0.78, (ty - 0.42) / 0.3);
    // Arms hang by the sides; reaching out, the hands swing up and away from the body.
    vec2 hand = mix(vec2(sh - 0.02, 0.44), vec2(sh + 0.27, 0.86), u_pose.w);
    float arms = sd_capsule(m, vec2(sh - 0.045, 0.765), hand, 0.034);
    float legs = sd_capsule(m, vec2(0.055, 0.44), vec2(0.065, 0.03), 0.05);
    float d = smin(head, neck, 0.02);
    d = smin(d, shoulders, 0.03);
    d = smin(d, torso, 0.05);
    d = smin(d, arms, 0.02);
    d = smin(d, legs, 0.06);
    return d;
}

void main() {
#if PASS != SMALL
    vec2 p = local_point();
    float wr = v_map_x.w;
#endif
#if PASS == CORE
    // Outside the body's box first: a block of pixels wholly outside it skips the rest.
    if (abs(p.x) > 0.5 * wr + 0.3 * u_pose.w || p.y < 0.12 || p.y > 0.97 || u_group_perf.z > 0.5) discard;
    if (figure_sdf(p, wr) > -0.012) discard;
    f_color = vec4(0.0);
#elif PASS == SMALL
    // A figure a few pixels tall is a soft glow in its shape's place.
    vec2 d = gl_FragCoord.xy - vec2(v_map_x.w, v_map_y.x);
    float zz = d.x * (v_map_x.x * d.x + v_map_x.y * d.y) + v_map_x.z * d.y * d.y;
    f_color = vec4(v_map_y.yzw * exp(-0.5 * zz), 1.0);
#else
    // A figure a few pixels tall is a soft glow in its shape's place (faded out from 2×SMALL_PX up).
    vec2 b = vec2(p.x / max(wr, 0.2), (p.y - 0.55) / 0.6);
    float blob = exp(-dot(b, b) * 3.0) * v_shade2.w;
    float d0 = figure_sdf(p, wr);
    // Smoke: noise rising through the body; its contrast set by mist and this figure's shimmer.
    float n = vnoise2(vec2(p.x * 7.0 + v_noise.x, p.y * 5.0 + v_noise.y));
    float n2 = vnoise2(vec2(p.x * 15.0 - v_noise.x, p.y * 11.0 + v_noise.z));
    n = 0.65 * n + 0.35 * n2;
    // Dissolving, the body comes apart in the smoke before it fades (the colour fades in the vertex shader).
    float dn = (n - 0.5) * (v_noise.w + 0.4 * u_group_perf.z);
    float d = d0 + dn;
    float body = ease(0.5 - d * v_shade.x);
    float rim = exp(-abs(d0 + 0.4 * dn) * v_shade.y);
    float halo = exp(-max(d, 0.0) * v_shade.z);
    float smoke = mix(1.0, clamp(0.2 + 1.6 * n * n2 + 0.5 * n, 0.0, 1.6), v_shade2.x);
    // The feet dissolve into mist on the ground.
    float feet = ease((p.y + 0.02) * v_shade.w);
    // Nothing may reach the sprite's border: a cut halo would show as a straight edge up close.
    vec2 e = abs(gl_PointCoord - 0.5);
    float window = ease((0.5 - max(e.x, e.y)) * 12.5);
    float glow = (body * 0.26 * smoke + rim * 0.26 + halo * 0.08) * feet * window;
    // Eyes like distant stars when the figure faces us, never smaller than about a pixel.
    vec2 q = vec2(abs(p.x) - 0.024, p.y - 0.912);
    float eyes = exp(-dot(q, q) * v_shade2.y) * v_shade2.z;
    f_color = vec4(v_color.rgb * (blob + glow * v_color.w) + vec3(1.0, 0.97, 0.9) * eyes, 1.0);
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
#if PASS != SMALL
    vec2 p = local_point();                                 // in eye radii
#endif
#if PASS == CORE
    if (sd_vesica(p, 1.25, 0.72) > -0.04 || u_group_perf.z > 0.5) discard;
    f_color = vec4(0.0);
#elif PASS == SMALL
    // A few pixels across, an eye is a glowing almond with the iris's colour, in a faint halo: two spots
    // about its centre, the second's exponent the first's scaled per axis.
    vec2 d = gl_FragCoord.xy - v_map_x.zw;
    vec2 dd = d * d;
    f_color = vec4(v_color.rgb * (exp(-0.5 * dot(v_map_x.xy, dd)) + v_map_y.z * exp(-0.5 * dot(v_map_y.xy, dd))), 1.0);
#else
    float aa = v_shade.x;
    // A few pixels across, an eye is a glowing almond with the iris's colour, in a faint halo.
    float dot_ = exp(-dot(p * vec2(1.0, 1.6), p * vec2(1.0, 1.6)) * 2.2) * 0.65;
    float lid = sd_vesica(p, 1.25, 0.72);                   // almond ~1 wide, ~0.53 tall (in radii)
    float open = smoothstep(aa, -aa, lid);
    vec2 q = p - v_noise.xy;
    float r = length(q);
    float iris_r = 0.44;
    float iris = smoothstep(iris_r + aa, iris_r - aa, r) * open;
    float pupil = smoothstep(0.17 + aa, 0.17 - aa, r);
    // Fibres of the iris: radial streaks, brighter towards the pupil's edge.
    float ang = atan(q.y, q.x);
    float fibres = 0.65 + 0.35 * vnoise2(vec2(ang * 9.0 + v_shade2.x, r * 6.0));
    float inner = smoothstep(iris_r, 0.15, r);
    vec3 iris_col = v_color.rgb * (0.8 + 1.6 * inner) * fibres;
    vec3 col = iris_col * iris * (1.0 - pupil * 0.9);
    col += v_color.rgb * 0.10 * open * (1.0 - iris);                      // faint glowing white
    col += v_color.rgb * exp(-abs(lid) * v_shade.y) * 0.45;               // luminous lids
    col += v_color.rgb * exp(-max(lid, 0.0) / 0.3) * 0.1 * smoothstep(1.7, 1.1, length(p));   // halo
    // The stage, reflected on the cornea.
    vec2 g = (p - v_noise.zw) * v_shade.w;
    col += u_stage_glow * v_shade.z * exp(-0.5 * dot(g, g)) * open;
    col = mix(col, v_color.rgb * dot_, v_shade2.y);
    f_color = vec4(col, 1.0);
#endif
}
#endif
#endif
