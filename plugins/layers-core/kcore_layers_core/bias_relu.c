/* The relu tail of Dense and the convolution layers (fused.py) in one pass each way. NumPy needs two passes for
 * the forward (the bias add broadcasts in short inner loops, and maximum checks every element for NaN) and two
 * for the gradient (a boolean mask, then a product). Each function covers rows [start, stop), so that
 * kcore_backend_numpy.native.split can share a batch between threads. */

#include <stdint.h>

/* y[r, c] = max(x[r, c] + bias[c], 0) for r in [start, stop); y may be x. */
void bias_relu(int64_t start, int64_t stop, int64_t channels, const float *x, const float *restrict bias,
               float *y) {
    for (int64_t r = start; r < stop; r++) {
        const float *xr = x + r * channels;
        float *yr = y + r * channels;
        for (int64_t c = 0; c < channels; c++) {
            float v = xr[c] + bias[c];
            yr[c] = v > 0.0f ? v : 0.0f;
        }
    }
}

/* out[k] = g[k] where y[k] > 0, else 0, for k in [start, stop): the gradient through relu, from its output. */
void relu_gradient(int64_t start, int64_t stop, const float *restrict g, const float *restrict y,
                   float *restrict out) {
    for (int64_t k = start; k < stop; k++) out[k] = y[k] > 0.0f ? g[k] : 0.0f;
}
