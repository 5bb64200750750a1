/* A fixed pool of worker threads running jobs that the caller owns. With
 * zero threads, pool_submit runs the job at once in the caller's thread, so
 * modules need only one code path for "-j1" and "-jN". */
#ifndef PGOPS_POOL_H
#define PGOPS_POOL_H

#include <pthread.h>

struct pool_job {
	struct pool_job *next;
	void (*run)(struct pool_job *job, int worker);
	int queued;
	int done;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct pool_job *head, *tail;
	pthread_t *threads;
	int nthreads;
	int stop;
};

/* Starts nthreads workers (0: run jobs inline). Dies if threads cannot start. */
void pool_start(struct pool *p, int nthreads);
void pool_submit(struct pool *p, struct pool_job *job);
/* Waits until job has run; returns at once for a job never submitted. */
void pool_wait(struct pool *p, struct pool_job *job);
/* The same, but while the job is not done the caller's thread runs queued
 * jobs (the oldest first) as worker number index (its own, at least
 * nthreads), so that it counts as one of the pool's CPUs. */
void pool_wait_helping(struct pool *p, struct pool_job *job, int index);
/* Non-blocking: has the job run? */
int pool_done(struct pool *p, struct pool_job *job);
/* Waits for queued jobs to finish and joins the workers. */
void pool_stop(struct pool *p);
/* A condition variable whose timed waits count on the monotonic clock. */
void pool_cond_init(pthread_cond_t *c);
/* Waits on c (m held) for at most 100 ms. The main thread, where signal
 * handlers run, is never woken by them: it waits in slices and looks at
 * its flags between them. c comes from pool_cond_init. */
void pool_cond_slice(pthread_cond_t *c, pthread_mutex_t *m);
/* The number of CPUs this process may use (at least 1): its affinity mask,
 * capped by its cgroup's CPU quota (v1 or v2), rounded up. */
int pool_cpus(void);

#endif
