#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pool.h"
#include "sig.h"
#include "xmem.h"

struct worker_arg {
	struct pool *p;
	int index;
};

static void *
worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct pool *p = wa->p;
	int index = wa->index;

	free(wa);
	sig_block_thread();
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pool_job *j;

		while (!p->head && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->head)
			break;
		j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);
		j->run(j, index);
		pthread_mutex_lock(&p->mu);
		j->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void
pool_start(struct pool *p, int nthreads)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->nthreads = nthreads;
	if (nthreads <= 0)
		return;
	p->threads = xcalloc((size_t)nthreads, sizeof *p->threads);
	for (int i = 0; i < nthreads; i++) {
		struct worker_arg *wa = xmalloc(sizeof *wa);

		wa->p = p, wa->index = i;
		if (pthread_create(&p->threads[i], NULL, worker, wa) != 0)
			die(EX_SOFTWARE, "cannot start worker thread %d of %d", i + 1, nthreads);
	}
}

void
pool_submit(struct pool *p, struct pool_job *job)
{
	job->next = NULL;
	job->done = 0;
	job->queued = 1;
	if (p->nthreads <= 0) {
		job->run(job, 0);
		job->done = 1;
		return;
	}
	pthread_mutex_lock(&p->mu);
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
pool_wait(struct pool *p, struct pool_job *job)
{
	if (!job->queued)
		return;
	if (p->nthreads > 0) {
		pthread_mutex_lock(&p->mu);
		while (!job->done)
			pthread_cond_wait(&p->done, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
	job->queued = 0;
}

int
pool_done(struct pool *p, struct pool_job *job)
{
	int d;

	if (!job->queued || p->nthreads <= 0)
		return 1;
	pthread_mutex_lock(&p->mu);
	d = job->done;
	pthread_mutex_unlock(&p->mu);
	return d;
}

void
pool_stop(struct pool *p)
{
	if (p->nthreads > 0) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
		for (int i = 0; i < p->nthreads; i++)
			pthread_join(p->threads[i], NULL);
		free(p->threads);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	memset(p, 0, sizeof *p);
}

int
pool_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
