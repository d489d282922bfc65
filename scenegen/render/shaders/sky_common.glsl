// The sky as a function of direction: palette gradient cycling in time, watercolour streaks, nebula.
// Shared by the sky pass, the terrain's fog, the sky bake and what mirrors the sky (stage, spheres), which
// read it through sky_mirror(): with SKY_BAKED, the gradient exact at u_time and the slow nebula and
// streaks from textures baked a moment ago (layers/skybake.py). Twin in numpy: scenegen/skylook.py.
#ifndef SKY_COMMON_GLSL
#define SKY_COMMON_GLSL
#include "common.glsl"

#ifndef MAX_STREAKS
#define MAX_STREAKS 16
#endif
#ifndef MAX_NEBULA_COLORS
#define MAX_NEBULA_COLORS 8
#endif
#ifndef SKY_DETAIL
#define SKY_DETAIL 1
#endif
// The streak loop's bound known when compiling (the sky's streaks): a software rasteriser unrolls it.
#ifndef STREAK_LOOP
#define STREAK_LOOP MAX_STREAKS
#endif
#ifndef SKY_BAKED
#define SKY_BAKED 0
#endif

// Gradient: index 0 is the starting palette, 1 the one it cycles to (equal to 0 for a still sky).
uniform vec3 u_sky_zenith[2];
uniform vec3 u_sky_horizon[2];
uniform vec3 u_sky_glow[2];
uniform float u_sky_cycle;        // seconds for there-and-back; 0: still
uniform float u_sky_glow_azimuth; // radians, 0 along -z, growing towards +x
// Streaks: geometry (azimuth, elevation, half-width, length), motion (tilt, drift, phase, intensity).
uniform int u_streak_count;
uniform vec3 u_streak_color[MAX_STREAKS];
uniform vec4 u_streak_geom[MAX_STREAKS];
uniform vec4 u_streak_motion[MAX_STREAKS];
uniform float u_streak_softness;
// Nebula.
uniform float u_neb_density;
uniform int u_neb_count;
uniform vec3 u_neb_color[MAX_NEBULA_COLORS];
uniform vec4 u_neb_shape;         // scale, swirl, brightness, unused
uniform vec3 u_neb_offset;

float sky_blend() {
    return u_sky_cycle > 0.0 ? 0.5 - 0.5 * cos(TAU * u_time / u_sky_cycle) : 0.0;
}

// The bare gradient; mirrored in numpy by packing.sky_gradient (tests compare the two).
// … `w` of the way from the first palette to the second.
vec3 sky_gradient_at(vec3 dir, float w) {
    vec3 zenith = mix(u_sky_zenith[0], u_sky_zenith[1], w);
    vec3 horizon = mix(u_sky_horizon[0], u_sky_horizon[1], w);
    vec3 glow = mix(u_sky_glow[0], u_sky_glow[1], w);
    float s = clamp(dir.y, 0.0, 1.0);
    vec3 col = mix(horizon, zenith, pow(s, 0.5));
    float az = atan(dir.x, -dir.z);
    float toward = 0.5 + 0.5 * cos(az - u_sky_glow_azimuth);
    float g = exp(-abs(dir.y) * 7.0) * (0.2 + 0.8 * toward * toward) * 0.75;
    return mix(col, glow, g);
}

vec3 sky_gradient(vec3 dir) { return sky_gradient_at(dir, sky_blend()); }

// The same gradient as weights of the palette's colours: horizon·x + zenith·y + glow·z. They depend on
// the direction alone, so they bake once, whatever palette a cycle or a performance brings.
vec3 sky_gradient_weights(vec3 dir) {
    float p = pow(clamp(dir.y, 0.0, 1.0), 0.5);
    float az = atan(dir.x, -dir.z);
    float toward = 0.5 + 0.5 * cos(az - u_sky_glow_azimuth);
    float g = exp(-abs(dir.y) * 7.0) * (0.2 + 0.8 * toward * toward) * 0.75;
    return vec3((1.0 - p) * (1.0 - g), p * (1.0 - g), g);
}

float wrap_angle(float a) { return a - TAU * floor((a + PI) / TAU); }

// Watercolour: pigment pools at a ragged edge and the colours bleed where bands overlap.
// Every band lays its wash over what is beneath as mix(col, c·0.85, a·0.65) + c·a·0.35, an affine map of
// col; all of them together are one such map, col·s.a + s.rgb, which is what this returns (and bakes).
vec4 sky_streaks_over(vec3 dir, float az, float el) {
    vec4 over = vec4(0.0, 0.0, 0.0, 1.0);
    if (u_streak_count <= 0 || el <= -0.02) return over;
#if SKY_DETAIL
    // One field of wet, ragged edges and one of pigment grain for the whole sky, shared by every band
    // (each reads it with its own sign): the software rasteriser runs a loop body in full for every
    // pixel, so noise inside the loop would cost once per band.
    // Read on the plane of a sky dome (seamless all the way round, unlike the azimuth).
    vec2 dome = dir.xz / (max(dir.y, -0.2) + 0.35);
    float wet = fbm2(dome * 1.6 + vec2(u_time * 0.01, 0.0), 4) - 0.5;
    float grain = 0.75 + 0.5 * fbm2(dome * 9.0, 2);
#else
    float wet = 0.0;
    float grain = 1.0;
#endif
    for (int i = 0; i < STREAK_LOOP; ++i) {
        if (i >= u_streak_count) break;
        vec4 g = u_streak_geom[i];
        vec4 m = u_streak_motion[i];
        float da = wrap_angle(az - (g.x + m.y * u_time));
        float half_len = 0.5 * g.w;
        float line = g.y + tan(m.x) * da;
        float d = (el - line) / g.z;
        float soft = u_streak_softness;
        // Ragged edges: the shared field, turned by the band's phase so neighbours do not match.
        d += wet * (1.6 + 1.4 * soft) * (2.0 * cos(m.z) + sin(m.z * 3.0) * 0.5);
        float body = exp(-d * d * mix(2.2, 0.9, soft));
        // Pigment gathers at the edge of a wash: a slightly stronger rim where the band fades.
        float rim = smoothstep(0.35, 0.0, abs(abs(d) - 1.0)) * (1.0 - soft) * 0.35;
        float ends = smoothstep(half_len * 1.3, half_len * 0.45, abs(da));
        float a = clamp((body + rim) * ends * grain, 0.0, 1.0) * m.w;
        a *= smoothstep(-0.02, 0.04, el);
        float keep = 1.0 - a * 0.65;
        over = vec4(over.rgb * keep + u_streak_color[i] * (a * (0.85 * 0.65 + 0.35)), over.a * keep);
    }
    return over;
}

vec3 sky_streaks(vec3 col, vec3 dir, float az, float el) {
    vec4 over = sky_streaks_over(dir, az, el);
    return col * over.a + over.rgb;
}

vec3 nebula_color(float t) {
    float x = clamp(t, 0.0, 1.0) * float(max(u_neb_count - 1, 0));
    int k = int(floor(x));
    vec3 a = u_neb_color[0];
    vec3 b = u_neb_color[0];
    for (int i = 0; i < MAX_NEBULA_COLORS; ++i) {
        if (i == k) a = u_neb_color[i];
        if (i == min(k + 1, u_neb_count - 1)) b = u_neb_color[i];
    }
    return mix(a, b, smoothstep(0.0, 1.0, fract(x)));
}

// The nebula's light in `dir`, faded in above the horizon: added to the gradient.
vec3 sky_nebula_glow(vec3 dir, float el) {
    if (u_neb_density <= 0.0 || u_neb_count <= 0 || el <= -0.05) return vec3(0.0);
    float scale = max(u_neb_shape.x, 0.05);
    float swirl = u_neb_shape.y;
    // A slow turn of the whole cloud field about the zenith: the cosmos swirls.
    float turn = u_time * 0.004;
    vec3 d = vec3(cos(turn) * dir.x - sin(turn) * dir.z, dir.y, sin(turn) * dir.x + cos(turn) * dir.z);
    vec3 p = d * (2.2 / scale) + u_neb_offset;
#if SKY_DETAIL
    vec2 warp = vec2(fbm3(p * 0.9, 3), fbm3(p * 0.9 + vec3(5.2, 1.3, 2.8), 3)) - 0.5;
    p += swirl * 2.2 * vec3(warp.x, warp.y, warp.x - warp.y);
    float f = fbm3(p, 5);
    float dust = fbm3(p * 2.7 + 11.0, 2);
#else
    float f = fbm3(p, 3);
    float dust = 0.5;
#endif
    float cover = smoothstep(0.62 - 0.32 * u_neb_density, 0.98 - 0.2 * u_neb_density, f);
    vec3 c = nebula_color(fbm3(p * 0.45 + vec3(3.3, 7.1, 1.7), 2) * 1.5 - 0.25);
    float lanes = mix(1.0, smoothstep(0.25, 0.7, dust), 0.55);
    float core = pow(cover, 3.0);
    float horizon_fade = smoothstep(-0.05, 0.25, el);
    vec3 glow = c * (cover * 0.9 + core * 1.6) * lanes * u_neb_shape.z * u_neb_density;
    return glow * horizon_fade;
}

vec3 sky_nebula(vec3 col, vec3 dir, float el) { return col + sky_nebula_glow(dir, el); }

// The whole sky in direction `dir` (unit).
vec3 sky_color(vec3 dir) {
    float el = asin(clamp(dir.y, -1.0, 1.0));
    float az = atan(dir.x, -dir.z);
    vec3 col = sky_gradient(dir);
    col = sky_nebula(col, dir, el);
    col = sky_streaks(col, dir, az, el);
    return col;
}

#if SKY_BAKED
// The bake (layers/skybake.py), equirectangular over the whole sphere: the nebula's glow; the gradient's
// weights; the streaks as col·a + rgb.
uniform sampler2D u_sky_bake_glow;
uniform sampler2D u_sky_bake_weights;
uniform sampler2D u_sky_bake_over;

// The sky as a mirror shows it: the palette of the moment, the slow nebula and streaks as baked.
vec3 sky_mirror(vec3 dir) {
    vec2 uv = vec2(atan(dir.x, -dir.z) / TAU + 0.5, asin(clamp(dir.y, -1.0, 1.0)) / PI + 0.5);
    float w = sky_blend();
    vec3 k = texture(u_sky_bake_weights, uv).rgb;
    vec3 grad = k.x * mix(u_sky_horizon[0], u_sky_horizon[1], w) + k.y * mix(u_sky_zenith[0], u_sky_zenith[1], w)
              + k.z * mix(u_sky_glow[0], u_sky_glow[1], w);
    vec4 over = texture(u_sky_bake_over, uv);
    return (grad + texture(u_sky_bake_glow, uv).rgb) * over.a + over.rgb;
}
#else
vec3 sky_mirror(vec3 dir) { return sky_color(dir); }
#endif

// The horizon colour seen along `dir`: what distant land fades into.
vec3 sky_fog(vec3 dir) {
    return sky_gradient(normalize(vec3(dir.x, max(dir.y, 0.0) * 0.3 + 0.02, dir.z)));
}

#endif
