# sqlite3 CLI: create, insert 100 000 rows in one transaction, query, vacuum.
set -e
cd /tmp
rm -f t.db
sqlite3 t.db <<'SQL'
create table t (id integer primary key, name text, v real);
begin;
with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000)
insert into t (name, v) select 'row' || i, i * 0.5 from n;
commit;
create index t_name on t(name);
select count(*), sum(v), min(name), max(id) from t;
select name from t where id % 25000 = 0 order by id;
delete from t where id > 50000;
vacuum;
pragma integrity_check;
select count(*) from t;
SQL
ls -s t.db | awk '{ print ($1 > 0) ? "file has blocks" : "empty" }'
