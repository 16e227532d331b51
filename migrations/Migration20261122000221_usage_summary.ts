import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000221_usage_summary extends Migration {

  override name = 'Migration20261122000221_usage_summary';

  override up(): void | Promise<void> {
    this.addSql(`create table "usage_summary" ("instance_id" uuid not null, "ends_at" timestamptz not null, "spend" jsonb not null, "base_runs" bigint not null, "base_errors" bigint not null, "history_since" timestamptz null, "late_writes_seen" int not null, "computed_at" timestamptz not null, primary key ("instance_id", "ends_at"));`);

    this.addSql(`create table "usage_late_write" ("instance_id" uuid not null, "writes" int not null, primary key ("instance_id"));`);

    this.addSql(`alter table "usage_summary" add constraint "usage_summary_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "usage_late_write" add constraint "usage_late_write_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_summary" cascade;`);
    this.addSql(`drop table if exists "usage_late_write" cascade;`);
  }

}
