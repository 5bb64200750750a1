alter table orders add foreign key (user_id) references users;
