import { Migration } from '@mikro-orm/migrations';

export class Migration20261121221554_events extends Migration {

  override name = 'Migration20261121221554_events';

  override up(): void | Promise<void> {
    this.addSql(`create table "event" ("id" uuid not null, "instance_id" uuid not null, "kind" varchar(32) not null, "key" varchar(128) not null, "state" varchar(16) not null, "summary" text not null, "details" jsonb not null, "opened_at" timestamptz not null, "acked_at" timestamptz null, "acked_by" varchar(200) null, "resolved_at" timestamptz null, "resolve_summary" text null, primary key ("id"));`);
    this.addSql(`create index "event_open_by_instance" on "event" ("instance_id") where "state" <> 'resolved';`);
    this.addSql(`create unique index "event_one_open_per_key" on "event" ("instance_id", "kind", "key") where "state" <> 'resolved';`);

    this.addSql(`alter table "event" add constraint "event_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "event" cascade;`);
  }

}
