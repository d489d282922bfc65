// The land: vertex colours lit by ambient, key, spotlights and the stage's glow, fading with distance
// into the horizon colour of the sky behind it.
#include "sky_common.glsl"
#include "lit.glsl"

uniform mat4 u_view_proj_matrix;
uniform vec3 u_eye;
uniform float u_fog_distance;     // metres at which the land is about two-thirds sky
uniform float u_fog_exponent;     // how suddenly the land fades: skylook.FOG_EXPONENT

#if defined VERTEX_SHADER
in vec3 a_position;
in vec3 a_normal;
in vec3 a_color;
out vec3 v_pos;
out vec3 v_normal;
out vec3 v_color;
void main() {
    v_pos = a_position;
    v_normal = a_normal;
    v_color = a_color;
    gl_Position = u_view_proj_matrix * vec4(a_position, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec3 v_pos;
in vec3 v_normal;
in vec3 v_color;
out vec4 f_color;
void main() {
    vec3 n = normalize(v_normal);
    vec3 col = v_color * diffuse_light(v_pos, n);
    // A faint sheen of sky on the land, brighter where it turns away from the eye (grazing light).
    vec3 view = v_pos - u_eye;
    float dist = length(view);
    vec3 dir = view / dist;
    float rim = pow(1.0 - clamp(dot(n, -dir), 0.0, 1.0), 4.0);
    col += sky_fog(dir) * rim * 0.25;
    float fog = 1.0 - exp(-pow(dist / u_fog_distance, u_fog_exponent));
    f_color = vec4(mix(col, sky_fog(dir), fog), 1.0);
}
#endif
