import { Migration } from '@mikro-orm/migrations';

export class Migration20261121215900_ingest extends Migration {

  override name = 'Migration20261121215900_ingest';

  override up(): void | Promise<void> {
    this.addSql(`create table "usage_hourly" ("instance_id" uuid not null, "hour" timestamptz not null, "model" varchar(128) not null, "runs" bigint not null, "input_tokens" bigint not null, "output_tokens" bigint not null, "cache_read_tokens" bigint not null, "cache_write_tokens" bigint not null, "cost_usd" double precision not null, "errors" bigint not null, "missing_cost" bigint not null, "updated_at" timestamptz not null, primary key ("instance_id", "hour", "model"));`);

    this.addSql(`create table "snapshot" ("instance_id" uuid not null, "snapshot_id" uuid not null, "seq" bigint not null, "received_at" timestamptz not null, "sent_at" timestamptz not null, "next_sync_before" timestamptz not null, "body" bytea not null, primary key ("instance_id", "snapshot_id"));`);
    this.addSql(`create index "snapshot_received_at_index" on "snapshot" using brin ("received_at");`);

    this.addSql(`create table "instance_state" ("instance_id" uuid not null, "last_seen_at" timestamptz not null, "last_seq" bigint not null, "last_snapshot_id" uuid not null, "last_sent_at" timestamptz not null, "clock_skew_ms" bigint not null, "agent_version" varchar(64) not null, "agent_interval_seconds" int not null, "gateway" jsonb not null, "sessions" jsonb not null, "security" jsonb not null, "cron_digest" varchar(64) not null, "cron_changed" boolean not null, primary key ("instance_id"));`);

    this.addSql(`create table "cron_job" ("instance_id" uuid not null, "job_id" varchar(128) not null, "name" varchar(200) not null, "enabled" boolean not null, "schedule" jsonb not null, "last_run_at" timestamptz null, "last_status" varchar(16) null, "last_error_reason" varchar(32) null, "last_duration_ms" bigint null, "next_run_at" timestamptz null, "consecutive_errors" int not null, "auto_disabled" boolean not null default false, "seq" bigint not null, "updated_at" timestamptz not null, primary key ("instance_id", "job_id"));`);

    this.addSql(`alter table "usage_hourly" add constraint "usage_hourly_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "snapshot" add constraint "snapshot_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);

    this.addSql(`alter table "instance_state" add constraint "instance_state_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "cron_job" add constraint "cron_job_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_hourly" cascade;`);
    this.addSql(`drop table if exists "snapshot" cascade;`);
    this.addSql(`drop table if exists "instance_state" cascade;`);
    this.addSql(`drop table if exists "cron_job" cascade;`);
  }

}
