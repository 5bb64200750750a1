alter table events add column seq bigserial;
