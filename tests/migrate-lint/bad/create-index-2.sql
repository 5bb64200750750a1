create unique index if not exists users_email on public.users using btree (lower(email));
