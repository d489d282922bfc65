// A note's burst: the coloured particles alive at this frame (scenegen.perform gives where, what colour,
// how big and how bright each is: no motion is worked out here), as soft glowing point sprites.
// Premultiplied "over", not only added: an indigo spark must stay indigo in front of a pale sky or a
// white-hot stage, so each one also covers a little of what is behind it. Sizes are world metres; a
// particle never shrinks below three pixels (at 720 lines), so a far burst still sparkles instead of
// vanishing; drawn larger than it is, it dims a little (by the area it gained, all of it would put it out).
#include "common.glsl"

uniform mat4 u_view_proj_matrix;
uniform mat4 u_proj_matrix;
uniform vec2 u_viewport;
uniform float u_max_point;
uniform float u_pixel_scale;

#if defined VERTEX_SHADER
in vec3 a_pos;
in vec3 a_color;
in float a_size;
in float a_alpha;
out vec3 v_color;
out float v_alpha;
out float v_core;
void main() {
    gl_Position = u_view_proj_matrix * vec4(a_pos, 1.0);
    float px = a_size * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
    // The sprite holds the spark (its own size) and a faint coloured haze six times as wide around it.
    float side = clamp(px * 6.0, 5.0 * u_pixel_scale, u_max_point);
    gl_PointSize = side;
    v_core = max(px * 2.0 / side, 0.3);                     // the spark's radius, a share of the sprite's
    float kept = pow(min(1.0, px * 6.0 / side), 0.3);
    v_alpha = a_alpha * kept;
    v_color = a_color * min(1.0, 2.0 * v_alpha) * 1.6;
}

#elif defined FRAGMENT_SHADER
in vec3 v_color;
in float v_alpha;
in float v_core;
out vec4 f_color;
void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(p, p);
    if (r2 > 1.0) discard;
    float core = exp(-r2 / (v_core * v_core) * 1.5);
    float glow = core + 0.18 * exp(-r2 * 3.0);
    f_color = vec4(v_color * glow, 0.45 * min(1.0, 2.0 * v_alpha) * core);
}
#endif
