/* lib/log: JSON string escaping and the shape of text and JSON lines. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

static char *
capture(void (*fn)(void))
{
	static char buf[4096];
	int p[2], saved = dup(2);
	ssize_t n;

	if (pipe(p) < 0)
		return NULL;
	dup2(p[1], 2);
	fn();
	dup2(saved, 2);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	close(saved);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static void
say(void)
{
	log_error("cannot open %s: %s", "x\"y", "No such file");
}

int
main(void)
{
	char buf[64];
	char *line;

	tap_plan(7);
	log_json_escape(buf, 0, sizeof buf, "a\"b\\c\nd\te\x01");
	tap_is_str(buf, "a\\\"b\\\\c\\nd\\te\\u0001", "json escapes quotes, backslash, controls");
	log_json_escape(buf, 0, 8, "0123456789");
	tap_is_str(buf, "0123456", "json escape truncates at capacity");

	log_init("/usr/bin/gzverify");
	tap_is_str(log_prog, "gzverify", "program name without directory");
	line = capture(say);
	tap_is_str(line, "gzverify: cannot open x\"y: No such file\n", "text line");
	tap_is_int(log_set_format("json"), 0, "json format accepted");
	line = capture(say);
	tap_ok(strncmp(line, "{\"time\":\"", 9) == 0 &&
	    strstr(line, "\",\"prog\":\"gzverify\",\"level\":\"error\",\"msg\":\"cannot open x\\\"y: No such file\"}\n") != NULL,
	    "json line: %s", line);
	tap_is_int(log_set_format("xml"), -1, "unknown format refused");
	return tap_done();
}
