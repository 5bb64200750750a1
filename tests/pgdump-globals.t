#!/bin/sh
# Whole-cluster dumps (issue 21) on each server version in PGOPS_VERSIONS
# (make check: 13, 15 and 18; make check-versions: 13 to 18).
# pgdump-stream --globals: tests/pgdump/globals.sql's 15 roles (16 with the
# bootstrap superuser), memberships, settings, comments (and, on Debian's
# 15, security labels) dumped from one cluster and restored by
# pgrestore-stream into a fresh cluster of the same version, then compared
# catalog by catalog (and, where Debian's pg_dumpall 15 can read the
# server, by pg_dumpall --globals-only of both). The restore runs as a
# superuser, "restorer", that the dump names as a plain NOLOGIN role: it
# keeps its rights. Then the same dump taken by a role that cannot read
# pg_authid (--no-role-passwords), restored over the cluster that has
# every role already. pgdump-stream -C: three databases with their own
# owners, locales, settings, privileges and comments restored through the
# fresh cluster's postgres database, compared the same ways (pg_dump -s on
# 13 to 15). Then -C dumps into an existing database, with -1, cut short,
# drilled; a tablespace found existing and one created in a fresh cluster.
. "$(dirname "$0")/support/lib.sh"
VERSIONS=${PGOPS_VERSIONS:-13 15 18}
# The reference client: Debian's pg_dump and pg_dumpall 15 read servers up
# to 15; PGOPS_PGDUMP_BINDIR may name newer ones (18's, built by hand from
# Debian's source, read 13 to 18) for the comparisons to run on more.
PGD=${PGOPS_PGDUMP_BINDIR:+$PGOPS_PGDUMP_BINDIR/}
maxv=$("${PGD}pg_dump" --version | sed 's/^[^0-9]*\([0-9][0-9]*\).*/\1/')
plan $(( $(echo $VERSIONS | wc -w) * 24 + 19 ))
cd "$T" || exit 1

vsql() { _p=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h "$T/pgsock" -p "$_p" -U postgres -d postgres "$@"; }
ci() { echo "host=$T/pgsock port=$1 user=${2:-postgres} dbname=postgres"; }
# The globals as the catalogs hold them: roles (password hashes, comments
# included), memberships with options and grantors, each role's settings.
# "restorer" differs on purpose (see above).
catalogs() {
	_m=$(vsql "$1" -Atc "select current_setting('server_version_num')::int >= 160000")
	vsql "$1" -At -c "select rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
		rolreplication, rolbypassrls, rolconnlimit, coalesce(rolpassword, '-'), coalesce(rolvaliduntil::text, '-'),
		coalesce(shobj_description(oid, 'pg_authid'), '-')
		from pg_authid where rolname !~ '^pg_' and rolname <> 'restorer' order by 1" \
		-c "select r.rolname, m.rolname, coalesce(g.rolname, '-'), a.admin_option
		$([ "$_m" = t ] && echo ", a.inherit_option, a.set_option")
		from pg_auth_members a join pg_roles r on r.oid = a.roleid join pg_roles m on m.oid = a.member
		left join pg_roles g on g.oid = a.grantor order by 1, 2, 3" \
		-c "select r.rolname, s.setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
		where s.setdatabase = 0 order by 1" \
		-c "select r.rolname, l.provider, l.label from pg_shseclabel l join pg_roles r on r.oid = l.objoid
		where l.classoid = 'pg_authid'::regclass order by 1"
}
# labels V PORT...: PostgreSQL's test label provider loaded for every
# session of the clusters at PORT (Debian's 15 only: it is built for it);
# 1 where it is not.
labels() {
	[ "$1" = 15 ] && seclabel_so || return 1
	shift
	for _p in "$@"; do
		vsql "$_p" -c "load '$PGOPS_SECLABEL_SO'" -c "alter system set session_preload_libraries = '$PGOPS_SECLABEL_SO'" \
			-c "select pg_reload_conf()" >/dev/null || return 1
	done
	sleep 0.3
}

for v in $VERSIONS; do
	pgv_start "$v" "src$v" || exit 1
	src=$PGV_PORT
	pgv_start "$v" "dst$v" || exit 1
	dst=$PGV_PORT
	vsql "$src" -f "$TOP/tests/pgdump/globals.sql" >/dev/null 2>"$T/load.err" ||
		{ diag "globals.sql failed on $v:"; sed 's/^/#   /' "$T/load.err"; }
	vsql "$dst" -c "create role restorer superuser login" >/dev/null
	seclabel=
	if labels "$v" "$src" "$dst"; then
		seclabel="security label for dummy on database c_app is 'top secret'"
		vsql "$src" -c "security label for dummy on role g_app is 'classified'" \
			-c "security label for dummy on role \"g Mixed Case\" is 'secret'" >/dev/null
	fi

	run pgdump-stream --globals -f "$T/g$v.sql" "$(ci "$src")"
	is "$rc $(stat -c %a "$T/g$v.sql")" "0 600" "$v: --globals -f: exit 0, the file is 0600 (it holds password hashes)"
	is "$(grep -c 'PASSWORD .SCRAM-SHA-256' "$T/g$v.sql")" 3 "$v: the 3 password hashes are in it"
	if [ -n "$seclabel" ]; then
		is "$(grep -c '^SECURITY LABEL FOR dummy ON ROLE' "$T/g$v.sql")" 2 "$v: the roles' security labels are in it"
	else
		skip "$v: no label provider for this server (the test provider is built for Debian's 15)"
	fi
	grep -q "IN DATABASE\|work_mem" "$T/g$v.sql"
	ok $((1 - $?)) "$v: a role's setting for one database is not (it goes with that database)"
	run pgrestore-stream "$(ci "$dst" restorer)" "$T/g$v.sql"
	is "$rc" 0 "$v: pgrestore-stream restores it into a fresh cluster"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
	like "$T/err" "globals: 14 role\\(s\\) created, 2 existed \\(postgres, restorer\\), 1 kept as they were" \
		"$v: and says what it created and what existed"
	catalogs "$src" >"$T/c.src" 2>&1
	catalogs "$dst" >"$T/c.dst" 2>&1
	cmp -s "$T/c.src" "$T/c.dst"
	ok $? "$v: roles, memberships, settings and comments are the source's"
	cmp -s "$T/c.src" "$T/c.dst" || diff "$T/c.src" "$T/c.dst" | sed 's/^/#   /' | head -n 10
	is "$(vsql "$dst" -Atc "select rolsuper || ' ' || rolcanlogin from pg_roles where rolname = 'restorer'")" "true true" \
		"$v: the restoring role keeps its rights (the dump's NOLOGIN NOSUPERUSER passed over)"
	if [ "$v" -le "$maxv" ]; then
		# What pg_dumpall's own round trip changes: nothing but the
		# restoring role (shown by the same comparison of the source
		# with itself, which must be empty).
		"${PGD}pg_dumpall" --globals-only -h "$T/pgsock" -p "$src" -U postgres | grep -v 'restorer\|^\\\(un\)\{0,1\}restrict ' >"$T/d.src"
		"${PGD}pg_dumpall" --globals-only -h "$T/pgsock" -p "$dst" -U postgres | grep -v 'restorer\|^\\\(un\)\{0,1\}restrict ' >"$T/d.dst"
		cmp -s "$T/d.src" "$T/d.dst"
		ok $? "$v: pg_dumpall --globals-only of both clusters agree"
		cmp -s "$T/d.src" "$T/d.dst" || diff "$T/d.src" "$T/d.dst" | sed 's/^/#   /' | head -n 10
	else
		skip "$v: pg_dumpall $maxv cannot read a $v server (the catalogs were compared above)"
	fi

	# A role that cannot read pg_authid (a managed service's admin).
	run pgdump-stream --globals --no-role-passwords "$(ci "$src" dumper)"
	is "$rc" 0 "$v: a role without pg_authid: exit 0"
	like "$T/err" "pg_authid is not readable by this role .* without their passwords" "$v: saying what it could not read"
	cp "$T/out" "$T/np$v.sql"
	is "$(grep -c PASSWORD "$T/np$v.sql")" 0 "$v: no password in that dump"
	is "$(grep -c '^DO ' "$T/np$v.sql")" 32 "$v: but every role (16, each created if missing and altered)"
	# Restored over the cluster that has them all, changed since.
	vsql "$dst" -c "alter role g_app nologin connection limit 1; alter role g_rls nobypassrls" >/dev/null
	run pgrestore-stream "$(ci "$dst" restorer)" "$T/np$v.sql"
	is "$rc" 0 "$v: restored over a cluster where every role exists"
	like "$T/err" "globals: 0 role\\(s\\) created, 16 existed .*, 1 kept as they were" "$v: reporting them as existing"
	catalogs "$dst" >"$T/c.dst2" 2>&1
	cmp -s "$T/c.src" "$T/c.dst2"
	ok $? "$v: their attributes are the dump's again, their passwords untouched"
	cmp -s "$T/c.src" "$T/c.dst2" || diff "$T/c.src" "$T/c.dst2" | sed 's/^/#   /' | head -n 10

	# Three databases with their own owner, locale, settings, privileges
	# and comment, dumped with -C and restored through the postgres
	# database of the fresh cluster, where the globals are.
	if [ "$v" -ge 15 ]; then icu="locale_provider icu icu_locale 'de-DE' locale 'C'"; else icu="lc_collate 'C' lc_ctype 'C.UTF-8'"; fi
	[ "$v" -ge 16 ] && icu="$icu icu_rules '&V << w <<< W'"
	if [ "$v" -ge 17 ]; then bi="locale_provider builtin builtin_locale 'C.UTF-8' locale 'C.UTF-8'"; else bi="encoding 'SQL_ASCII' locale 'C'"; fi
	vsql "$src" -c "create database c_app owner g_app locale 'C.UTF-8' template template0 connection limit 50" \
		-c "create database c_icu owner g_creator template template0 $icu" \
		-c "create database \"c Mixed\" owner \"g Mixed Case\" template template0 $bi" \
		-c "alter database c_app set work_mem = '12MB'" -c "alter database c_app set search_path = app, \"My Schema\"" \
		-c "alter role g_app in database c_app set statement_timeout = '5s'" \
		-c "alter role g_readonly in database c_icu set work_mem = '1MB'" \
		-c "comment on database c_app is 'the application''s data'" -c "comment on database c_icu is 'icu'" \
		-c "revoke connect, temporary on database c_app from public" -c "grant connect on database c_app to g_readonly" \
		-c "grant create on database c_app to g_readwrite with grant option" -c "alter database c_icu is_template true" \
		${seclabel:+-c "$seclabel"} \
		>/dev/null 2>"$T/db.err" || { diag "databases failed on $v:"; sed 's/^/#   /' "$T/db.err"; }
	for db in c_app c_icu "c Mixed"; do
		vsql "$src" -d "$db" -c "create table public.t (a int primary key, b text); insert into public.t select g, 'r' || g from generate_series(1, 100) g" >/dev/null
		run pgdump-stream -C "$(ci "$src" postgres | sed "s/dbname=postgres/dbname='$db'/")"
		cp "$T/out" "$T/$v-$db.sql"
		run pgrestore-stream "$(ci "$dst" restorer)" "$T/$v-$db.sql"
		is "$rc" 0 "$v: -C dump of $db restored from the fresh cluster's postgres database"
		[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -n 5
		pgdump-stream -C "$(ci "$dst" postgres | sed "s/dbname=postgres/dbname='$db'/")" 2>/dev/null | sed '1,/^$/d;$d' >"$T/b"
		sed '1,/^$/d;$d' "$T/$v-$db.sql" >"$T/a"
		cmp -s "$T/a" "$T/b"
		ok $? "$v: $db dumps from the copy exactly as from the source (-C, rows included)"
		cmp -s "$T/a" "$T/b" || diff "$T/a" "$T/b" | sed 's/^/#   /' | head -n 10
	done
	dbs() {
		_loc=$(vsql "$1" -Atc "select case when current_setting('server_version_num')::int >= 170000 then 'datlocprovider, datlocale, daticurules'
			when current_setting('server_version_num')::int >= 160000 then 'datlocprovider, daticulocale, daticurules'
			when current_setting('server_version_num')::int >= 150000 then 'datlocprovider, daticulocale' else '1' end")
		vsql "$1" -At -c "select datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype, $_loc,
			datconnlimit, datistemplate, datacl, shobj_description(oid, 'pg_database') from pg_database
			where datname ~ '^c[ _]' order by 1" \
			-c "select d.datname, l.provider, l.label from pg_shseclabel l join pg_database d on d.oid = l.objoid
			where l.classoid = 'pg_database'::regclass order by 1" \
			-c "select d.datname, coalesce(r.rolname, '-'), s.setconfig from pg_db_role_setting s
			join pg_database d on d.oid = s.setdatabase left join pg_roles r on r.oid = s.setrole where d.datname ~ '^c[ _]' order by 1, 2"
	}
	dbs "$src" >"$T/db.src" 2>&1
	dbs "$dst" >"$T/db.dst" 2>&1
	cmp -s "$T/db.src" "$T/db.dst"
	ok $? "$v: the 3 databases' owners, encodings, locales, limits, privileges, comments and settings are the source's"
	cmp -s "$T/db.src" "$T/db.dst" || diff "$T/db.src" "$T/db.dst" | sed 's/^/#   /' | head -n 10
	if [ "$v" -le "$maxv" ]; then
		for db in c_app c_icu "c Mixed"; do
			"${PGD}pg_dump" -s -h "$T/pgsock" -p "$src" -U postgres "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$T/s.src"
			"${PGD}pg_dump" -s -h "$T/pgsock" -p "$dst" -U postgres "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$T/s.dst"
			cmp -s "$T/s.src" "$T/s.dst" || { diag "$db:"; diff "$T/s.src" "$T/s.dst" | sed 's/^/#   /' | head -n 10; false; }
		done
		ok $? "$v: pg_dump -s of each database agrees"
	else
		skip "$v: pg_dump $maxv cannot read a $v server (the dumps were compared above)"
	fi
done

# A --create dump: into a cluster that has the database (73), with -1, and
# drilled (in its scratch database, the named one untouched).
run pgrestore-stream "$(ci "$dst" restorer)" "$T/$v-c_app.sql"
is "$rc" 73 "-C dump whose database exists: 73"
like "$T/err" "database c_app already exists on .*; a --create dump makes its database" "saying so"
vsql "$dst" -c "drop database c_app" >/dev/null
run pgrestore-stream -1 "$(ci "$dst" restorer)" "$T/$v-c_app.sql"
is "$rc $(vsql "$dst" -d c_app -Atc 'select count(*) from public.t')" "0 100" "-1: the database made, its contents in one transaction"
vsql "$dst" -c "drop database c_app" >/dev/null
sed '$d' "$T/$v-c_app.sql" >"$T/cut.sql" # without its trailer
run pgrestore-stream -1 "$(ci "$dst" restorer)" "$T/cut.sql"
is "$rc $(vsql "$dst" -d c_app -Atc "select count(*) from pg_class where relname = 't'")" "65 0" \
	"-1, a -C dump without its trailer: 65, none of its contents committed"
like "$T/err" "not a complete dump: .*nothing of its contents was committed \\(database c_app was made and is left empty\\)" \
	"saying the database was made and is empty"
run pgrestore-stream --drill "$(ci "$dst" restorer)" "$T/$v-c_icu.sql"
is "$rc" 0 "--drill of a -C dump: passes"
like "$T/err" "drill: the dump makes database c_icu \\(--create\\); restoring into pgrestore_drill_[0-9]+ instead" "in its scratch database"

# Usage, and a tablespace: created once, then found existing.
run pgdump-stream --no-role-passwords "$(ci "$src")"
is "$rc" 64 "--no-role-passwords without --globals: 64"
run pgdump-stream --globals -n public "$(ci "$src")"
is "$rc" 64 "--globals with -n: 64"
run pgdump-stream --globals --dbname postgres "$(ci "$src")"
is "$rc $(grep -c -- '--dbname names the database to dump: not with --globals or --list-databases' "$T/err")" "64 1" \
	"--dbname with --globals: 64"
run pgdump-stream -C --globals "$(ci "$src")"
is "$rc $(grep -c -- '-C/--create cannot be used with --globals' "$T/err")" "64 1" "-C with --globals: 64"
run pgdump-stream --list-databases -f "$T/l" "$(ci "$src")"
is "$rc $(grep -c -- '--list-databases prints names only' "$T/err")" "64 1" "--list-databases with -f: 64"
run pgrestore-stream --drill "$(ci "$src")" "$T/g$v.sql"
is "$rc" 65 "--drill of a globals dump: 65"
like "$T/err" "a globals dump holds roles and tablespaces, which belong to the whole cluster: it cannot be drilled" "saying why"
vsql "$dst" -c "drop database c_app" >/dev/null
sed "s/^-- pgops:connect 'c_app'\$/-- pgops:connect 'postgres'/" "$T/$v-c_app.sql" >"$T/elsewhere.sql"
run pgrestore-stream "$(ci "$dst" restorer)" "$T/elsewhere.sql"
is "$rc" 65 "a -C dump that goes on in another database than it made: 65"
like "$T/err" "the dump goes on in database postgres, but it made c_app" "naming both"
mkdir -p "$T/ts" && chown postgres "$T/ts"
vsql "$src" -c "create tablespace g_space owner g_app location '$T/ts'" -c "comment on tablespace g_space is 'fast disk'" \
	-c "grant create on tablespace g_space to g_readwrite" >/dev/null
pgdump-stream --globals --no-security-labels "$(ci "$src")" >"$T/ts.sql" 2>/dev/null
run pgrestore-stream "$(ci "$src")" "$T/ts.sql"
like "$T/err" "0 role\\(s\\) created, 16 existed.*; 0 tablespace\\(s\\) created, 1 existed" \
	"a tablespace that exists: its CREATE passed over, counted as existing"
# Into a fresh cluster of another version (its files go to a directory of
# that version's inside the same location): created, as it was.
tv=17
[ "$v" = 17 ] && tv=16
pgv_start "$tv" "ts$tv" || exit 1
run pgrestore-stream "$(ci "$PGV_PORT")" "$T/ts.sql"
like "$T/err" "; 1 tablespace\\(s\\) created, 0 existed" "a tablespace that does not exist: created"
spc="select spcname, pg_get_userbyid(spcowner), pg_tablespace_location(oid), spcacl, shobj_description(oid, 'pg_tablespace')
	from pg_tablespace where spcname = 'g_space'"
is "$(vsql "$PGV_PORT" -Atc "$spc")" "$(vsql "$src" -Atc "$spc")" "its owner, location, privileges and comment"
done_testing
