// Splinters flaking off a flawed sphere (Flaw documents the motion): each lives `life` seconds from
// its phase, flies out through the cracks, falls a little, and turns from glowing crystal into a
// puff of grey smoke. Point sprites, premultiplied alpha (the smoke hides a little of what is behind).
#include "spheres_common.glsl"

uniform mat4 u_view_proj_matrix;
uniform mat4 u_proj_matrix;
uniform vec2 u_viewport;

#if defined VERTEX_SHADER
in vec4 a_sphere;
in float a_float_phase;
in vec3 a_dir;
in vec4 a_motion;     // speed, life, phase, fall
in float a_size;
in vec3 a_color;
in vec3 a_smoke;
out vec3 v_color;
out float v_alpha;
out float v_age;
void main() {
    float life = max(a_motion.y, 1e-3);
    // A performance runs the shards on their own clock (∫ rate dt), so they flake faster without a jump.
    int k = sphere_index(a_sphere.xyz);
    bool performing = k >= 0 && u_performing > 0.5;
    float clock = performing ? u_sphere_shard[k].z : u_time;
    float age = fract(clock / life + a_motion.z);
    float s = age * life;
    vec3 c = sphere_center_at(a_sphere.xyz, a_float_phase, u_time);
    vec3 p = c + a_dir * (a_sphere.w + a_motion.x * s) - vec3(0.0, 0.5 * a_motion.w * s * s, 0.0);
    gl_Position = u_view_proj_matrix * vec4(p, 1.0);
    float smoke = smoothstep(0.35, 0.85, age);
    float size = a_size * (1.0 + 5.0 * smoke);
    float px = size * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
    gl_PointSize = clamp(px * 2.0, 2.0, 64.0);
    float fade_in = smoothstep(0.0, 0.05, age);
    float fade_out = 1.0 - smoothstep(0.75, 1.0, age);
    v_color = mix(a_color * 1.5, a_smoke * 0.4, smoke) * fade_in * fade_out;
    // The performance's shard rate (0: none fly; 1: the flaw's own): below 1 only that share of the
    // splinters fly; a shattered sphere has none left to shed.
    if (performing) {
        float rate = u_sphere_shard[k].x * (1.0 - u_sphere_shard[k].y);
        float keep = step(hash12(vec2(a_motion.z * 97.0, a_size * 1e3)), rate);
        v_color *= keep;
        v_alpha *= keep;
    }
    v_alpha = smoke * 0.45 * fade_out;
    v_age = age;
}

#elif defined FRAGMENT_SHADER
in vec3 v_color;
in float v_alpha;
in float v_age;
out vec4 f_color;
void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    // A splinter is a sharp diamond; smoke a soft round puff.
    float diamond = 1.0 - smoothstep(0.55, 0.75, abs(p.x) * 1.6 + abs(p.y) * 0.7);
    float puff = exp(-dot(p, p) * 2.5);
    float k = smoothstep(0.35, 0.85, v_age);
    float shape = mix(diamond, puff, k);
    f_color = vec4(v_color * shape, v_alpha * shape);
}
#endif
