// Values for set-based statements that both databases accept. A list travels as one JSON
// parameter, so a statement's text (and its plan) is the same for 5 ids and for 500, and no
// list is split into chunks by a parameter limit.
import { Prisma } from '../generated/prisma/client.ts';
import type { Provider } from './client.ts';

/** A one-column table `(value)` of the given strings, to SELECT FROM or JOIN. */
export function textList(provider: Provider, values: string[]): Prisma.Sql {
  const json = JSON.stringify(values);
  return provider === 'postgresql'
    ? Prisma.sql`(SELECT json_array_elements_text(CAST(${json} AS json)) AS "value")`
    : Prisma.sql`(SELECT j."value" AS "value" FROM json_each(${json}) j)`;
}

/**
 * A timestamp parameter in a SELECT list (INSERT ... SELECT). PostgreSQL types a bare parameter
 * there as text, which a timestamp column refuses; SQLite stores the text Prisma's adapter makes.
 */
export function timestampValue(provider: Provider, date: Date): Prisma.Sql {
  return provider === 'postgresql' ? Prisma.sql`CAST(${date} AS TIMESTAMP(3))` : Prisma.sql`${date}`;
}

/** A boolean a raw query returns: PostgreSQL gives true/false, SQLite 1/0 (a bigint with Prisma). */
export function sqlBoolean(value: unknown): boolean {
  return Boolean(Number(value));
}
