/* One Adam step of one variable in a single pass: NumPy's form makes about ten passes over the arrays, each
 * reading and writing memory; here each element of w, g, m and v is read once and w, m and v written once.
 * The arithmetic is that of Adam.apply_updates (adam.py), in the same order. */

#include <math.h>
#include <stdint.h>

void adam_update(int64_t n, float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
                 float alpha, float one_minus_beta_1, float one_minus_beta_2, float epsilon) {
    for (int64_t k = 0; k < n; k++) {
        float gk = g[k];
        float mk = m[k] + (gk - m[k]) * one_minus_beta_1;
        float vk = v[k] + (gk * gk - v[k]) * one_minus_beta_2;
        m[k] = mk;
        v[k] = vk;
        w[k] -= mk / (sqrtf(vk) + epsilon) * alpha;
    }
}
