import { Migration } from '@mikro-orm/migrations';

export class Migration20261202183716_send_window_per_limit extends Migration {

  override name = 'Migration20261202183716_send_window_per_limit';

  // Telegram limits a group to about one message a second and 20 a minute: one row per window length.
  override up(): void | Promise<void> {
    this.addSql(`alter table "channel_send_window" drop constraint "channel_send_window_pkey";`);
    this.addSql(`alter table "channel_send_window" add "window_seconds" int not null default 1;`);
    this.addSql(`alter table "channel_send_window" add primary key ("platform", "channel_id", "window_seconds");`);
  }

  override down(): void | Promise<void> {
    // Only the one-second windows fit the old key; the longer ones are a minute's counts at most.
    this.addSql(`delete from "channel_send_window" where "window_seconds" <> 1;`);
    this.addSql(`alter table "channel_send_window" drop constraint "channel_send_window_pkey";`);
    this.addSql(`alter table "channel_send_window" drop column "window_seconds";`);
    this.addSql(`alter table "channel_send_window" add primary key ("platform", "channel_id");`);
  }

}
