// The Harmonious Spheres as ray-traced impostors: one camera-facing quad per sphere (instanced), the
// fragment shader intersects the exact sphere. Crystal: glowing from within (brighter through the
// thicker middle), faceted sparkle, a Fresnel reflection of the sky, a halo around it. Pulse, bob and
// a flawed sphere's flicker follow u_time with the Scene's rates. Premultiplied alpha: the crystal
// dims what is behind it a little while its light adds.
#include "sky_common.glsl"
#include "spheres_common.glsl"

uniform mat4 u_view_proj_matrix;
uniform vec3 u_eye;
uniform vec3 u_cam_right;
uniform vec3 u_cam_up;
const float EXTENT = 2.4;        // quad half-size in radii: room for the halo

#if defined VERTEX_SHADER
in vec3 a_center;
in float a_radius;
in vec3 a_color;
in float a_glow;
in vec4 a_pulse;
in vec4 a_flicker_freq;
in vec4 a_flicker_phase;
in vec4 a_flicker;
out vec3 v_world;
flat out vec4 v_sphere;
flat out vec3 v_light;
flat out float v_flawed;
flat out float v_flare;
flat out float v_gone;
void main() {
    vec2 c = vec2((gl_VertexID & 1) == 0 ? -1.0 : 1.0, (gl_VertexID & 2) == 0 ? -1.0 : 1.0);
    vec3 centre = sphere_center_at(a_center, a_pulse.w, u_time);
    // The quad stands a radius in front of the centre, so the near half of the sphere is never clipped.
    vec3 to_eye = normalize(u_eye - centre);
    vec3 world = centre + to_eye * a_radius + (u_cam_right * c.x + u_cam_up * c.y) * a_radius * EXTENT;
    v_world = world;
    v_sphere = vec4(centre, a_radius);
    vec4 perf = u_sphere_perf[gl_InstanceID];
    vec4 flicker = vec4(clamp(a_flicker.x + perf.z, 0.0, 1.0), a_flicker.yzw);
    float light = sphere_pulse(a_pulse, u_time) * sphere_flicker(a_flicker_freq, a_flicker_phase, flicker, u_time);
    float gone = 1.0 - u_sphere_shard[gl_InstanceID].y;      // a shattered sphere is no more
    v_light = a_color * a_glow * light * max(1.0 + perf.x, 0.0) * gone;
    v_flare = perf.y * gone;
    v_gone = gone;
    v_flawed = a_flicker.x;
    gl_Position = u_view_proj_matrix * vec4(world, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec3 v_world;
flat in vec4 v_sphere;
flat in vec3 v_light;
flat in float v_flawed;
flat in float v_flare;
flat in float v_gone;
out vec4 f_color;
void main() {
    vec3 dir = normalize(v_world - u_eye);
    vec3 oc = v_sphere.xyz - u_eye;
    float r = v_sphere.w;
    float t = dot(oc, dir);
    float miss = length(oc - dir * t);
    vec3 L = v_light;
    if (miss >= r) {
        // Halo: light scattered around the globe, fading to nothing before the quad's edge.
        float out_r = (miss - r) / r;
        float halo = exp(-out_r * 2.6) * smoothstep(EXTENT * 0.95, EXTENT * 0.6, miss / r);
        // A note's flare: the halo swells and brightens, wider than the sphere's own glow.
        float flare = v_flare * exp(-out_r * 1.2) * smoothstep(EXTENT * 0.98, EXTENT * 0.5, miss / r);
        f_color = vec4(L * (halo * 0.16 + flare * 0.9), 0.0);
        return;
    }
    float inside = sqrt(r * r - miss * miss);
    vec3 p = u_eye + dir * (t - inside);
    vec3 n = (p - v_sphere.xyz) / r;
    float cos_v = clamp(dot(n, -dir), 0.0, 1.0);
    float fresnel = 0.04 + 0.96 * pow(1.0 - cos_v, 5.0);
    float chord = inside / r;                                  // 1 through the middle, 0 at the edge
    // Crystal facets: the surface broken into cells, each catching the inner light a little differently.
    vec3 cell = floor(n * 3.5 + 7.0);
    float facet = 0.8 + 0.4 * hash13(cell + v_sphere.xyz);
    float core = exp(-pow(miss / (0.45 * r), 2.0));
    vec3 body = L * (0.07 + 0.22 * chord * chord) * facet + L * core * 0.45;
    vec3 rim = L * pow(1.0 - cos_v, 3.0) * 0.35;
    vec3 refl = sky_mirror(reflect(dir, n)) * fresnel * 1.5;
    // A glint of the surroundings high on the globe: a crystal, not a lamp.
    float glint = pow(max(dot(reflect(dir, n), normalize(vec3(-0.3, 1.0, 0.4))), 0.0), 60.0) * 1.5;
    vec3 col = body * (1.0 + 2.5 * v_flare) + rim + (refl + vec3(glint)) * v_gone;
    float alpha = clamp(0.35 + 0.5 * fresnel, 0.0, 1.0) * v_gone;
    f_color = vec4(col, alpha);
}
#endif
