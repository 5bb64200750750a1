alter table users drop if exists nickname;
