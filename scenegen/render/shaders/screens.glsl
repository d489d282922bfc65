// Colossal screens in the sky: abstract, flowing light (domain-warped noise drifting at the Scene's flow
// rate), in the screens' colour, streaked with the followed audience's mood colour as it rises. Premultiplied
// alpha: a screen hides the stars behind it; its light adds.
#include "common.glsl"

uniform mat4 u_view_proj_matrix;
uniform vec2 u_screen_size;
uniform vec3 u_screen_color;
uniform float u_screen_flow;
uniform vec3 u_mood_color;
uniform vec2 u_mood;          // period, strength
uniform vec2 u_screen_perf;   // a performance: 1 while it plays (the mood holds at u_mood.y), the flicker 0…1

#if defined VERTEX_SHADER
in vec3 a_center;
in vec3 a_right;
in vec3 a_up;
in vec3 a_flow;
out vec2 v_uv;
flat out vec3 v_flow;
void main() {
    vec2 c = vec2((gl_VertexID & 1) == 0 ? -1.0 : 1.0, (gl_VertexID & 2) == 0 ? -1.0 : 1.0);
    vec3 p = a_center + a_right * c.x * 0.5 * u_screen_size.x + a_up * c.y * 0.5 * u_screen_size.y;
    v_uv = c;
    v_flow = a_flow;
    gl_Position = u_view_proj_matrix * vec4(p, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec2 v_uv;
flat in vec3 v_flow;
out vec4 f_color;
void main() {
    vec2 uv = v_uv * vec2(u_screen_size.x / u_screen_size.y, 1.0) * 0.9 + v_flow.yz;
    float t = u_time * u_screen_flow + v_flow.x / TAU;
    vec2 warp = vec2(fbm2(uv + vec2(t * 0.5, 0.0), 3), fbm2(uv + vec2(5.2, t * 0.35), 3));
    float f = fbm2(uv * 0.9 + 1.8 * warp + vec2(0.0, -t * 0.5), 3);
    // Flowing contour lines of the field: ribbons of light that drift and fold.
    float bands = pow(0.5 + 0.5 * sin(14.0 * f - TAU * t), 3.0);
    float mood = u_mood.y * (u_screen_perf.x > 0.5 ? 1.0 : 0.5 - 0.5 * cos(TAU * u_time / max(u_mood.x, 1e-3)));
    // Mood streaks: where the flow runs strongest, the mood colour breaks through.
    float streak = smoothstep(0.55, 0.8, f) * mood * 2.0;
    vec3 col = mix(u_screen_color, u_mood_color, clamp(streak, 0.0, 1.0));
    col *= 0.12 + 1.3 * bands * (0.4 + f);
    // A soft luminous frame, and edges that fade into the star clouds.
    vec2 e = 1.0 - abs(v_uv);
    float frame = exp(-min(e.x * u_screen_size.x, e.y * u_screen_size.y) / 0.8);
    float edge = smoothstep(0.0, 0.06, min(e.x, e.y));
    col = col * edge * 0.8 + u_screen_color * frame * 0.9;
    // The mood's flicker: the light stutters, the way a failing screen does.
    float stutter = step(hash12(vec2(floor(u_time * 11.0), v_flow.x)), 0.35);
    col *= 1.0 - u_screen_perf.y * (0.55 * stutter + 0.2 * (0.5 + 0.5 * sin(TAU * 7.3 * u_time)));
    f_color = vec4(col, 0.8 * edge);
}
#endif
