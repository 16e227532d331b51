/**
 * A Postgres array literal (`{"a","b"}`) for one `?` parameter cast like `?::uuid[]`. MikroORM's
 * `em.execute` expands a JS array into a list of parameters, so a list of ids travels as one
 * literal instead; every element is quoted, so any string is safe in it.
 */
export function sqlArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
