// Lighting shared by the solid surfaces: ambient, the key light, spotlights (glTF-style cones), and the
// glow the stage itself sheds on what is near it.
#ifndef LIT_GLSL
#define LIT_GLSL
#ifndef MAX_SPOTS
#define MAX_SPOTS 4
#endif
// The loop's bound known when compiling (the scene's spotlights): a software rasteriser then unrolls it.
#ifndef SPOT_LOOP
#define SPOT_LOOP MAX_SPOTS
#endif

uniform vec3 u_ambient;            // colour × intensity
uniform vec3 u_key_dir;            // unit direction the light travels
uniform vec3 u_key_color;          // colour × intensity
uniform int u_spot_count;
uniform vec3 u_spot_pos[MAX_SPOTS];
uniform vec3 u_spot_dir[MAX_SPOTS];
uniform vec3 u_spot_color[MAX_SPOTS];
uniform vec4 u_spot_cone[MAX_SPOTS];  // cos(outer), cos(inner), intensity, softness
uniform vec4 u_stage_light;        // centre x, top y, centre z, radius
uniform vec3 u_stage_glow;         // colour × glow

// How much of spotlight i reaches point p (0…1 across the cone's soft edge).
float spot_amount(int i, vec3 p) {
    vec3 to_p = normalize(p - u_spot_pos[i]);
    float c = dot(to_p, u_spot_dir[i]);
    return smoothstep(u_spot_cone[i].x, u_spot_cone[i].y, c);
}

vec3 spot_light(vec3 p, vec3 n) {
    vec3 sum = vec3(0.0);
    for (int i = 0; i < SPOT_LOOP; ++i) {
        if (i >= u_spot_count) break;
        float a = spot_amount(i, p);
        if (a <= 0.0) continue;
        vec3 l = normalize(u_spot_pos[i] - p);
        sum += u_spot_color[i] * u_spot_cone[i].z * a * max(dot(n, l), 0.0);
    }
    return sum;
}

// Diffuse light arriving at p with normal n.
vec3 diffuse_light(vec3 p, vec3 n) {
    vec3 sum = u_ambient * (0.6 + 0.4 * n.y);
    sum += u_key_color * max(dot(n, -u_key_dir), 0.0);
    sum += spot_light(p, n);
#ifndef NO_STAGE_GLOW
    // The glowing stage lights its surroundings, fading over a few stage radii.
    vec3 c = u_stage_light.xyz;
    vec3 d = c - p;
    float r = max(u_stage_light.w, 1.0);
    float dist = length(d);
    float fall = 1.0 / (1.0 + pow(max(dist - r, 0.0) / (0.8 * r), 2.0));
    sum += u_stage_glow * fall * (0.35 + 0.65 * max(dot(n, d / max(dist, 1e-3)), 0.0)) * 0.6;
#endif
    return sum;
}
#endif
