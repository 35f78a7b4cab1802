/* kcore's thread team: the threads that both OpenBLAS's parallel products and kcore's own parallel C loops run on.
 *
 * Why one team: OpenBLAS's pthreads build keeps its worker threads spinning for about 2^28 cycles after each
 * parallel product. Threads of kcore's own, started beside them, find their core taken and run at half speed.
 * OpenBLAS (0.3.27 and later) lets a program run its parallel work instead: `kc_openblas_jobs` is registered as
 * that callback, so a product's jobs run on this team, and between products the team's workers wait here, where
 * kcore's loops can use them.
 *
 * The calling thread is member 0 of every run; members 1..n-1 are workers started on first use. A waiting worker
 * spins for about a millisecond, then sleeps until the next run. One run at a time: a second caller waits.
 * A task must not call a parallel OpenBLAS routine itself (its jobs would wait for the team it is running on).
 */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define MAX_MEMBERS 256

typedef void (*kc_task)(void *context, int member, int members);
/* OpenBLAS's types for caller-managed threading (cblas.h) */
typedef void (*openblas_dojob)(int thread, void *job, int data);

#if defined(__x86_64__) || defined(__i386__)
#define RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define RELAX() __asm__ __volatile__("yield")
#else
#define RELAX() ((void)0)
#endif

static struct {
    pthread_mutex_t run_lock; /* one run at a time */
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    int started; /* workers running, plus the caller */
    int sleepers;
    kc_task task;
    void *context;
    int members; /* of the current run */
    atomic_ulong generation; /* bumped to start a run */
    atomic_int unfinished; /* workers of the current run still working */
    atomic_int arrived; /* the barrier's count */
    atomic_int phase; /* the barrier's generation */
} team = {.run_lock = PTHREAD_MUTEX_INITIALIZER, .sleep_lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static _Thread_local int inside_run;
static _Thread_local int run_members; /* of the run this thread is in: 1 for a task run inline */

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + 1e-9 * now.tv_nsec;
}

/* Spin on `*word` until it differs from `seen`; after many spins, yield the core, since on a busy machine the
 * thread being waited for may need it. */
static void wait_while_equal(atomic_int *word, int seen) {
    for (unsigned spins = 0; atomic_load_explicit(word, memory_order_acquire) == seen; spins++) {
        if (spins < 4096)
            RELAX();
        else
            sched_yield();
    }
}

/* Workers are started by kc_run before it starts the run they are to join; `seen` is the generation before it. */
static unsigned long generation_at_start;

static void *worker(void *argument) {
    int member = (int)(intptr_t)argument;
    unsigned long seen = generation_at_start;
    inside_run = 1;
    for (;;) {
        double since = 0.0;
        unsigned spins = 0;
        while (atomic_load_explicit(&team.generation, memory_order_acquire) == seen) {
            RELAX();
            if (++spins % 1024)
                continue;
            if (since == 0.0)
                since = seconds();
            else if (seconds() - since > 1e-3) {
                pthread_mutex_lock(&team.sleep_lock);
                team.sleepers++;
                while (atomic_load(&team.generation) == seen)
                    pthread_cond_wait(&team.wake, &team.sleep_lock);
                team.sleepers--;
                pthread_mutex_unlock(&team.sleep_lock);
            }
        }
        seen = atomic_load(&team.generation);
        run_members = team.members;
        if (member < team.members)
            team.task(team.context, member, team.members);
        atomic_fetch_sub_explicit(&team.unfinished, 1, memory_order_release);
    }
    return NULL;
}

/* Start workers until the team has `members` (caller included); returns how many it has. */
static int grow(int members) {
    if (members > MAX_MEMBERS)
        members = MAX_MEMBERS;
    generation_at_start = atomic_load(&team.generation);
    while (team.started < members) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker, (void *)(intptr_t)team.started);
        pthread_attr_destroy(&attributes);
        if (failed)
            break;
        team.started++;
    }
    return team.started;
}

/* After fork the child has the parent's memory but none of its workers: start afresh. */
static void after_fork_in_child(void) {
    pthread_mutex_init(&team.run_lock, NULL);
    pthread_mutex_init(&team.sleep_lock, NULL);
    pthread_cond_init(&team.wake, NULL);
    team.started = 1;
    team.sleepers = 0;
    atomic_store(&team.unfinished, 0);
    inside_run = 0;
}

/* Run task(context, m, members) for m in [0, members) at once, member 0 on the calling thread; returns when all
 * have returned. A run may use fewer members than asked for, where threads could not be started; a task reads
 * `members` rather than assuming. */
void kc_run(kc_task task, void *context, int members) {
    if (members <= 1 || inside_run) {
        int outer = run_members;
        run_members = 1;
        task(context, 0, 1);
        run_members = outer;
        return;
    }
    pthread_mutex_lock(&team.run_lock);
    if (team.started == 0) {
        team.started = 1;
        pthread_atfork(NULL, NULL, after_fork_in_child);
    }
    members = grow(members) < members ? team.started : members;
    team.task = task;
    team.context = context;
    team.members = members;
    atomic_store(&team.arrived, 0);
    atomic_store(&team.unfinished, team.started - 1);
    atomic_fetch_add_explicit(&team.generation, 1, memory_order_release);
    pthread_mutex_lock(&team.sleep_lock);
    if (team.sleepers)
        pthread_cond_broadcast(&team.wake);
    pthread_mutex_unlock(&team.sleep_lock);
    inside_run = 1;
    run_members = members;
    task(context, 0, members);
    inside_run = 0;
    for (unsigned spins = 0; atomic_load_explicit(&team.unfinished, memory_order_acquire) > 0; spins++) {
        if (spins < 4096)
            RELAX();
        else
            sched_yield();
    }
    pthread_mutex_unlock(&team.run_lock);
}

/* Called by every member of the current run: returns once all of them have called it. */
void kc_barrier(void) {
    if (run_members <= 1)
        return;
    int phase = atomic_load_explicit(&team.phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&team.arrived, 1, memory_order_acq_rel) == team.members - 1) {
        atomic_store_explicit(&team.arrived, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&team.phase, 1, memory_order_release);
    } else {
        wait_while_equal(&team.phase, phase);
    }
}

struct openblas_jobs {
    openblas_dojob dojob;
    int count;
    size_t size;
    char *jobs;
    int data;
};

static void run_openblas_jobs(void *context, int member, int members) {
    struct openblas_jobs *work = context;
    for (int job = member; job < work->count; job += members)
        work->dojob(job, work->jobs + job * work->size, work->data);
}

struct one_job {
    struct openblas_jobs *work;
    int job;
};

static void *run_one_job(void *argument) {
    struct one_job *one = argument;
    one->work->dojob(one->job, one->work->jobs + one->job * one->work->size, one->work->data);
    return NULL;
}

/* OpenBLAS's threads callback. Its jobs wait on each other, so each needs a member of its own. */
void kc_openblas_jobs(int sync, openblas_dojob dojob, int count, size_t size, void *jobs, int data) {
    (void)sync; /* OpenBLAS always waits for its jobs, as kc_run does */
    struct openblas_jobs work = {dojob, count, size, jobs, data};
    if (!inside_run || count <= 1) {
        kc_run(run_openblas_jobs, &work, count);
        return;
    }
    /* called from inside a task, which kcore's kernels never do: threads of their own, so that the jobs still
     * run at once */
    pthread_t threads[MAX_MEMBERS];
    struct one_job ones[MAX_MEMBERS];
    int started = 1;
    for (; started < count && started < MAX_MEMBERS; started++) {
        ones[started] = (struct one_job){&work, started};
        if (pthread_create(&threads[started], NULL, run_one_job, &ones[started]))
            break;
    }
    ones[0] = (struct one_job){&work, 0};
    run_one_job(&ones[0]);
    for (int job = started; job < count; job++) /* threads that could not start: after the others, in turn */
        run_one_job(&(struct one_job){&work, job});
    for (int job = 1; job < started; job++)
        pthread_join(threads[job], NULL);
}

int kc_members(void) { return team.started; }
