/* One LSTM timestep, forward and backward, in a single pass over the batch's units.
 *
 * The NumPy form of a step makes about fifteen passes over (batch, units) blocks, one ufunc call each, and on a
 * 32 x 256 step those calls cost more than their arithmetic. Here every loop is one pass that the compiler
 * vectorises; the matrix products stay in NumPy's BLAS. Layouts are those of ops/lstm.py: gate-major, each
 * gate of a step one contiguous block of n = batch * units floats, passed as `z` = the four blocks' addresses.
 *
 * The pre-activations arrive scaled as ops/lstm.py scales them (-1 for i, f, o and -2 for the candidate), so
 * every gate is 1 / (1 + exp(z)) and the candidate is 2 / (1 + exp(z)) - 1 = tanh.
 */

#include <stdint.h>
#include <string.h>

/* exp(x) for float32 to about 2 ulp: x = k ln2 + r with |r| <= ln2 / 2, exp(r) by a degree-6 polynomial (the
 * Cephes coefficients), 2^k by writing the exponent bits. Clamped so that 2^k stays a normal float: the gates
 * only need exp to saturate, and 1 / (1 + 2^127) is 0 to float32. Branch-free, so that the loops vectorise. */
static inline float exp_clamped(float x) {
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    const float shifter = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    float k = (x * 1.44269504088896341f + shifter) - shifter;
    float r = x - k * 0.693359375f;
    r = r + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t bits = ((int32_t)k + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float reciprocal_one_plus_exp(float z) { return 1.0f / (1.0f + exp_clamped(z)); }

/* z: the four blocks of the step's scaled pre-activations without the recurrent term; on return, the gates
 * i, f, g, o. recurrent: h_{t-1} @ R for the step, four contiguous blocks of n (scaled like z).
 *
 * In three passes rather than one: an element's five exps form long chains of dependent operations, and a
 * single pass holding all five does not leave the CPU enough independent work to overlap them (20% slower). */
void lstm_forward_step(int64_t n, float *restrict zi, float *restrict zf, float *restrict zg, float *restrict zo,
                       const float *restrict recurrent, const float *restrict c_prev, float *restrict c,
                       float *restrict tanh_c, float *restrict h) {
    const float *restrict ri = recurrent, *restrict rf = recurrent + n;
    const float *restrict rg = recurrent + 2 * n, *restrict ro = recurrent + 3 * n;
    for (int64_t k = 0; k < n; k++) {
        zi[k] = reciprocal_one_plus_exp(zi[k] + ri[k]);
        zf[k] = reciprocal_one_plus_exp(zf[k] + rf[k]);
    }
    for (int64_t k = 0; k < n; k++) {
        zg[k] = 2.0f * reciprocal_one_plus_exp(zg[k] + rg[k]) - 1.0f;
        zo[k] = reciprocal_one_plus_exp(zo[k] + ro[k]);
    }
    for (int64_t k = 0; k < n; k++) {
        float ck = zf[k] * c_prev[k] + zi[k] * zg[k];
        float t = 2.0f * reciprocal_one_plus_exp(-2.0f * ck) - 1.0f;
        c[k] = ck;
        tanh_c[k] = t;
        h[k] = zo[k] * t;
    }
}

/* out = the sum of the four contiguous blocks of n in per_gate (the previous step's dz @ R.T), plus `addend`
 * when given. */
void sum_gate_blocks(int64_t n, const float *restrict per_gate, const float *restrict addend, float *restrict out) {
    if (addend) {
        for (int64_t k = 0; k < n; k++)
            out[k] = per_gate[k] + per_gate[n + k] + per_gate[2 * n + k] + per_gate[3 * n + k] + addend[k];
    } else {
        for (int64_t k = 0; k < n; k++)
            out[k] = per_gate[k] + per_gate[n + k] + per_gate[2 * n + k] + per_gate[3 * n + k];
    }
}

/* z: the step's gates i, f, g, o as the forward step left them. dh: the gradient reaching h_t. dc: the one
 * reaching c_t; on return, the one reaching c_{t-1}. d: the four blocks of the gradients of the (unscaled)
 * pre-activations, written. */
void lstm_backward_step(int64_t n, const float *restrict zi, const float *restrict zf, const float *restrict zg,
                        const float *restrict zo, const float *restrict tanh_c, const float *restrict c_prev,
                        const float *restrict dh, float *restrict dc, float *restrict di, float *restrict df,
                        float *restrict dg, float *restrict d_o) {
    for (int64_t k = 0; k < n; k++) {
        float i = zi[k], f = zf[k], g = zg[k], o = zo[k], t = tanh_c[k], dhk = dh[k];
        float dck = dc[k] + dhk * o * (1.0f - t * t);
        di[k] = dck * g * i * (1.0f - i);
        df[k] = dck * c_prev[k] * f * (1.0f - f);
        dg[k] = dck * i * (1.0f - g * g);
        d_o[k] = dhk * t * o * (1.0f - o);
        dc[k] = dck * f;
    }
}
