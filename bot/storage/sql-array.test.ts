import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { sqlArray } from './sql-array.ts';

describeStorage('array parameters', (db) => {
  it('reach Postgres element for element, whatever the strings hold', async () => {
    const values = ['slack', 'a,b', 'say "hi"', 'back\\slash', '{braces}', '', 'two words'];
    const [row] = await db().database.orm.em.getConnection().execute<{ values: string[] }[]>('select ?::text[] as values', [sqlArray(values)]);
    expect(row!.values).toEqual(values);
  });
});
