/* libFuzzer target for lib/sqllint: any text (unterminated comments,
 * strings and dollar quotes included) is judged without a fault, the
 * verdict names only rules that exist, and the table name always fits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sqllint.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1), table[16];
	int creates;
	unsigned bad;

	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = 0;
	bad = sqllint_statement(sql, table, sizeof table, &creates);
	if (bad >> SQLLINT_N)
		abort();
	if (strlen(table) >= sizeof table || (creates && bad))
		abort();
	free(sql);
	return 0;
}
