// A note's burst: the coloured particles alive at this frame (scenegen.perform gives where, what colour,
// how big and how bright each is: no motion is worked out here), as soft glowing point sprites added
// onto the picture. Sizes are world metres; a particle never shrinks below about a pixel and a half, so
// a far burst still twinkles instead of vanishing.
#include "common.glsl"

uniform mat4 u_view_proj_matrix;
uniform mat4 u_proj_matrix;
uniform vec2 u_viewport;
uniform float u_max_point;

#if defined VERTEX_SHADER
in vec3 a_pos;
in vec3 a_color;
in float a_size;
in float a_alpha;
out vec3 v_color;
void main() {
    gl_Position = u_view_proj_matrix * vec4(a_pos, 1.0);
    float px = a_size * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
    float side = clamp(px * 2.0, 2.0, u_max_point);
    gl_PointSize = side;
    // A particle drawn larger than it is (the pixel floor) keeps its light: dimmed by the area it gained.
    float kept = min(1.0, (px * 2.0) * (px * 2.0) / (side * side));
    v_color = a_color * a_alpha * kept * 3.0;
}

#elif defined FRAGMENT_SHADER
in vec3 v_color;
out vec4 f_color;
void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(p, p);
    if (r2 > 1.0) discard;
    float glow = exp(-r2 * 5.0) + 0.6 * exp(-r2 * 30.0);
    f_color = vec4(v_color * glow, 1.0);
}
#endif
