// Where the Harmonious Spheres are and how bright, at time u_time (Spheres documents the motion):
// centres turn about the spin axis, bob by float_height·sin(2π·float_rate·t + float_phase), and glow
// by glow·(1 − depth·(½ − ½·cos(2π·rate·t + phase))).
#ifndef SPHERES_COMMON_GLSL
#define SPHERES_COMMON_GLSL
#include "common.glsl"
#ifndef MAX_SPHERES
#define MAX_SPHERES 16
#endif
#ifndef SPHERE_LOOP
#define SPHERE_LOOP MAX_SPHERES     // a loop over the spheres, bounded when compiling where it is known
#endif

uniform int u_sphere_count;
uniform vec4 u_sphere_geom[MAX_SPHERES];    // centre, radius
uniform vec4 u_sphere_pulse[MAX_SPHERES];   // rate, depth, phase, float phase
uniform vec3 u_sphere_light[MAX_SPHERES];   // colour × glow
uniform vec2 u_sphere_float;                // bob height, bob rate
uniform vec3 u_spin_center;
uniform vec4 u_spin_axis;                   // unit axis, rate (rad/s)
// The performance at this frame (render/perfpack.py; all zero when nothing performs): per sphere the
// light beyond its own (multiplier − 1), the flare 0…1, the flicker depth beyond the flaw's own, and
// the share of its cracks still hidden; the shards' rate and the shatter 0…1; the sphere's offset.
uniform float u_performing;                // 1 while a performance plays
uniform vec4 u_sphere_perf[MAX_SPHERES];
uniform vec4 u_sphere_shard[MAX_SPHERES];
uniform vec3 u_sphere_offset[MAX_SPHERES];

// Which sphere sits at rest centre c (ribbons and shards carry the centre, not the index).
int sphere_index(vec3 c) {
    for (int k = 0; k < MAX_SPHERES; ++k) {
        if (k >= u_sphere_count) break;
        if (distance(u_sphere_geom[k].xyz, c) < 1e-3) return k;
    }
    return -1;
}

vec3 spin(vec3 p, float t) {
    float a = u_spin_axis.w * t;
    if (a == 0.0) return p;
    vec3 k = u_spin_axis.xyz;
    vec3 v = p - u_spin_center;
    return u_spin_center + v * cos(a) + cross(k, v) * sin(a) + k * dot(k, v) * (1.0 - cos(a));
}

vec3 sphere_center_at(vec3 c, float float_phase, float t) {
    int k = sphere_index(c);
    c = spin(c, t);
    c.y += u_sphere_float.x * sin(TAU * u_sphere_float.y * t + float_phase);
    if (k >= 0) c += u_sphere_offset[k];
    return c;
}

float sphere_pulse(vec4 pulse, float t) {
    return 1.0 - pulse.y * (0.5 - 0.5 * cos(TAU * pulse.x * t + pulse.z));
}

// A flawed sphere's light, 0…1 (Flaw documents it): the mean of incommensurate sines, dropping the
// light by up to `amount` where it dips below zero, plus a seeded stutter at the base rate — like a
// failing bulb. fl = (amount, rate, seed, harmonics); amount 0 is a sound sphere: always 1.
float sphere_flicker(vec4 freq, vec4 phase, vec4 fl, float t) {
    if (fl.x <= 0.0) return 1.0;
    vec4 s = sin(TAU * freq * t + phase);
    vec4 used = step(vec4(0.5, 1.5, 2.5, 3.5), vec4(fl.w));
    float mean = dot(s, used) / max(fl.w, 1.0);
    float stutter = step(hash12(vec2(floor(t * fl.y), fl.z)), 0.22);
    return 1.0 - fl.x * clamp(max(-mean, 0.0) * 1.8 + stutter * 0.7, 0.0, 1.0);
}
#endif
