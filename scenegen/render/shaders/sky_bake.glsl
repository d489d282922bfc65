// The sky bake: one full-screen triangle over an equirectangular target, columns along the azimuth
// atan(x, −z) from −π to π, rows from the nadir up to the zenith. SKY_BAKE_PART 0 writes the nebula's
// glow, 1 the gradient's weights of the palette colours, 2 the streaks as one affine map (col·a + rgb);
// sky_mirror() reads the three.
#include "sky_common.glsl"

uniform vec2 u_bake_size;

#if defined VERTEX_SHADER
void main() {
    vec2 ndc = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
    gl_Position = vec4(ndc, 0.0, 1.0);
}

#elif defined FRAGMENT_SHADER
out vec4 f_color;
void main() {
    vec2 uv = gl_FragCoord.xy / u_bake_size;
    float az = (uv.x - 0.5) * TAU;
    float el = (uv.y - 0.5) * PI;
    vec3 dir = vec3(cos(el) * sin(az), sin(el), -cos(el) * cos(az));
#if SKY_BAKE_PART == 0
    f_color = vec4(sky_nebula_glow(dir, el), 1.0);
#elif SKY_BAKE_PART == 1
    f_color = vec4(sky_gradient_weights(dir), 1.0);
#else
    f_color = sky_streaks_over(dir, az, el);
#endif
}
#endif
