import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231148_stale_groups extends Migration {

  override name = 'Migration20261121231148_stale_groups';

  override up(): void | Promise<void> {
    this.addSql(`create table "event_group" ("id" uuid not null, "workspace_id" uuid not null, "kind" varchar(32) not null, "leader_event_id" uuid not null, "opened_at" timestamptz not null, "last_joined_at" timestamptz not null, "resolved_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "event_group_open" on "event_group" ("workspace_id", "kind") where "resolved_at" is null;`);

    this.addSql(`alter table "event" add "group_id" uuid null;`);
    this.addSql(`alter table "event" add constraint "event_group_id_foreign" foreign key ("group_id") references "event_group" ("id") on delete set null;`);

    this.addSql(`alter table "event_group" add constraint "event_group_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    // Written by hand: the schema diff does not compare index expressions. Group updates repeat.
    this.addSql(`drop index "notification_once_per_action";`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "notification_once_per_action";`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" <> 'reminder';`);

    this.addSql(`alter table "event" drop constraint "event_group_id_foreign";`);

    this.addSql(`drop table if exists "event_group" cascade;`);

    this.addSql(`alter table "event" drop column "group_id";`);
  }

}
