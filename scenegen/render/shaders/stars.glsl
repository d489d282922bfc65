// Stars: point sprites at infinity (w = 0), twinkling as Stars documents:
// brightness·(1 − twinkle·(½ − ½·sin(2π·rate·t + phase))).
#include "common.glsl"

uniform mat4 u_view_matrix;
uniform mat4 u_proj_matrix;
uniform float u_pixel_scale;

#if defined VERTEX_SHADER
in vec3 a_dir;
in vec3 a_tint;
in float a_size;
in float a_brightness;
in float a_twinkle;
in float a_rate;
in float a_phase;
out vec3 v_color;
void main() {
    vec4 eye = vec4(mat3(u_view_matrix) * a_dir, 0.0);
    vec4 clip = u_proj_matrix * eye;
    gl_Position = clip.xyww;   // depth 1: behind everything, passes GL_LEQUAL where only sky is
    float tw = 1.0 - a_twinkle * (0.5 - 0.5 * sin(TAU * a_rate * u_time + a_phase));
    // Thicker air near the horizon dims and shrinks them.
    float air = smoothstep(-0.02, 0.18, a_dir.y);
    float size = max(a_size * u_pixel_scale, 1.0);
    gl_PointSize = size * 2.5;   // room for the soft halo around the core
    v_color = a_tint * a_brightness * tw * air * 1.6;
}

#elif defined FRAGMENT_SHADER
in vec3 v_color;
out vec4 f_color;
void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(p, p);
    if (r2 > 1.0) discard;
    float core = exp(-r2 * 18.0);
    float halo = exp(-r2 * 4.0) * 0.25;
    f_color = vec4(v_color * (core + halo), 1.0);
}
#endif
