// Line work as camera-facing ribbons, one instanced quad per segment: the instrument's crystal spiral
// (a glowing tube), the light woven around it (flowing up the strand at the Scene's rate), and the
// hairline cracks of a flawed sphere (kept on the front of the moving globe, glowing). Premultiplied
// alpha: a crack or the crystal dims what is behind it, so the sickly yellow stays yellow on a blue globe.
#include "spheres_common.glsl"

uniform mat4 u_view_proj_matrix;
uniform vec3 u_eye;
uniform vec2 u_viewport;
uniform vec2 u_tan_half;
uniform float u_instrument_flare;   // the performance: the instrument sounding, 0…1

#if defined VERTEX_SHADER
in vec3 a_p0;
in vec3 a_p1;
in vec4 a_sphere;
in float a_float_phase;
in vec2 a_width;
in vec3 a_color;
in vec4 a_flow;
in float a_kind;
out float v_across;       // −1 … 1 over the ribbon's full width (core plus glow)
out float v_u;
out float v_front;
flat out float v_core;    // the core's half-width as a fraction of the ribbon's
flat out vec3 v_color;
flat out int v_kind;
flat out vec2 v_flow;
flat out vec2 v_perf;     // cracks: share still hidden; the instrument's flare (or a shattered sphere's 1)

vec3 place(vec3 p, out vec3 normal) {
    normal = vec3(0.0);
    if (a_sphere.w <= 0.0) return p;
    vec3 c = sphere_center_at(a_sphere.xyz, a_float_phase, u_time);
    vec3 q = p;
    if (u_spin_axis.w != 0.0) q = spin(u_spin_center + p, u_time) - spin(u_spin_center, u_time);
    normal = normalize(q);
    return c + normal * a_sphere.w * 1.004;
}

void main() {
    float end = (gl_VertexID & 1) == 0 ? 0.0 : 1.0;
    float side = (gl_VertexID & 2) == 0 ? -1.0 : 1.0;
    vec3 n0, n1;
    vec3 p0 = place(a_p0, n0);
    vec3 p1 = place(a_p1, n1);
    vec3 p = mix(p0, p1, end);
    vec3 nrm = mix(n0, n1, end);
    vec3 to_eye = u_eye - p;
    float dist = length(to_eye);
    vec3 across = normalize(cross(p1 - p0, to_eye) + vec3(0.0, 1e-7, 0.0));
    float half_w = mix(a_width.x, a_width.y, end);
    // Never thinner than about a pixel, so a hairline still reads; glow doubles the width around it.
    float pixel = dist * 2.0 * u_tan_half.y / u_viewport.y;
    float core = max(half_w, 0.7 * pixel);
    int kind = int(a_kind + 0.5);
    float glow = kind == 0 ? core * 1.25 : core * 3.5 + 1.5 * pixel;
    // Extend past the ends by the glow so neighbouring segments overlap without gaps.
    vec3 along = normalize(p1 - p0);
    p += along * (end * 2.0 - 1.0) * glow * 0.5;
    gl_Position = u_view_proj_matrix * vec4(p + across * side * glow, 1.0);
    v_across = side;
    v_core = core / glow;
    v_u = mix(a_flow.x, a_flow.y, end);
    v_front = a_sphere.w > 0.0 ? smoothstep(-0.02, 0.25, dot(nrm, normalize(to_eye))) : 1.0;
    v_color = a_color;
    v_kind = kind;
    v_flow = a_flow.zw;
    int k = a_sphere.w > 0.0 ? sphere_index(a_sphere.xyz) : -1;
    v_perf = k >= 0 ? vec2(u_sphere_perf[k].w, u_sphere_shard[k].y) : vec2(0.0, u_instrument_flare);
}

#elif defined FRAGMENT_SHADER
in float v_across;
in float v_u;
in float v_front;
flat in float v_core;
flat in vec3 v_color;
flat in int v_kind;
flat in vec2 v_flow;
flat in vec2 v_perf;
out vec4 f_color;
void main() {
    float a = abs(v_across);
    vec3 col;
    float alpha = 0.0;
    if (v_kind == 0) {
        // Crystal tube: brighter along its axis, a specular line, luminous edges.
        float x = a / max(v_core, 1e-3);
        if (x > 1.0) discard;
        float nz = sqrt(max(1.0 - x * x, 0.0));
        float spec = exp(-pow((v_across / v_core + 0.35) / 0.18, 2.0));
        float edge = pow(x, 4.0);
        col = (v_color * (0.12 + 0.2 * nz) + v_color * edge * 0.7) * (1.0 + 2.0 * v_perf.y) + vec3(spec) * 0.45;
        alpha = 0.2 + 0.5 * edge;
    } else if (v_kind == 1) {
        float flow = 0.5 + 0.5 * sin(TAU * (v_flow.x * u_time - v_u * v_flow.y));
        float core = exp(-pow(a / max(v_core, 1e-3), 2.0) * 1.5);
        float halo = exp(-a * 3.0) * 0.35;
        col = v_color * (core * 0.5 + halo * 0.5) * (0.25 + 1.1 * flow * flow) * (1.0 + 3.0 * v_perf.y);
    } else {
        // A crack: a hot hairline with a glow, a pulse running along it in the order it spread; only the
        // part the performance has revealed so far (its points are ordered by when the crack reaches them).
        if (v_u > 1.0 - v_perf.x || v_perf.y > 0.5) discard;
        float core = exp(-pow(a / max(v_core, 1e-3), 2.0) * 1.2);
        float halo = exp(-a * 3.5) * 0.4;
        float run = 0.6 + 0.4 * sin(TAU * (v_u * 2.0 - u_time * 0.5));
        // Kept below white, so the sickly yellow still reads as yellow.
        col = v_color * (core * 0.22 + halo * 0.1) * run * v_front;
        alpha = core * 0.85 * v_front;
    }
    f_color = vec4(col, alpha);
}
#endif
