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
#include <stdlib.h>
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

/* ---- whole sequences, the units shared among the members of kcore's thread team (kcore_backend_numpy/team.c) ----
 *
 * Layouts here are Keras's: a step's pre-activations are one (batch, 4 units) row-major matrix, gates i, f, g, o
 * side by side, so that every product of the backward pass is one matrix product in the weights' own layout.
 * Each member owns a slice of the units: it multiplies h by its columns of the recurrent kernel (packed once,
 * so that a step is one product), runs the elementwise step on its slice, and meets the others at a barrier,
 * after which the whole new h (or the whole step's gradients) can be read. The products are NumPy's OpenBLAS,
 * single-threaded inside the team. */


typedef void (*sgemm64)(int order, int transa, int transb, int64_t m, int64_t n, int64_t k, float alpha,
                        const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
typedef void (*team_task)(void *context, int member, int members);
typedef void (*team_run)(team_task task, void *context, int members);
typedef void (*team_barrier)(void);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

struct lstm_sequence {
    int64_t time, batch, units;
    float *z;              /* (time, batch, 4u): forward, the scaled input projections, turned into the gates */
    const float *r;        /* (u, 4u): the recurrent kernel (forward: scaled as z is) */
    float *hs, *cs;        /* (time + 1, batch, u): the states, the initial ones first */
    float *tanh_c;         /* (time, batch, u) */
    const float *d_out;    /* backward: (time, batch, u), the gradients of the outputs */
    float *dh, *dc;        /* backward: (batch, u), in: those of the final states; out: dh of h_0, dc of c_{-1} */
    float *dz;             /* backward: (time, batch, 4u), written: the gradients of the pre-activations */
    sgemm64 sgemm;
    team_barrier barrier;
    int failed;            /* set where a member could not allocate its buffers: nothing was computed */
};

/* ---- a matrix product with the right operand packed once per sequence ----
 *
 * A step's product is small ((batch, u) @ (u, 4u)), and OpenBLAS packs the whole right operand anew on every call:
 * a fifth of the step. The recurrent kernel does not change during a sequence, so each member packs its part once,
 * in panels of 16 columns (k rows of 16 contiguous floats), and every step multiplies by the panels directly:
 * 6 rows of the left operand by one panel at a time, in 12 of the 16 AVX registers. Where the compiler has no AVX2
 * and FMA, or a member's columns are not a multiple of 8, the steps call OpenBLAS instead. */

#define PANEL 16
#define ROWS 6

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define HAVE_PACKED_PRODUCT 1

/* c[rows, cols] (+)= a[rows, k] @ panel[k, 16] for one block of at most 6 rows; cols is 8 or 16. Always inlined,
 * with `rows` a constant at each call, so that the accumulators stay in registers. */
static inline __attribute__((always_inline)) void block_product(const int rows, int64_t k, const float *a,
                                                                int64_t lda, const float *panel, float *c,
                                                                int64_t ldc, int cols, int accumulate) {
    __m256 acc[ROWS][2];
    for (int r = 0; r < rows; r++)
        acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t kk = 0; kk < k; kk++) {
        __m256 b0 = _mm256_load_ps(panel + kk * PANEL), b1 = _mm256_load_ps(panel + kk * PANEL + 8);
        for (int r = 0; r < rows; r++) {
            __m256 x = _mm256_broadcast_ss(a + r * lda + kk);
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (accumulate)
            acc[r][0] = _mm256_add_ps(acc[r][0], _mm256_loadu_ps(row));
        _mm256_storeu_ps(row, acc[r][0]);
        if (cols > 8) {
            if (accumulate)
                acc[r][1] = _mm256_add_ps(acc[r][1], _mm256_loadu_ps(row + 8));
            _mm256_storeu_ps(row + 8, acc[r][1]);
        }
    }
}

/* c[m, n] (+)= a[m, k] @ b, b given as its panels (`pack_columns`, `pack_rows`); n a multiple of 8. */
static void packed_product(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *panels,
                           float *c, int64_t ldc, int accumulate) {
    for (int64_t p = 0; p * PANEL < n; p++) {
        const float *panel = panels + p * k * PANEL;
        int cols = n - p * PANEL >= PANEL ? PANEL : (int)(n - p * PANEL);
        for (int64_t i = 0; i < m; i += ROWS) {
            const float *ai = a + i * lda;
            float *ci = c + i * ldc + p * PANEL;
            switch (m - i >= ROWS ? ROWS : m - i) {
            case 6: block_product(6, k, ai, lda, panel, ci, ldc, cols, accumulate); break;
            case 5: block_product(5, k, ai, lda, panel, ci, ldc, cols, accumulate); break;
            case 4: block_product(4, k, ai, lda, panel, ci, ldc, cols, accumulate); break;
            case 3: block_product(3, k, ai, lda, panel, ci, ldc, cols, accumulate); break;
            case 2: block_product(2, k, ai, lda, panel, ci, ldc, cols, accumulate); break;
            default: block_product(1, k, ai, lda, panel, ci, ldc, cols, accumulate); break;
            }
        }
    }
}
#else
#define HAVE_PACKED_PRODUCT 0
static void packed_product(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *panels,
                           float *c, int64_t ldc, int accumulate) {
    (void)m, (void)n, (void)k, (void)a, (void)lda, (void)panels, (void)c, (void)ldc, (void)accumulate;
}
#endif

static size_t panel_floats(int64_t n, int64_t k) { return (size_t)((n + PANEL - 1) / PANEL) * PANEL * k; }

/* Panels of the (k, 4w) matrix made of a member's w columns of each of the 4 gates of the row-major (k, width)
 * recurrent kernel r, side by side (w a multiple of 8, so that each run of 8 columns lies within one gate).
 * Columns past 4w are zeros. */
static void pack_gate_columns(const float *r, int64_t k, int64_t width, int64_t u, int64_t u0, int64_t w,
                              float *panels) {
    const int64_t n = 4 * w;
    for (int64_t p = 0; p * PANEL < n; p++)
        for (int half = 0; half < PANEL; half += 8) {
            const int64_t j = p * PANEL + half;
            const float *source = j < n ? r + (j / w) * u + u0 + j % w : NULL;
            float *target = panels + p * k * PANEL + half;
            for (int64_t kk = 0; kk < k; kk++, target += PANEL)
                if (source)
                    memcpy(target, source + kk * width, 8 * sizeof(float));
                else
                    memset(target, 0, 8 * sizeof(float));
        }
}

/* Panels of r[u0:u0+w, :].T, (width, w), for the backward steps' dz @ R[u0:u0+w].T: each row of r read in order. */
static void pack_rows_transposed(const float *r, int64_t width, int64_t u0, int64_t w, float *panels) {
    for (int64_t p = 0; p * PANEL < w; p++)
        for (int c = 0; c < PANEL; c++) {
            const int64_t j = p * PANEL + c;
            float *target = panels + p * width * PANEL + c;
            for (int64_t kk = 0; kk < width; kk++)
                target[kk * PANEL] = j < w ? r[(u0 + j) * width + kk] : 0.0f;
        }
}

/* The member's slice of the units, cut at multiples of 8 floats so that every slice vectorises alike. */
static void units_of(int64_t units, int member, int members, int64_t *first, int64_t *width) {
    int64_t blocks = (units + 7) / 8;
    int64_t start = blocks * member / members * 8, stop = blocks * (member + 1) / members * 8;
    *first = start < units ? start : units;
    *width = (stop < units ? stop : units) - *first;
}

static void *buffer(size_t floats) {
    void *p = NULL;
    return posix_memalign(&p, 64, floats * sizeof(float) + 64) ? NULL : p;
}

static void forward_member(void *context, int member, int members) {
    struct lstm_sequence *s = context;
    const int64_t b = s->batch, u = s->units, row = 4 * u;
    int64_t u0, w;
    units_of(u, member, members, &u0, &w);
    const int packed = HAVE_PACKED_PRODUCT && w % 8 == 0;
    float *rp = w ? buffer(packed ? panel_floats(4 * w, u) : (size_t)u * 4 * w) : NULL;
    float *rec = w ? buffer((size_t)b * 4 * w) : NULL;
    int ok = !w || (rp && rec);
    if (!ok)
        s->failed = 1;
    if (ok && w && packed)
        pack_gate_columns(s->r, u, row, u, u0, w, rp);
    else if (ok && w)
        for (int64_t k = 0; k < u; k++) /* this member's columns of each gate, side by side */
            for (int gate = 0; gate < 4; gate++)
                memcpy(rp + k * 4 * w + gate * w, s->r + k * row + gate * u + u0, w * sizeof(float));
    for (int64_t t = 0; t < s->time; t++) {
        if (ok && w) {
            const float *h_prev = s->hs + t * b * u;
            if (packed)
                packed_product(b, 4 * w, u, h_prev, u, rp, rec, 4 * w, 0);
            else
                s->sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, b, 4 * w, u, 1.0f, h_prev, u, rp, 4 * w, 0.0f, rec, 4 * w);
            for (int64_t n = 0; n < b; n++) {
                float *z = s->z + (t * b + n) * row + u0;
                const float *r = rec + n * 4 * w; /* lstm_forward_step's four blocks, here of w floats */
                const int64_t state = (t * b + n) * u + u0;
                lstm_forward_step(w, z, z + u, z + 2 * u, z + 3 * u, r, s->cs + state, s->cs + state + b * u,
                                  s->tanh_c + state, s->hs + state + b * u);
            }
        }
        s->barrier();
    }
    free(rp);
    free(rec);
}

void lstm_forward_sequence(struct lstm_sequence *s, team_run run, int members) {
    run(forward_member, s, members);
}

static void backward_member(void *context, int member, int members) {
    struct lstm_sequence *s = context;
    const int64_t b = s->batch, u = s->units, row = 4 * u;
    int64_t u0, w;
    units_of(u, member, members, &u0, &w);
    const int packed = HAVE_PACKED_PRODUCT && w % 8 == 0;
    float *rt = packed && w ? buffer(panel_floats(w, row)) : NULL;
    if (packed && w && !rt)
        s->failed = 1;
    else if (rt)
        pack_rows_transposed(s->r, row, u0, w, rt);
    for (int64_t t = s->time - 1; t >= 0; t--) {
        if (w) {
            const float *d_out = s->d_out + t * b * u;
            for (int64_t n = 0; n < b; n++) {
                float *dh = s->dh + n * u + u0;
                const float *add = d_out + n * u + u0;
                if (t == s->time - 1)
                    for (int64_t j = 0; j < w; j++)
                        dh[j] += add[j];
                else
                    memcpy(dh, add, w * sizeof(float));
            }
            if (t < s->time - 1 && rt) /* dh += dz_{t+1} @ R[u0:u0+w].T */
                packed_product(b, w, row, s->dz + (t + 1) * b * row, row, rt, s->dh + u0, u, 1);
            else if (t < s->time - 1 && !packed)
                s->sgemm(ROW_MAJOR, NO_TRANS, TRANS, b, w, row, 1.0f, s->dz + (t + 1) * b * row, row,
                         s->r + u0 * row, row, 1.0f, s->dh + u0, u);
            for (int64_t n = 0; n < b; n++) {
                const float *z = s->z + (t * b + n) * row + u0;
                float *dz = s->dz + (t * b + n) * row + u0;
                const int64_t state = (t * b + n) * u + u0;
                lstm_backward_step(w, z, z + u, z + 2 * u, z + 3 * u, s->tanh_c + state, s->cs + state,
                                   s->dh + n * u + u0, s->dc + n * u + u0, dz, dz + u, dz + 2 * u, dz + 3 * u);
            }
        }
        s->barrier();
    }
    free(rt);
}

void lstm_backward_sequence(struct lstm_sequence *s, team_run run, int members) {
    run(backward_member, s, members);
}
