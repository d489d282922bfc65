// The countdown's chronometer (gen/chronometer.py): an hourglass of grains with a seven-segment readout of
// the time left, every particle placed here from its fixed record and the State's countdown (time left,
// its swirl's clock, visibility) where the countdown cue puts it, its face turned to the eye. Grain u sits in the upper bulb while more than 1 − u of the time is left and in the
// lower one after, each bulb stacked by rank; a thin stream falls through the waist while time runs; the
// heaps turn about the axis, faster as the State's swirl grows. Point sprites, light added on.
#include "common.glsl"

uniform mat4 u_view_proj_matrix;
uniform mat4 u_proj_matrix;
uniform vec2 u_viewport;
uniform float u_max_point;
uniform vec3 u_chrono_center;
uniform vec3 u_chrono_right;
uniform vec3 u_chrono_face;
uniform float u_half;            // half-height, metres
uniform vec4 u_count;            // seconds left, share left 0…1, swirl angle (radians), visibility 0…1
uniform vec3 u_grain_color;
uniform float u_grain_size;      // a grain's size in half-heights (the style's; a_size is in grains)
uniform vec2 u_look;             // twinkle depth, mercury shimmer
const float NECK = 0.06;         // gen/chronometer.py's NECK and BULB
const float BULB = 0.55;
const int DIGITS[10] = int[10](0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F);
const vec4 SEGMENT[7] = vec4[7](vec4(0.0, 1.0, 0.5, 1.0), vec4(0.5, 1.0, 0.5, 0.5), vec4(0.5, 0.5, 0.5, 0.0),
                                vec4(0.0, 0.0, 0.5, 0.0), vec4(0.0, 0.0, 0.0, 0.5), vec4(0.0, 0.5, 0.0, 1.0),
                                vec4(0.0, 0.5, 0.5, 0.5));

#if defined VERTEX_SHADER
in float a_kind;
in vec4 a_param;
in float a_size;
in vec2 a_twinkle;
out vec3 v_color;
out float v_shimmer;

float profile(float a) {
    a = clamp(a, 0.0, 1.0);
    return NECK + (BULB - NECK) * pow(sin(PI * a), 0.6) * (1.0 - 0.25 * a);
}

void main() {
    float share = clamp(u_count.y, 0.0, 1.0);
    vec3 local = vec3(0.0);
    float light = 1.0;
    int kind = int(a_kind + 0.5);
    if (kind == 0) {
        float u = a_param.x;
        bool above = u >= 1.0 - share;
        // Stacked by rank: the last grain to fall lies lowest in the upper bulb, the first lowest in the lower.
        float a = above ? 0.06 + 0.82 * (1.0 - u) : 0.94 - 0.82 * u;
        float r = profile(a) * 0.9 * a_param.z;
        // The heaps swirl, the inner grains faster: a vortex draining through the waist.
        float ang = a_param.y + u_count.z * (1.3 - 0.6 * a_param.z);
        local = vec3(r * cos(ang), above ? a : -a, r * sin(ang));
        local.y += (a_param.w - 0.5) * 0.02;
    } else if (kind == 1) {
        // The falling stream: only while the time runs, from the waist to the lower heap's top.
        float floor_y = -(0.94 - 0.82 * (1.0 - share));
        float s = fract(u_time * 1.6 + a_param.x);
        float running = step(0.0005, share) * step(share, 0.9995);
        local = vec3(NECK * 0.5 * a_param.z * cos(a_param.y), mix(0.0, floor_y, s), NECK * 0.5 * a_param.z * sin(a_param.y));
        light = running * 1.2;
    } else if (kind == 2) {
        float a = abs(a_param.x);
        float r = profile(a);
        local = vec3(r * cos(a_param.y), a_param.x, r * sin(a_param.y));
        light = 0.18;
    } else {
        // The readout, MM:SS of the seconds left (rounded up: 0:00 only when the time is out), above the glass.
        float left = max(ceil(u_count.x - 1e-4), 0.0);
        int minutes = int(min(floor(left / 60.0), 99.0));
        int seconds = int(mod(left, 60.0));
        int slot = int(a_param.x + 0.5);
        vec2 cell;
        if (slot == 4) {
            cell = vec2(0.0, 0.3 + 0.4 * a_param.y) + (a_param.zw - 0.5) * 0.05;
        } else {
            int digit = slot == 0 ? minutes / 10 : slot == 1 ? minutes % 10 : slot == 2 ? seconds / 10 : seconds % 10;
            int seg = int(a_param.y + 0.5);
            vec4 e = SEGMENT[seg];
            vec2 p = mix(e.xy, e.zw, a_param.z);
            float on = float((DIGITS[digit] >> seg) & 1);
            light = mix(0.012, 1.4, on);
            float x0 = slot < 2 ? -1.25 + 0.7 * float(slot) : 0.25 + 0.7 * float(slot - 2);
            cell = vec2(x0, 0.0) + p + (a_param.w - 0.5) * 0.015;
        }
        local = vec3(cell.x * 0.45, 1.2 + cell.y * 0.45, 0.0);
    }
    vec3 up = vec3(0.0, 1.0, 0.0);
    vec3 world = u_chrono_center + (u_chrono_right * local.x + up * local.y + u_chrono_face * local.z) * u_half;
    gl_Position = u_view_proj_matrix * vec4(world, 1.0);
    float px = a_size * u_grain_size * u_half * u_proj_matrix[1][1] * 0.5 * u_viewport.y / max(gl_Position.w, 1e-4);
    float side = clamp(px * 3.0, 1.5, u_max_point);
    gl_PointSize = side;
    float kept = min(1.0, (px * 3.0) * (px * 3.0) / (side * side));
    float tw = 1.0 - u_look.x * (0.5 - 0.5 * sin(a_twinkle.x * u_time * TAU + a_twinkle.y));
    v_color = u_grain_color * light * tw * kept * u_count.w * 1.4;
    v_shimmer = u_look.y;
}

#elif defined FRAGMENT_SHADER
in vec3 v_color;
in float v_shimmer;
out vec4 f_color;
void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(p, p);
    if (r2 > 1.0) discard;
    float glow = exp(-r2 * 6.0);
    // Mercury: each bead a small mirror, a bright spot up and to the left.
    vec2 q = p - vec2(-0.3, -0.3);
    glow += v_shimmer * 1.5 * exp(-dot(q, q) * 40.0);
    f_color = vec4(v_color * glow, 1.0);
}
#endif
