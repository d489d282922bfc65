// Spotlight beams: the back faces of a closed cone around each beam; per fragment the light scattered
// towards the eye is integrated along the eye ray through the exact cone (glTF-style soft edge, light
// thinning as the beam widens), stopping at the stage plane through the target. Additive.
#include "common.glsl"
#include "lit.glsl"

uniform mat4 u_view_proj_matrix;
uniform vec3 u_eye;
uniform vec4 u_spot_target[MAX_SPOTS];   // target point, distance from the lamp
uniform float u_scatter;                 // how much of the beam the air scatters, per metre

#if defined VERTEX_SHADER
in vec3 a_position;
in float a_spot;
out vec3 v_world;
flat out int v_spot;
void main() {
    v_world = a_position;
    v_spot = int(a_spot + 0.5);
    gl_Position = u_view_proj_matrix * vec4(a_position, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec3 v_world;
flat in int v_spot;
out vec4 f_color;

// Entry distance of the ray (ro, rd) into the cone (apex a, unit axis d, cos of half-angle c); -1 if none.
float cone_entry(vec3 ro, vec3 rd, vec3 a, vec3 d, float c) {
    vec3 co = ro - a;
    float c2 = c * c;
    float cd = dot(co, d);
    if (cd > 0.0 && cd * cd >= c2 * dot(co, co)) return 0.0;   // the eye is inside the beam
    float dv = dot(rd, d);
    float qa = dv * dv - c2;
    float qb = 2.0 * (dv * cd - c2 * dot(rd, co));
    float qc = cd * cd - c2 * dot(co, co);
    float disc = qb * qb - 4.0 * qa * qc;
    if (disc < 0.0 || abs(qa) < 1e-8) return -1.0;
    float sq = sqrt(disc);
    float t1 = (-qb - sq) / (2.0 * qa);
    float t2 = (-qb + sq) / (2.0 * qa);
    float lo = min(t1, t2), hi = max(t1, t2);
    if (lo > 0.0 && dot(ro + rd * lo - a, d) > 0.0) return lo;
    if (hi > 0.0 && dot(ro + rd * hi - a, d) > 0.0) return hi;
    return -1.0;
}

void main() {
    int i = v_spot;
    vec3 ro = u_eye;
    vec3 to_back = v_world - ro;
    float t_far = length(to_back);
    vec3 rd = to_back / t_far;
    vec3 apex = u_spot_pos[i];
    vec3 axis = u_spot_dir[i];
    float t_near = cone_entry(ro, rd, apex, axis, u_spot_cone[i].x);
    if (t_near < 0.0) discard;
    // The beam stops at the stage: the horizontal plane through its target.
    float floor_y = u_spot_target[i].y;
    if (rd.y < 0.0) t_far = min(t_far, (floor_y - ro.y) / rd.y);
    if (ro.y < floor_y) discard;
    if (t_far <= t_near) discard;
    const int STEPS = 12;
    float dt = (t_far - t_near) / float(STEPS);
    float jitter = hash12(gl_FragCoord.xy);
    float reach = max(u_spot_target[i].w, 1e-3);
    float sum = 0.0;
    for (int k = 0; k < STEPS; ++k) {
        vec3 p = ro + rd * (t_near + (float(k) + jitter) * dt);
        vec3 ap = p - apex;
        float s = length(ap);
        float w = smoothstep(u_spot_cone[i].x, u_spot_cone[i].y, dot(ap / max(s, 1e-4), axis));
        // The same light spreads over a wider disc further out: density ∝ 1 / (1 + (s / reach)²).
        sum += w / (1.0 + (s / reach) * (s / reach) * 2.0);
    }
    vec3 col = u_spot_color[i] * u_spot_cone[i].z * sum * dt * u_scatter;
    f_color = vec4(col, 1.0);
}
#endif
