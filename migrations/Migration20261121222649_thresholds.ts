import { Migration } from '@mikro-orm/migrations';

export class Migration20261121222649_thresholds extends Migration {

  override name = 'Migration20261121222649_thresholds';

  override up(): void | Promise<void> {
    this.addSql(`create table "threshold_override" ("id" uuid not null, "workspace_id" uuid not null, "instance_id" uuid null, "name" varchar(64) not null, "value" double precision not null, "updated_at" timestamptz not null, "updated_by" varchar(200) not null, primary key ("id"));`);
    this.addSql(`create unique index "threshold_override_once" on "threshold_override" ("workspace_id", coalesce("instance_id", '00000000-0000-0000-0000-000000000000'::uuid), "name");`);

    this.addSql(`alter table "threshold_override" add constraint "threshold_override_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
    this.addSql(`alter table "threshold_override" add constraint "threshold_override_instance_id_foreign" foreign key ("instance_id") references "instance" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "threshold_override" cascade;`);
  }

}
