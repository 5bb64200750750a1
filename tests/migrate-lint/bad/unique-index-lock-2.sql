alter table events add primary key (id);
