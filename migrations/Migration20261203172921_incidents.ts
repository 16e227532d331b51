import { Migration } from '@mikro-orm/migrations';

export class Migration20261203172921_incidents extends Migration {

  override name = 'Migration20261203172921_incidents';

  override up(): void | Promise<void> {
    this.addSql(`create table "incident" ("id" uuid not null, "instance_id" uuid not null, "leader_event_id" uuid not null, "opened_at" timestamptz not null, "connected" jsonb null, "resolved_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create unique index "incident_one_open_per_instance" on "incident" ("instance_id") where "resolved_at" is null;`);

    this.addSql(`alter table "instance" add "connected_at" timestamptz null;`);
    // Instances that synced before incidents existed have been announced already (their alerts were).
    this.addSql(`update "instance" set "connected_at" = s."last_seen_at" from "instance_state" s where s."instance_id" = "instance"."id";`);

    this.addSql(`alter table "event" add "incident_id" uuid null;`);
    this.addSql(`alter table "event" add constraint "event_incident_id_foreign" foreign key ("incident_id") references "incident" ("id") on delete set null;`);
    this.addSql(`create index "event_by_incident" on "event" ("incident_id") where "incident_id" is not null;`);

    this.addSql(`alter table "incident" add constraint "incident_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    // An incident's edits and news replies repeat, like group updates.
    this.addSql(`drop index "notification_once_per_action";`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update', 'notice', 'incident-update', 'incident-news');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "notification_once_per_action";`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update', 'notice');`);
    this.addSql(`alter table "event" drop constraint "event_incident_id_foreign";`);

    this.addSql(`drop table if exists "incident" cascade;`);

    this.addSql(`drop index "event_by_incident";`);
    this.addSql(`alter table "event" drop column "incident_id";`);

    this.addSql(`alter table "instance" drop column "connected_at";`);
  }

}
