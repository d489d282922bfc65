// The sky pass: one full-screen triangle at depth 1 (z = w), drawn after the opaque land with GL_LEQUAL.
#include "sky_common.glsl"

uniform vec3 u_cam_right;
uniform vec3 u_cam_up;
uniform vec3 u_cam_back;
uniform vec2 u_tan_half;

#if defined VERTEX_SHADER
out vec3 v_dir;
void main() {
    // Three corners cover the screen: (-1,-1), (3,-1), (-1,3).
    vec2 ndc = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
    // The eye ray is linear in ndc, so it interpolates exactly; normalised per fragment.
    v_dir = u_cam_right * ndc.x * u_tan_half.x + u_cam_up * ndc.y * u_tan_half.y - u_cam_back;
    gl_Position = vec4(ndc, 1.0, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec3 v_dir;
out vec4 f_color;
void main() {
    f_color = vec4(sky_color(normalize(v_dir)), 1.0);
}
#endif
