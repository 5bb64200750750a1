#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "io.h"
#include "log.h"
#include "progress.h"

void
progress_human(char *buf, unsigned long size, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5)
		v /= 1024, u++;
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
}

void
progress_init(struct progress *p, const char *label, uint64_t total, int force)
{
	memset(p, 0, sizeof *p);
	/* With --log-format=json a meter would break the one-object-per-line
	 * stream: progress becomes info lines, as off a terminal. */
	p->tty = isatty(2) && !log_is_json();
	p->on = force || p->tty;
	p->total = total;
	p->start = p->last = deadline_now();
	snprintf(p->label, sizeof p->label, "%s", label);
}

static void
draw(struct progress *p, uint64_t done, int final)
{
	char line[200], d[16], rate[16];
	uint64_t now = deadline_now(), ms = now - p->start;
	int n;

	progress_human(d, sizeof d, done);
	progress_human(rate, sizeof rate, ms ? done * 1000 / ms : 0);
	if (log_is_json()) {
		if (p->total)
			log_info("%s: %s %llu%% %s/s", p->label, d, (unsigned long long)(done * 100 / p->total), rate);
		else
			log_info("%s: %s %s/s", p->label, d, rate);
		return;
	}
	if (p->total)
		n = snprintf(line, sizeof line, "%s%s: %s %3llu%% %s/s%s", p->tty ? "\r" : "",
		    p->label, d, (unsigned long long)(done * 100 / p->total), rate,
		    final || !p->tty ? "\n" : "\033[K");
	else
		n = snprintf(line, sizeof line, "%s%s: %s %s/s%s", p->tty ? "\r" : "",
		    p->label, d, rate, final || !p->tty ? "\n" : "\033[K");
	if (n > 0)
		(void)io_write_all(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void
progress_update(struct progress *p, uint64_t done)
{
	uint64_t now;

	if (!p->on)
		return;
	now = deadline_now();
	/* Off a terminal (--progress into a log) a line every 10 s is plenty. */
	if (now - p->last < (p->tty ? 200u : 10000u))
		return;
	p->last = now;
	draw(p, done, 0);
}

void
progress_end(struct progress *p, uint64_t done)
{
	if (p->on)
		draw(p, done, 1);
}
