// The stage: liquid silver (a mirror of the sky, rippling from its ring origins), moonlight (cool,
// glowing) or crystal (translucent); a glowing rim; pools of spotlight; the spheres reflected in it.
#include "sky_common.glsl"
#define NO_STAGE_GLOW 1   // the stage does not light itself
#include "lit.glsl"
#include "spheres_common.glsl"
#ifndef MAX_RIPPLES
#define MAX_RIPPLES 16
#endif

uniform mat4 u_view_proj_matrix;
uniform vec3 u_eye;
uniform int u_material;             // 0 liquid silver, 1 moonlight, 2 crystal
uniform vec3 u_stage_color;
uniform vec3 u_rim_color;
uniform vec4 u_stage_mat;           // glow, metallic, roughness, transmission
uniform vec4 u_ripple;              // amplitude, wavelength, speed, damping
uniform int u_ripple_count;
uniform vec4 u_ripple_origin[MAX_RIPPLES];   // x, z, phase, unused
uniform vec3 u_stage_center;
uniform float u_stage_radius;

#if defined VERTEX_SHADER
in vec3 a_position;
in vec3 a_normal;
in float a_part;
out vec3 v_pos;
out vec3 v_normal;
flat out int v_part;
void main() {
    v_pos = a_position;
    v_normal = a_normal;
    v_part = int(a_part + 0.5);
    gl_Position = u_view_proj_matrix * vec4(a_position, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec3 v_pos;
in vec3 v_normal;
flat in int v_part;
out vec4 f_color;

// Slope (dh/dx, dh/dz) of the ring waves: each origin sends rings out at `speed`, fading with distance.
vec2 ripple_slope(vec2 xz) {
    float amp = u_ripple.x;
    float k = TAU / max(u_ripple.y, 1e-3);
    float speed = u_ripple.z;
    float damp = u_ripple.w;
    vec2 slope = vec2(0.0);
    for (int i = 0; i < MAX_RIPPLES; ++i) {
        if (i >= u_ripple_count) break;
        vec2 d = xz - u_ripple_origin[i].xy;
        float r = length(d) + 1e-4;
        float ph = k * (r - speed * u_time) + u_ripple_origin[i].z;
        float env = amp * exp(-damp * r);
        // d/dr of env·sin(ph), with a soft start so no ring has a sharp point at its origin.
        float dh = env * (k * cos(ph) - damp * sin(ph)) * smoothstep(0.0, 0.6, r);
        slope += dh * d / r;
    }
    return slope;
}

// Each sphere now (spheres_now.glsl): texel (i, 0) centre and radius, (i, 1) its light.
uniform sampler2D u_spheres_now;

// The brightest glow of a sphere along the ray o + t·d (t > 0): a hit shows its light, a near miss its halo.
vec3 spheres_along(vec3 o, vec3 d) {
    vec3 sum = vec3(0.0);
    for (int i = 0; i < SPHERE_LOOP; ++i) {
        if (i >= u_sphere_count) break;
        vec4 g = texelFetch(u_spheres_now, ivec2(i, 0), 0);
        vec3 oc = g.xyz - o;
        float t = dot(oc, d);
        if (t <= 0.0) continue;
        float r = g.w;
        float miss = length(oc - d * t);
        float body = smoothstep(r, r * 0.85, miss);
        float halo = exp(-max(miss - r, 0.0) / (0.9 * r)) * 0.35;
        sum += texelFetch(u_spheres_now, ivec2(i, 1), 0).rgb * (body * 0.5 + halo);
    }
    return sum;
}

void main() {
    vec3 n = normalize(v_normal);
    vec3 view = normalize(v_pos - u_eye);
    float glow = u_stage_mat.x;
    float metallic = u_stage_mat.y;
    float transmission = u_stage_mat.w;
    vec3 base = u_stage_color;
    float from_centre = length(v_pos.xz - u_stage_center.xz) / max(u_stage_radius, 1e-3);

    if (v_part == 0) {
        // Rings finer than a few pixels would only alias into moiré: fade them with the footprint.
        float footprint = length(fwidth(v_pos.xz)) / max(u_ripple.y, 1e-3);
        float fine = smoothstep(0.5, 0.15, footprint);
        vec2 s = fine > 0.0 ? ripple_slope(v_pos.xz) * fine : vec2(0.0);   // far off, no ring is seen
        n = normalize(vec3(-s.x, 1.0, -s.y));
    }
    vec3 r = reflect(view, n);
    r.y = abs(r.y);                   // a ripple never reflects the ground below the stage
    float cos_v = clamp(dot(n, -view), 0.0, 1.0);
    vec3 col;
    if (v_part == 0 && u_material == 0) {
        // Liquid silver: a tinted mirror, Schlick's Fresnel towards white at grazing angles.
        vec3 f0 = sqrt(base);          // the colour as the eye sees it: silver, not pewter
        vec3 fresnel = f0 + (1.0 - f0) * pow(1.0 - cos_v, 5.0);
        col = sky_mirror(r) * fresnel;
        col += spheres_along(v_pos, r) * fresnel;
        // A quicksilver sheen: the rings catch a little light of their own.
        col += base * glow * (0.6 + 0.4 * n.y);
        col += base * spot_light(v_pos, n) * 0.35;
    } else if (v_part == 0) {
        // Moonlight / crystal: lit and glowing, with a faint dielectric reflection.
        float fresnel = 0.04 + 0.96 * pow(1.0 - cos_v, 5.0);
        // Solidified moonlight: slow, pale clouds of light inside the surface.
        float inner = fbm2(v_pos.xz * 0.12 + vec2(u_time * 0.02, -u_time * 0.015), 4);
        float glow_here = glow * 0.5 * (0.55 + 0.9 * inner * inner) * (1.0 - 0.3 * from_centre);
        vec3 lit = diffuse_light(v_pos, n) * (1.0 - transmission * 0.5);
        col = base * (lit * 0.8 + glow_here);
        if (u_material == 2) {
            // Crystal: the sky seen through it, tinted, under the reflection.
            vec3 through = sky_mirror(normalize(refract(view, n, 0.8) * vec3(1.0, -1.0, 1.0)));
            col = mix(col, through * base, transmission * 0.6);
        }
        col += (sky_mirror(r) + spheres_along(v_pos, r)) * fresnel;
    } else {
        // Rim and walls: a bright band on top, the glow fading down the outer wall.
        float h = v_part == 3 ? clamp((v_pos.y - u_stage_center.y) / 0.3 + 1.0, 0.0, 1.0) : 1.0;
        vec3 lit = diffuse_light(v_pos, n);
        float shine = v_part == 1 ? 1.2 : (v_part == 2 ? 0.8 : 0.2 + 0.5 * h);
        col = u_rim_color * (lit * 0.4 + (glow + 0.3) * shine);
        float fresnel = 0.04 + 0.96 * pow(1.0 - cos_v, 5.0);
        col += sky_mirror(r) * fresnel * metallic;
    }
    f_color = vec4(col, 1.0);
}
#endif
