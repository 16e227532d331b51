import { Migration } from '@mikro-orm/migrations';

export class Migration20261121223300_mutes extends Migration {

  override name = 'Migration20261121223300_mutes';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workspace" add "muted_until" timestamptz null;`);

    this.addSql(`alter table "instance" add "muted_until" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "instance" drop column "muted_until";`);

    this.addSql(`alter table "workspace" drop column "muted_until";`);
  }

}
