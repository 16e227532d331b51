import { Migration } from '@mikro-orm/migrations';

export class Migration20261203172716_digests_and_mentions extends Migration {

  override name = 'Migration20261203172716_digests_and_mentions';

  override up(): void | Promise<void> {
    this.addSql(`create table "digest_period" ("subscription_id" uuid not null, "period" varchar(10) not null, "queued_at" timestamptz not null, "skipped" boolean not null default false, primary key ("subscription_id", "period"));`);

    this.addSql(`alter table "subscription" add "mention" varchar(64) null, add "mention_severity" varchar(16) not null default 'critical', add "digest_cadence" varchar(8) null, add "digest_weekday" smallint null, add "digest_minute" smallint null, add "digest_skip_quiet" boolean not null default false, add "digest_since" timestamptz null;`);

    this.addSql(`alter table "digest_period" add constraint "digest_period_subscription_id_foreign" foreign key ("subscription_id") references "subscription" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "digest_period" cascade;`);

    this.addSql(`alter table "subscription" drop column "mention", drop column "mention_severity", drop column "digest_cadence", drop column "digest_weekday", drop column "digest_minute", drop column "digest_skip_quiet", drop column "digest_since";`);
  }

}
