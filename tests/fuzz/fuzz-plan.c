/* libFuzzer target for pgrestore-stream's plan.c: any statement (a C
 * string, as the restore hands it over) is classified without overrunning;
 * keys are terminated names, and a foreign key marked for splitting has
 * offsets in order inside the statement, so that the NOT VALID and
 * VALIDATE statements par.c builds from them are cut from its own text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgrestore.h"

static void
check(const struct plan *pl, size_t len)
{
	if (pl->cls > PLAN_FK || pl->nkeys < 0 || pl->nkeys > 2)
		abort();
	for (int i = 0; i < 2; i++)
		if (!memchr(pl->key[i], 0, sizeof pl->key[i]))
			abort();
	if (!memchr(pl->param, 0, sizeof pl->param))
		abort();
	if (pl->split && (pl->cls != PLAN_FK || pl->nkeys != 2 || pl->table_end > pl->name_at ||
	    pl->name_at >= pl->name_end || pl->name_end > pl->valid_at || pl->valid_at > len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct plan pl;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	plan_classify(s, &pl);
	check(&pl, strlen(s));
	plan_copy(s, &pl);
	check(&pl, strlen(s));
	free(s);
	return 0;
}
