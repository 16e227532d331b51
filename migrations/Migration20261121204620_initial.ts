import { Migration } from '@mikro-orm/migrations';

export class Migration20261121204620_initial extends Migration {

  override name = 'Migration20261121204620_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "workspace" ("id" uuid not null, "name" varchar(63) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "workspace" add constraint "workspace_name_unique" unique ("name");`);

    this.addSql(`create table "subscription" ("id" uuid not null, "workspace_id" uuid not null, "platform" varchar(16) not null, "channel_id" varchar(128) not null, "kinds" jsonb null, "muted_until" timestamptz null, "disabled_at" timestamptz null, "last_error" text null, "created_at" timestamptz not null, "created_by" varchar(200) not null, primary key ("id"));`);
    this.addSql(`alter table "subscription" add constraint "subscription_workspace_id_platform_channel_id_unique" unique ("workspace_id", "platform", "channel_id");`);

    this.addSql(`create table "link_code" ("id" uuid not null, "workspace_id" uuid not null, "code_hash" varchar(64) not null, "created_at" timestamptz not null, "created_by" varchar(200) not null, "expires_at" timestamptz not null, "redeemed_at" timestamptz null, "redeemed_by" varchar(200) null, primary key ("id"));`);
    this.addSql(`alter table "link_code" add constraint "link_code_code_hash_unique" unique ("code_hash");`);

    this.addSql(`create table "instance" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(63) not null, "interval_seconds" int not null default 300, "paused_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "instance" add constraint "instance_workspace_id_name_unique" unique ("workspace_id", "name");`);

    this.addSql(`create table "sync_token" ("id" uuid not null, "instance_id" uuid not null, "visible_id" varchar(16) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "created_by" varchar(200) not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "revoked_by" varchar(200) null, primary key ("id"));`);
    this.addSql(`create index "sync_token_instance_id_index" on "sync_token" ("instance_id");`);
    this.addSql(`alter table "sync_token" add constraint "sync_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "chat_link" ("id" uuid not null, "workspace_id" uuid not null, "platform" varchar(16) not null, "external_id" varchar(128) not null, "linked_at" timestamptz not null, "linked_by" varchar(200) not null, primary key ("id"));`);
    this.addSql(`alter table "chat_link" add constraint "chat_link_platform_external_id_unique" unique ("platform", "external_id");`);

    this.addSql(`create table "audit_log" ("id" serial primary key, "at" timestamptz not null, "workspace_id" uuid null, "instance_id" uuid null, "action" varchar(64) not null, "actor" varchar(200) not null, "origin" varchar(200) not null, "subject" varchar(200) null, "details" jsonb not null default '{}');`);
    this.addSql(`create index "audit_log_workspace_id_at_index" on "audit_log" ("workspace_id", "at");`);

    this.addSql(`alter table "subscription" add constraint "subscription_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "link_code" add constraint "link_code_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "instance" add constraint "instance_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "sync_token" add constraint "sync_token_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "chat_link" add constraint "chat_link_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "audit_log" add constraint "audit_log_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete set null;`);
    this.addSql(`alter table "audit_log" add constraint "audit_log_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete set null;`);

    // A single team never needs a workspace command: everything defaults to this one.
    this.addSql(`insert into "workspace" ("id", "name", "created_at") values (gen_random_uuid(), 'default', now());`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "subscription" drop constraint "subscription_workspace_id_foreign";`);
    this.addSql(`alter table "link_code" drop constraint "link_code_workspace_id_foreign";`);
    this.addSql(`alter table "instance" drop constraint "instance_workspace_id_foreign";`);
    this.addSql(`alter table "chat_link" drop constraint "chat_link_workspace_id_foreign";`);
    this.addSql(`alter table "audit_log" drop constraint "audit_log_workspace_id_foreign";`);
    this.addSql(`alter table "sync_token" drop constraint "sync_token_instance_id_foreign";`);
    this.addSql(`alter table "audit_log" drop constraint "audit_log_instance_id_foreign";`);

    this.addSql(`drop table if exists "workspace" cascade;`);
    this.addSql(`drop table if exists "subscription" cascade;`);
    this.addSql(`drop table if exists "link_code" cascade;`);
    this.addSql(`drop table if exists "instance" cascade;`);
    this.addSql(`drop table if exists "sync_token" cascade;`);
    this.addSql(`drop table if exists "chat_link" cascade;`);
    this.addSql(`drop table if exists "audit_log" cascade;`);
  }

}
