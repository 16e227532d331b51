import { Migration } from '@mikro-orm/migrations';

export class Migration20261202141526_one_outbox extends Migration {

  override name = 'Migration20261202141526_one_outbox';

  override up(): void | Promise<void> {
    this.addSql(`create table "channel_send_window" ("platform" varchar(16) not null, "channel_id" varchar(128) not null, "window_started_at" timestamptz not null, "sent" int not null, primary key ("platform", "channel_id"));`);

    this.addSql(`alter table "rotation_follow_up" drop column "next_attempt_at", drop column "attempts";`);

    this.addSql(`alter table "notification" add "platform" varchar(16) null, add "channel_id" varchar(128) null, add "thread_ref" jsonb null, add "message" jsonb null;`);
    this.addSql(`alter table "notification" alter column "event_id" drop not null;`);
    this.addSql(`alter table "notification" alter column "subscription_id" drop not null;`);

    // Written by hand: the schema diff does not compare index expressions. Notices are one-off.
    this.addSql(`drop index "notification_once_per_action";`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update', 'notice');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from notification where "event_id" is null or "subscription_id" is null;`);
    this.addSql(`drop index "notification_once_per_action";`);
    this.addSql(`create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update');`);
    this.addSql(`drop table if exists "channel_send_window" cascade;`);

    this.addSql(`alter table "notification" drop column "platform", drop column "channel_id", drop column "thread_ref", drop column "message";`);
    this.addSql(`alter table "notification" alter column "event_id" set not null;`);
    this.addSql(`alter table "notification" alter column "subscription_id" set not null;`);

    this.addSql(`alter table "rotation_follow_up" add "next_attempt_at" timestamptz(6) null, add "attempts" int4 not null default 0;`);
  }

}
