#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool.h"
#include "sig.h"
#include "xmem.h"

struct worker_arg {
	struct pool *p;
	int index;
};

/* With p->mu held and a job queued: takes the oldest, runs it unlocked as
 * worker index, marks it done. Returns with p->mu held. */
static void
run_next(struct pool *p, int index)
{
	struct pool_job *j = p->head;

	p->head = j->next;
	if (!p->head)
		p->tail = NULL;
	pthread_mutex_unlock(&p->mu);
	j->run(j, index);
	pthread_mutex_lock(&p->mu);
	j->done = 1;
	pthread_cond_broadcast(&p->done);
}

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
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->head)
			break;
		run_next(p, index);
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

void
pool_wait_helping(struct pool *p, struct pool_job *job, int index)
{
	if (!job->queued)
		return;
	if (p->nthreads > 0) {
		pthread_mutex_lock(&p->mu);
		while (!job->done) {
			if (p->head)
				run_next(p, index);
			else
				pthread_cond_wait(&p->done, &p->mu);
		}
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

/* The CPUs a cgroup quota allows, rounded up, or 0 for no quota: cgroup v2
 * cpu.max ("QUOTA PERIOD" or "max ..."), v1 cpu.cfs_quota_us and
 * cpu.cfs_period_us (-1 for none), in the process's cgroup and each of its
 * ancestors (the smallest wins). In a container /proc/self/cgroup names the
 * paths under the /sys/fs/cgroup the container sees. */
static int
cgroup_cpus(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	int best = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		char *ctl = strchr(line, ':'), *path, *nl;
		int v2;

		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = 0;
		ctl++;
		if ((nl = strchr(path, '\n')))
			*nl = 0;
		v2 = strcmp(line, "0") == 0 && !*ctl;
		if (!v2 && !strstr(ctl, "cpu"))
			continue;
		for (int k = 0; k < 64; k++) {
			char file[4200], buf[64] = "";
			long long quota = -1, period = 0;
			FILE *q;
			char *slash;

			if (v2) {
				snprintf(file, sizeof file, "/sys/fs/cgroup%s/cpu.max", strcmp(path, "/") ? path : "");
				if ((q = fopen(file, "re"))) {
					if (fgets(buf, sizeof buf, q) && strncmp(buf, "max", 3) != 0)
						sscanf(buf, "%lld %lld", &quota, &period);
					fclose(q);
				}
			} else {
				for (int i = 0; i < 2; i++) {
					snprintf(file, sizeof file, "/sys/fs/cgroup/%s%s/cpu.cfs_%s_us",
					    strchr(ctl, ',') ? "cpu,cpuacct" : ctl, strcmp(path, "/") ? path : "",
					    i ? "period" : "quota");
					if ((q = fopen(file, "re"))) {
						if (fgets(buf, sizeof buf, q))
							sscanf(buf, "%lld", i ? &period : &quota);
						fclose(q);
					}
				}
			}
			if (quota > 0 && period > 0) {
				int n = (int)((quota + period - 1) / period);

				if (!best || n < best)
					best = n;
			}
			if (!strcmp(path, "/") || !(slash = strrchr(path, '/')))
				break;
			if (slash == path)
				path[1] = 0;
			else
				*slash = 0;
		}
	}
	fclose(f);
	return best;
}

int
pool_cpus(void)
{
	cpu_set_t set;
	int n = 0, quota;

	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		n = CPU_COUNT(&set);
	if (n <= 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		n = c > 0 ? (int)c : 1;
	}
	/* A pod limited to 2 CPUs on a 32-core node has 32 CPUs in its
	 * affinity mask: the quota is what it may use. */
	quota = cgroup_cpus();
	return quota > 0 && quota < n ? quota : n;
}

void
pool_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

void
pool_cond_slice(pthread_cond_t *c, pthread_mutex_t *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 100 * 1000000L;
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_sec++, ts.tv_nsec -= 1000000000L;
	pthread_cond_timedwait(c, m, &ts);
}
