import { Migration } from '@mikro-orm/migrations';

export class Migration20261203084511_dashboard extends Migration {

  override name = 'Migration20261203084511_dashboard';

  // Dashboard sign-in links and sessions (stored hashed), share links for spend reports, and
  // workspace settings (dashboard.viewers-see-cost).
  override up(): void | Promise<void> {
    this.addSql(`create table "share_link" ("id" uuid not null, "workspace_id" uuid not null, "token_hash" varchar(64) not null, "visible_id" varchar(16) not null, "from_day" timestamptz not null, "to_day" timestamptz not null, "includes" jsonb not null, "created_at" timestamptz not null, "created_by" varchar(200) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_by" varchar(200) null, primary key ("id"));`);
    this.addSql(`alter table "share_link" add constraint "share_link_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "dashboard_sign_in" ("id" uuid not null, "workspace_id" uuid not null, "token_hash" varchar(64) not null, "role" varchar(8) not null, "person" varchar(200) not null, "person_name" varchar(200) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "dashboard_sign_in" add constraint "dashboard_sign_in_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "dashboard_session" ("id" uuid not null, "workspace_id" uuid not null, "session_hash" varchar(64) not null, "csrf_token" varchar(64) not null, "role" varchar(8) not null, "person" varchar(200) not null, "person_name" varchar(200) not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_by" varchar(200) null, primary key ("id"));`);
    this.addSql(`alter table "dashboard_session" add constraint "dashboard_session_session_hash_unique" unique ("session_hash");`);

    this.addSql(`create table "workspace_setting" ("workspace_id" uuid not null, "name" varchar(64) not null, "value" jsonb not null, "updated_at" timestamptz not null, "updated_by" varchar(200) not null, primary key ("workspace_id", "name"));`);

    // Serves the fleet page's spend since midnight over a whole workspace (bot/dashboard/fleet-view.ts).
    this.addSql(`create index "usage_hourly_hour_index" on "usage_hourly" using brin ("hour");`);

    this.addSql(`alter table "share_link" add constraint "share_link_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "dashboard_sign_in" add constraint "dashboard_sign_in_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "dashboard_session" add constraint "dashboard_session_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "workspace_setting" add constraint "workspace_setting_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "share_link" cascade;`);
    this.addSql(`drop table if exists "dashboard_sign_in" cascade;`);
    this.addSql(`drop table if exists "dashboard_session" cascade;`);
    this.addSql(`drop table if exists "workspace_setting" cascade;`);

    this.addSql(`drop index "usage_hourly_hour_index";`);
  }

}
