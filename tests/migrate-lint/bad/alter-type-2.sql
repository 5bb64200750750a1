alter table users alter email set data type text;
