import { Migration } from '@mikro-orm/migrations';

export class Migration20261121231423_chat_ops extends Migration {

  override name = 'Migration20261121231423_chat_ops';

  override up(): void | Promise<void> {
    this.addSql(`create table "inbound_request" ("key" varchar(80) not null, "seen_at" timestamptz not null, primary key ("key"));`);
    this.addSql(`create index "inbound_request_seen_at_index" on "inbound_request" ("seen_at");`);

    this.addSql(`create table "rotation_follow_up" ("id" uuid not null, "instance_id" uuid not null, "token_id" uuid not null, "platform" varchar(16) not null, "channel_id" varchar(128) not null, "thread_ref" jsonb null, "requested_by" varchar(200) not null, "rotated_at" timestamptz not null, "overdue_at" timestamptz not null, "overdue_notified_at" timestamptz null, "done_at" timestamptz null, "next_attempt_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, primary key ("id"));`);
    this.addSql(`create index "rotation_follow_up_pending" on "rotation_follow_up" ("overdue_at") where "done_at" is null;`);

    this.addSql(`alter table "sync_token" add "first_used_at" timestamptz null;`);

    this.addSql(`alter table "rotation_follow_up" add constraint "rotation_follow_up_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
    this.addSql(`alter table "rotation_follow_up" add constraint "rotation_follow_up_token_id_foreign" foreign key ("token_id") references "sync_token" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "inbound_request" cascade;`);
    this.addSql(`drop table if exists "rotation_follow_up" cascade;`);

    this.addSql(`alter table "sync_token" drop column "first_used_at";`);
  }

}
