import { Migration } from '@mikro-orm/migrations';

export class Migration20261121221849_events extends Migration {

  override name = 'Migration20261121221849_events';

  override up(): void | Promise<void> {
    this.addSql(`create table "event" ("id" uuid not null, "instance_id" uuid not null, "kind" varchar(32) not null, "key" varchar(128) not null, "state" varchar(16) not null, "summary" text not null, "details" jsonb not null, "opened_at" timestamptz not null, "acked_at" timestamptz null, "acked_by" varchar(200) null, "resolved_at" timestamptz null, "resolve_summary" text null, primary key ("id"));`);
    this.addSql(`create index "event_open_by_instance" on "event" ("instance_id") where "state" <> 'resolved';`);
    this.addSql(`create unique index "event_one_open_per_key" on "event" ("instance_id", "kind", "key") where "state" <> 'resolved';`);

    this.addSql(`create table "notification" ("id" uuid not null, "event_id" uuid not null, "subscription_id" uuid not null, "action" varchar(16) not null, "state" varchar(16) not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "claimed_until" timestamptz null, "last_error" text null, "message_ref" jsonb null, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "notification_due" on "notification" ("next_attempt_at") where "state" = 'pending';`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" <> 'reminder';`);

    this.addSql(`alter table "event" add constraint "event_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "notification" add constraint "notification_event_id_foreign" foreign key ("event_id") references "event" ("id") on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_subscription_id_foreign" foreign key ("subscription_id") references "subscription" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "notification" drop constraint "notification_event_id_foreign";`);

    this.addSql(`drop table if exists "event" cascade;`);
    this.addSql(`drop table if exists "notification" cascade;`);
  }

}
