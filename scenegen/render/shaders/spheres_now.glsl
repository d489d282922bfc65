// Where each sphere is and how bright it glows at u_time, once per frame into a MAX_SPHERES × 2 float
// target (row 0: centre, radius; row 1: colour × glow × pulse), so that a pass that looks at every sphere
// from every pixel (the stage's mirror) reads them instead of working them out per pixel.
#include "spheres_common.glsl"

#if defined VERTEX_SHADER
void main() {
    vec2 ndc = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
    gl_Position = vec4(ndc, 0.0, 1.0);
}

#elif defined FRAGMENT_SHADER
out vec4 f_color;
void main() {
    int i = int(gl_FragCoord.x);
    if (i >= u_sphere_count) {
        f_color = vec4(0.0);
    } else if (gl_FragCoord.y < 1.0) {
        f_color = vec4(sphere_center_at(u_sphere_geom[i].xyz, u_sphere_pulse[i].w, u_time), u_sphere_geom[i].w);
    } else {
        f_color = vec4(u_sphere_light[i] * sphere_pulse(u_sphere_pulse[i], u_time), 1.0);
    }
}
#endif
