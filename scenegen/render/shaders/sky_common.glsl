// The sky as a function of direction: palette gradient cycling in time, watercolour streaks, nebula.
// Shared by the sky pass, the terrain's fog and the mirror-like stage (which reflects it).
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
vec3 sky_gradient(vec3 dir) {
    float w = sky_blend();
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

float wrap_angle(float a) { return a - TAU * floor((a + PI) / TAU); }

// Watercolour: pigment pools at a ragged edge and the colours bleed where bands overlap.
vec3 sky_streaks(vec3 col, vec3 dir, float az, float el) {
    if (u_streak_count <= 0) return col;
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
    for (int i = 0; i < MAX_STREAKS; ++i) {
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
        vec3 c = u_streak_color[i];
        col = mix(col, c * 0.85, a * 0.65) + c * a * 0.35;
    }
    return col;
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

vec3 sky_nebula(vec3 col, vec3 dir, float el) {
    if (u_neb_density <= 0.0 || u_neb_count <= 0) return col;
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
    return col + glow * horizon_fade;
}

// The whole sky in direction `dir` (unit).
vec3 sky_color(vec3 dir) {
    float el = asin(clamp(dir.y, -1.0, 1.0));
    float az = atan(dir.x, -dir.z);
    vec3 col = sky_gradient(dir);
    col = sky_nebula(col, dir, el);
    col = sky_streaks(col, dir, az, el);
    return col;
}

// The horizon colour seen along `dir`: what distant land fades into.
vec3 sky_fog(vec3 dir) {
    return sky_gradient(normalize(vec3(dir.x, max(dir.y, 0.0) * 0.3 + 0.02, dir.z)));
}

#endif
