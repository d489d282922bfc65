// Post: bright-pass/downsample, separable blur, and the final composite (bloom + tone curve + sRGB).
// MODE 0: bright pass (from the HDR image), 1: blur along u_dir, 2: composite.
#include "common.glsl"

uniform sampler2D u_image;
uniform sampler2D u_bloom;
uniform sampler2D u_bloom_wide;
uniform vec2 u_texel;        // 1 / size of u_image
uniform vec2 u_dir;          // blur direction in texels
uniform float u_bloom_strength;
uniform float u_threshold;
uniform float u_spread;     // tap offset in source texels: ½ for a 2× step, 1 for 4×

#if defined VERTEX_SHADER
out vec2 v_uv;
void main() {
    vec2 ndc = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
    v_uv = ndc * 0.5 + 0.5;
    gl_Position = vec4(ndc, 0.0, 1.0);
}

#elif defined FRAGMENT_SHADER
in vec2 v_uv;
out vec4 f_color;

// Identity below the knee, then a soft shoulder towards 1: dark skies keep their exact palette colours
// while glows roll off instead of clipping.
vec3 tone(vec3 c) {
    const float knee = 0.7;
    vec3 over = max(c - knee, 0.0);
    vec3 soft = knee + (1.0 - knee) * (1.0 - exp(-over / (1.0 - knee)));
    return mix(c, soft, step(knee, c));
}

vec3 to_srgb(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}

void main() {
#if MODE == 0
    // 4 bilinear taps: the smaller image, keeping only what is brighter than the threshold.
    vec3 c = vec3(0.0);
    vec2 o = u_texel * u_spread;
    c += texture(u_image, v_uv + vec2(-o.x, -o.y)).rgb;
    c += texture(u_image, v_uv + vec2(o.x, -o.y)).rgb;
    c += texture(u_image, v_uv + vec2(-o.x, o.y)).rgb;
    c += texture(u_image, v_uv + vec2(o.x, o.y)).rgb;
    c *= 0.25;
    if (any(isnan(c)) || any(isinf(c))) c = vec3(0.0);   // one bad pixel must not smear through the bloom
    float l = luminance(c);
    f_color = vec4(c * (max(l - u_threshold, 0.0) / max(l, 1e-4)), 1.0);
#elif MODE == 1
    // 9-tap Gaussian through bilinear taps (weights of a 17-wide kernel).
    vec3 c = texture(u_image, v_uv).rgb * 0.1964825501511404;
    vec2 o1 = u_dir * u_texel * 1.411764705882353;
    vec2 o2 = u_dir * u_texel * 3.2941176470588234;
    vec2 o3 = u_dir * u_texel * 5.176470588235294;
    c += (texture(u_image, v_uv + o1).rgb + texture(u_image, v_uv - o1).rgb) * 0.2969069646728344;
    c += (texture(u_image, v_uv + o2).rgb + texture(u_image, v_uv - o2).rgb) * 0.09447039785044732;
    c += (texture(u_image, v_uv + o3).rgb + texture(u_image, v_uv - o3).rgb) * 0.010381362401148057;
    f_color = vec4(c, 1.0);
#else
    vec3 bloom = texture(u_bloom, v_uv).rgb * 0.6 + texture(u_bloom_wide, v_uv).rgb * 0.4;
    vec3 c = texture(u_image, v_uv).rgb + bloom * u_bloom_strength;
    // Half a step of deterministic dither in sRGB hides the banding of dark, slow gradients.
    float dither = (hash12(gl_FragCoord.xy) - 0.5) / 255.0;
    f_color = vec4(to_srgb(tone(c)) + dither, 1.0);
#endif
}
#endif
