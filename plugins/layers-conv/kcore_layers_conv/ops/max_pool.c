/* max_pool, forward and backward, each one pass over a range of batch items.
 *
 * The NumPy form of ops/pooling.py makes one pass over the whole batch per window tap, plus bool temporaries for
 * the winners and for the gradient's routing. Here each output position reads its window once, and the gradient
 * writes each input position once (or, for overlapping windows, adds tap by tap into one batch item that stays
 * in cache). Both take a range [start, stop) of batch items, so that native.split can run parts of a batch on
 * several threads: different batch items never share an element, so no two threads write the same one.
 *
 * Layout: channels last and contiguous, every call seen as 3D: x is (batch, D, H, W, C) and the output and the
 * winners are (batch, OD, OH, OW, C); a 2D call has D = 1, a 1D call D = H = 1 (their kernel, stride 1, no pad).
 * `g` (the geometry) holds, in order: C, D, H, W, OD, OH, OW, KD, KH, KW, SD, SH, SW, and the padding before
 * each axis PD, PH, PW (padding="same"; the padding after needs no number: positions outside the input are
 * skipped, which is what padding with -inf amounts to, since -inf never wins).
 *
 * Semantics are those of the op as written, to the bit:
 *   - the winner of a window is its first tap, in row-major order over (kd, kh, kw), with the largest value:
 *     a later tap wins only when strictly greater than the running maximum;
 *   - a NaN in a window makes its maximum NaN (as numpy.maximum does), and a NaN never wins;
 *   - the gradient of an input is g * (winner == its tap), summed over the windows it lies in tap by tap, in
 *     tap order (the op's order of floating-point additions).
 */

#include <math.h>
#include <stdint.h>
#include <string.h>

enum { C_, D_, H_, W_, OD_, OH_, OW_, KD_, KH_, KW_, SD_, SH_, SW_, PD_, PH_, PW_ };

/* Eight channels at a time in registers (GCC's and clang's vector extensions; without AVX the compiler splits
 * them): the running maximum and winner of eight outputs stay in two registers over the whole window. */
typedef float f32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));

/* One window's taps inside the input: their offsets into the batch item, and their numbers in window order. At
 * most 255 (the winners are bytes): pooling_native.py hands larger windows to the op as written. */
static int64_t window_taps(const int64_t *restrict g, int64_t od, int64_t oh, int64_t ow, int64_t *restrict offset,
                           int32_t *restrict number) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_];
    const int64_t KD = g[KD_], KH = g[KH_], KW = g[KW_];
    int64_t count = 0;
    for (int64_t kd = 0; kd < KD; kd++) {
        const int64_t id = od * g[SD_] - g[PD_] + kd;
        if (id < 0 || id >= D)
            continue;
        for (int64_t kh = 0; kh < KH; kh++) {
            const int64_t ih = oh * g[SH_] - g[PH_] + kh;
            if (ih < 0 || ih >= H)
                continue;
            for (int64_t kw = 0; kw < KW; kw++) {
                const int64_t iw = ow * g[SW_] - g[PW_] + kw;
                if (iw < 0 || iw >= W)
                    continue;
                offset[count] = ((id * H + ih) * W + iw) * C;
                number[count++] = (int32_t)((kd * KH + kh) * KW + kw);
            }
        }
    }
    return count;
}

/* The maximum of each window and its winning tap. Channels go in chunks of CHUNK, their winners kept as int32 and
 * narrowed to bytes in one loop per chunk (which the compiler vectorises; narrowing each register of eight on its
 * own does not). */
#define CHUNK 256

void max_pool_forward(int64_t start, int64_t stop, const float *restrict x, float *restrict out,
                      uint8_t *restrict winner, const int64_t *restrict g) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_], OD = g[OD_], OH = g[OH_], OW = g[OW_];
    int64_t offset[255];
    int32_t number[255], won[CHUNK];
    for (int64_t n = start; n < stop; n++) {
        const float *restrict xn = x + n * D * H * W * C;
        for (int64_t od = 0; od < OD; od++)
            for (int64_t oh = 0; oh < OH; oh++)
                for (int64_t ow = 0; ow < OW; ow++) {
                    const int64_t o = (((n * OD + od) * OH + oh) * OW + ow) * C;
                    const int64_t count = window_taps(g, od, oh, ow, offset, number);
                    for (int64_t c0 = 0; c0 < C; c0 += CHUNK) {
                        const int64_t m = C - c0 < CHUNK ? C - c0 : CHUNK;
                        const float *restrict xc = xn + c0;
                        float *restrict best_out = out + o + c0;
                        int64_t c = 0;
                        for (; c + 8 <= m; c += 8) {
                            f32x8 best = {-INFINITY, -INFINITY, -INFINITY, -INFINITY,
                                       -INFINITY, -INFINITY, -INFINITY, -INFINITY};
                            i32x8 tap = {0};
                            for (int64_t k = 0; k < count; k++) {
                                f32x8 a;
                                memcpy(&a, xc + offset[k] + c, sizeof a);
                                const i32x8 greater = a > best, take = greater | (a != a);
                                tap = (tap & ~greater) | (number[k] & greater);
                                best = (f32x8)(((i32x8)best & ~take) | ((i32x8)a & take));
                            }
                            memcpy(best_out + c, &best, sizeof best);
                            memcpy(won + c, &tap, sizeof tap);
                        }
                        for (; c < m; c++) {
                            float best = -INFINITY;
                            int32_t tap = 0;
                            for (int64_t k = 0; k < count; k++) {
                                const float a = xc[offset[k] + c];
                                tap = a > best ? number[k] : tap;
                                best = (a > best || a != a) ? a : best;
                            }
                            best_out[c] = best;
                            won[c] = tap;
                        }
                        uint8_t *restrict won_out = winner + o + c0;
                        for (c = 0; c < m; c++)
                            won_out[c] = (uint8_t)won[c];
                    }
                }
    }
}

/* The largest of `a` and `best`, as max_pool_forward takes it: `a` when strictly greater, or a NaN. */
static inline f32x8 take_larger(f32x8 best, f32x8 a) {
    const i32x8 take = (a > best) | (a != a);
    return (f32x8)(((i32x8)best & ~take) | ((i32x8)a & take));
}

/* The maximum of each window alone, for inference (no gradient, so no winners): the values of max_pool_forward,
 * NaNs included. Four registers of channels go through the window at once, so that four independent chains of
 * comparisons hide each other's latency. */
void max_pool_values(int64_t start, int64_t stop, const float *restrict x, float *restrict out,
                     const int64_t *restrict g) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_], OD = g[OD_], OH = g[OH_], OW = g[OW_];
    const f32x8 lowest = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
    const int64_t KD = g[KD_], KH = g[KH_], KW = g[KW_];
    int64_t offset[255], inside[255];
    int32_t number[255];
    /* the taps of a window that lies wholly inside the input, relative to its first: most windows are such */
    for (int64_t kd = 0, k = 0; kd < KD; kd++)
        for (int64_t kh = 0; kh < KH; kh++)
            for (int64_t kw = 0; kw < KW; kw++)
                inside[k++] = ((kd * H + kh) * W + kw) * C;
    for (int64_t n = start; n < stop; n++) {
        const float *restrict xn = x + n * D * H * W * C;
        for (int64_t od = 0; od < OD; od++)
            for (int64_t oh = 0; oh < OH; oh++)
                for (int64_t ow = 0; ow < OW; ow++) {
                    float *restrict best_out = out + (((n * OD + od) * OH + oh) * OW + ow) * C;
                    const int64_t id = od * g[SD_] - g[PD_], ih = oh * g[SH_] - g[PH_], iw = ow * g[SW_] - g[PW_];
                    int64_t count = KD * KH * KW;
                    if (id >= 0 && ih >= 0 && iw >= 0 && id + KD <= D && ih + KH <= H && iw + KW <= W) {
                        const int64_t first = ((id * H + ih) * W + iw) * C;
                        for (int64_t k = 0; k < count; k++)
                            offset[k] = first + inside[k];
                    } else {
                        count = window_taps(g, od, oh, ow, offset, number);
                    }
                    int64_t c = 0;
                    for (; c + 32 <= C; c += 32) {
                        f32x8 b0 = lowest, b1 = lowest, b2 = lowest, b3 = lowest;
                        for (int64_t k = 0; k < count; k++) {
                            const float *restrict from = xn + offset[k] + c;
                            f32x8 a0, a1, a2, a3;
                            memcpy(&a0, from, sizeof a0);
                            memcpy(&a1, from + 8, sizeof a1);
                            memcpy(&a2, from + 16, sizeof a2);
                            memcpy(&a3, from + 24, sizeof a3);
                            b0 = take_larger(b0, a0);
                            b1 = take_larger(b1, a1);
                            b2 = take_larger(b2, a2);
                            b3 = take_larger(b3, a3);
                        }
                        memcpy(best_out + c, &b0, sizeof b0);
                        memcpy(best_out + c + 8, &b1, sizeof b1);
                        memcpy(best_out + c + 16, &b2, sizeof b2);
                        memcpy(best_out + c + 24, &b3, sizeof b3);
                    }
                    for (; c + 8 <= C; c += 8) {
                        f32x8 best = lowest;
                        for (int64_t k = 0; k < count; k++) {
                            f32x8 a;
                            memcpy(&a, xn + offset[k] + c, sizeof a);
                            best = take_larger(best, a);
                        }
                        memcpy(best_out + c, &best, sizeof best);
                    }
                    for (; c < C; c++) {
                        float best = -INFINITY;
                        for (int64_t k = 0; k < count; k++) {
                            const float a = xn[offset[k] + c];
                            best = (a > best || a != a) ? a : best;
                        }
                        best_out[c] = best;
                    }
                }
    }
}

/* Windows that do not overlap (every stride >= its kernel): each input position lies in at most one window, at
 * one tap, so each is written once: g times whether that tap won, or 0 outside every window. Along each axis,
 * position i lies in window (i + pad) / stride at tap (i + pad) % stride, if that tap is < kernel and that window
 * exists; both are stepped along with i rather than divided for. */
static void route_disjoint(int64_t n, const float *restrict gy, const uint8_t *restrict winner, float *restrict gx,
                           const int64_t *restrict g) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_], OD = g[OD_], OH = g[OH_], OW = g[OW_];
    const int64_t KD = g[KD_], KH = g[KH_], KW = g[KW_], SD = g[SD_], SH = g[SH_], SW = g[SW_];
    int64_t od = g[PD_] / SD, rd = g[PD_] % SD;
    for (int64_t id = 0; id < D; id++) {
        const int in_d = rd < KD && od < OD;
        int64_t oh = g[PH_] / SH, rh = g[PH_] % SH;
        for (int64_t ih = 0; ih < H; ih++) {
            const int in_dh = in_d && rh < KH && oh < OH;
            int64_t ow = g[PW_] / SW, rw = g[PW_] % SW;
            for (int64_t iw = 0; iw < W; iw++) {
                float *restrict to = gx + (((n * D + id) * H + ih) * W + iw) * C;
                if (in_dh && rw < KW && ow < OW) {
                    const uint8_t t = (uint8_t)((rd * KH + rh) * KW + rw);
                    const int64_t o = (((n * OD + od) * OH + oh) * OW + ow) * C;
                    const float *restrict from = gy + o;
                    const uint8_t *restrict won = winner + o;
                    for (int64_t c = 0; c < C; c++)
                        to[c] = from[c] * (float)(won[c] == t);
                } else {
                    for (int64_t c = 0; c < C; c++)
                        to[c] = 0.0f;
                }
                if (++rw == SW) {
                    rw = 0;
                    ow++;
                }
            }
            if (++rh == SH) {
                rh = 0;
                oh++;
            }
        }
        if (++rd == SD) {
            rd = 0;
            od++;
        }
    }
}

/* Overlapping windows: an input position may take gradient from several windows. Zero the batch item, then add
 * tap by tap, as the op does (so the sums are added in the same order); one tap reaches each position at most
 * once. */
static void route_overlapping(int64_t n, const float *restrict gy, const uint8_t *restrict winner,
                              float *restrict gx, const int64_t *restrict g) {
    const int64_t C = g[C_], D = g[D_], H = g[H_], W = g[W_], OD = g[OD_], OH = g[OH_], OW = g[OW_];
    const int64_t KD = g[KD_], KH = g[KH_], KW = g[KW_], SD = g[SD_], SH = g[SH_], SW = g[SW_];
    const int64_t PD = g[PD_], PH = g[PH_], PW = g[PW_];
    float *restrict xn = gx + n * D * H * W * C;
    memset(xn, 0, (size_t)(D * H * W * C) * sizeof(float));
    for (int64_t kd = 0; kd < KD; kd++)
        for (int64_t kh = 0; kh < KH; kh++)
            for (int64_t kw = 0; kw < KW; kw++) {
                const uint8_t t = (uint8_t)((kd * KH + kh) * KW + kw);
                for (int64_t od = 0; od < OD; od++) {
                    const int64_t id = od * SD - PD + kd;
                    if (id < 0 || id >= D)
                        continue;
                    for (int64_t oh = 0; oh < OH; oh++) {
                        const int64_t ih = oh * SH - PH + kh;
                        if (ih < 0 || ih >= H)
                            continue;
                        for (int64_t ow = 0; ow < OW; ow++) {
                            const int64_t iw = ow * SW - PW + kw;
                            if (iw < 0 || iw >= W)
                                continue;
                            const int64_t o = (((n * OD + od) * OH + oh) * OW + ow) * C;
                            const float *restrict from = gy + o;
                            const uint8_t *restrict won = winner + o;
                            float *restrict to = xn + ((id * H + ih) * W + iw) * C;
                            for (int64_t c = 0; c < C; c++)
                                to[c] += from[c] * (float)(won[c] == t);
                        }
                    }
                }
            }
}

/* gy: the output's gradient; gx: the input's, written whole for batch items [start, stop). */
void max_pool_backward(int64_t start, int64_t stop, const float *restrict gy, const uint8_t *restrict winner,
                       float *restrict gx, const int64_t *restrict g) {
    const int disjoint = g[SD_] >= g[KD_] && g[SH_] >= g[KH_] && g[SW_] >= g[KW_];
    for (int64_t n = start; n < stop; n++) {
        if (disjoint)
            route_disjoint(n, gy, winner, gx, g);
        else
            route_overlapping(n, gy, winner, gx, g);
    }
}
