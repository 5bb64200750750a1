alter table users rename name to full_name;
