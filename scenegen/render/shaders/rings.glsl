// Rings a note starts on the stage beneath its sphere: a bright crest running outward at the stage's
// ripple speed from each centre, fading with age and distance, light added onto the stage's surface.
// One quad over the stage a hair above its top; the performance gives each ring's centre, age and strength.
#include "common.glsl"
#ifndef MAX_RINGS
#define MAX_RINGS 16
#endif

uniform mat4 u_view_proj_matrix;
uniform vec4 u_stage_disc;                 // centre x, top, centre z, radius
uniform vec4 u_ring_wave;                  // speed m/s, crest width m, fade per second, fade per metre
uniform vec3 u_ring_color;
uniform int u_ring_count;
uniform vec4 u_rings[MAX_RINGS];           // centre x, z, age s, amplitude

#if defined VERTEX_SHADER
out vec2 v_xz;
void main() {
    vec2 c = vec2((gl_VertexID & 1) == 0 ? -1.0 : 1.0, (gl_VertexID & 2) == 0 ? -1.0 : 1.0);
    v_xz = u_stage_disc.xz + c * u_stage_disc.w;
    gl_Position = u_view_proj_matrix * vec4(v_xz.x, u_stage_disc.y + 0.01, v_xz.y, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec2 v_xz;
out vec4 f_color;
void main() {
    float edge = length(v_xz - u_stage_disc.xz) / u_stage_disc.w;
    if (edge > 1.0) discard;
    // A crest never thinner than about two pixels, so a far stage still shows its rings.
    float width = max(u_ring_wave.y, 1.2 * length(fwidth(v_xz)));
    float light = 0.0;
    for (int i = 0; i < MAX_RINGS; ++i) {
        if (i >= u_ring_count) break;
        vec4 ring = u_rings[i];
        float d = length(v_xz - ring.xy);
        float front = u_ring_wave.x * ring.z;
        float x = (d - front) / width;
        // A crest and a fainter second one behind it, like a drop on mercury.
        float crest = exp(-x * x) + 0.35 * exp(-(x + 2.6) * (x + 2.6));
        light += ring.w * crest * exp(-ring.z * u_ring_wave.z - d * u_ring_wave.w);
    }
    float rim = smoothstep(1.0, 0.94, edge);
    f_color = vec4(u_ring_color * light * rim, 1.0);
}
#endif
