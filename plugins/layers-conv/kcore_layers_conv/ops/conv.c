/* The im2col matrix of a convolution where no gradient is wanted (inference), for conv_native.py, over a range
 * [start, stop) of batch items, so that native.split can share a batch between threads.
 *
 * Both functions copy the windows of the input into the matrix that windows.im2col makes, to the bit, which NumPy's
 * BLAS then multiplies by the kernel: so the values are those of the op as written. They build it without NumPy's
 * strided view (whose setup costs more than the copy on a small batch) and strided copy (whose inner loop is one
 * channel run long), and write the zero padding in place (no padded copy of the input). `im2col` makes the matrix
 * row by row, one window a row; `im2col_transposed` makes its transpose, one kernel tap and channel a row, the
 * layout windows.im2col uses for inputs with few channels.
 *
 * Layout: channels last and contiguous, every call seen as 3D: x is (batch, D, H, W, C) and the windows are
 * (batch, OD, OH, OW); a 2D call has D = 1 (kernel 1, stride 1, dilation 1, no padding), a 1D call D = H = 1.
 * `g` (the geometry) holds, in order: C, D, H, W, OD, OH, OW, KD, KH, KW, SD, SH, SW, the dilations DD, DH, DW,
 * the padding before each axis PD, PH, PW, and the batch size N. Positions outside the input read as zeros
 * (padding="same" or "causal"; the padding after needs no number).
 */

#include <stdint.h>
#include <string.h>

enum { C_, D_, H_, W_, OD_, OH_, OW_, KD_, KH_, KW_, SD_, SH_, SW_, DD_, DH_, DW_, PD_, PH_, PW_, N_ };

/* dst[0:n] = src[0:n] (or zeros where src is NULL): memcpy and memset are calls, too slow for the runs of a few
 * floats of an input with few channels, so short runs are moved here. */
static inline void move(float *restrict dst, const float *restrict src, int64_t n) {
    if (n > 16) {
        if (src)
            memcpy(dst, src, (size_t)n * sizeof(float));
        else
            memset(dst, 0, (size_t)n * sizeof(float));
        return;
    }
    for (int64_t i = 0; i < n; i++)
        dst[i] = src ? src[i] : 0.0f;
}

/* The window of output (od, oh, ow) of batch item xn, as one row of KD * KH * KW * C values. */
static void window_row(const int64_t *restrict g, const float *restrict xn, int64_t od, int64_t oh, int64_t ow,
                       float *restrict row) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_], KD = g[KD_], KH = g[KH_], KW = g[KW_];
    const int64_t iw0 = ow * g[SW_] - g[PW_];
    const int contiguous = g[DW_] == 1 && iw0 >= 0 && iw0 + KW <= W;  /* a whole kernel row is one run */
    for (int64_t kd = 0; kd < KD; kd++) {
        const int64_t id = od * g[SD_] - g[PD_] + kd * g[DD_];
        for (int64_t kh = 0; kh < KH; kh++) {
            const int64_t ih = oh * g[SH_] - g[PH_] + kh * g[DH_];
            if (id < 0 || id >= D || ih < 0 || ih >= H) {
                move(row, NULL, KW * C);
            } else if (contiguous) {
                move(row, xn + ((id * H + ih) * W + iw0) * C, KW * C);
            } else {
                for (int64_t kw = 0; kw < KW; kw++) {
                    const int64_t iw = iw0 + kw * g[DW_];
                    move(row + kw * C, iw < 0 || iw >= W ? NULL : xn + ((id * H + ih) * W + iw) * C, C);
                }
            }
            row += KW * C;
        }
    }
}

/* cols: (batch * OD * OH * OW, KD * KH * KW * C), the rows of batch items [start, stop). */
void im2col(int64_t start, int64_t stop, const float *restrict x, float *restrict cols, const int64_t *restrict g) {
    const int64_t item = g[D_] * g[H_] * g[W_] * g[C_], width = g[KD_] * g[KH_] * g[KW_] * g[C_];
    for (int64_t n = start; n < stop; n++)
        for (int64_t od = 0, r = n * g[OD_] * g[OH_] * g[OW_]; od < g[OD_]; od++)
            for (int64_t oh = 0; oh < g[OH_]; oh++)
                for (int64_t ow = 0; ow < g[OW_]; ow++, r++)
                    window_row(g, x + n * item, od, oh, ow, cols + r * width);
}

/* cols: (KD * KH * KW * C, N * OD * OH * OW), the columns of batch items [start, stop). */
void im2col_transposed(int64_t start, int64_t stop, const float *restrict x, float *restrict cols,
                       const int64_t *restrict g) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_], OD = g[OD_], OH = g[OH_], OW = g[OW_];
    const int64_t item = D * H * W * C, outputs = OD * OH * OW, total = g[N_] * outputs;
    float *restrict row = cols;
    for (int64_t kd = 0; kd < g[KD_]; kd++)
        for (int64_t kh = 0; kh < g[KH_]; kh++)
            for (int64_t kw = 0; kw < g[KW_]; kw++)
                for (int64_t c = 0; c < C; c++, row += total)
                    for (int64_t n = start; n < stop; n++) {
                        float *restrict to = row + n * outputs;
                        for (int64_t od = 0; od < OD; od++) {
                            const int64_t id = od * g[SD_] - g[PD_] + kd * g[DD_];
                            for (int64_t oh = 0; oh < OH; oh++, to += OW) {
                                const int64_t ih = oh * g[SH_] - g[PH_] + kh * g[DH_];
                                if (id < 0 || id >= D || ih < 0 || ih >= H) {
                                    for (int64_t ow = 0; ow < OW; ow++)
                                        to[ow] = 0.0f;
                                    continue;
                                }
                                /* iw = ow * SW + first lies inside the input for ow in [lo, hi) */
                                const int64_t SW = g[SW_], first = kw * g[DW_] - g[PW_];
                                const int64_t lo = first >= 0 ? 0 : (-first + SW - 1) / SW;
                                int64_t hi = first < W ? (W - first + SW - 1) / SW : 0;
                                hi = hi < OW ? hi : OW;
                                const float *restrict from = x + n * item + (id * H + ih) * W * C + c;
                                int64_t ow = 0;
                                for (; ow < lo && ow < OW; ow++)
                                    to[ow] = 0.0f;
                                for (; ow < hi; ow++)
                                    to[ow] = from[(ow * SW + first) * C];
                                for (; ow < OW; ow++)
                                    to[ow] = 0.0f;
                            }
                        }
                    }
}
