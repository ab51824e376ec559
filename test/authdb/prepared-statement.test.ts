// The `sql` operation's low-level prepared statement against a real PostgreSQL 17: rows, NULLs, UTF-8, errors with
// their SQLSTATE, a client that stays usable after an error, and a statement parsed once per connection.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparedStatement } from '../../src/authdb/prepared-statement.js';
import { parseTimestamptz } from '../../src/authdb/queries.js';
import { adminUrl } from '../support/servers.js';

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: adminUrl(), query_timeout: 5000 });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

describe('PreparedStatement', () => {
  it('returns the row count, binds text, numbers, booleans, NULL and UTF-8', async () => {
    const statement = new PreparedStatement('ab_test_series', 'SELECT g FROM generate_series(1, $1::int) g', 1);
    expect(await statement.run(client, [3])).toBe(3);
    expect(await statement.run(client, ['0'])).toBe(0);
    const echo = new PreparedStatement('ab_test_echo', 'SELECT $1::text IS NULL AS n, $2::text AS t, $3::bool AS b WHERE $2::text = \'Zoë ✓\'', 3);
    expect(await statement.run(client, [1])).toBe(1);
    expect(await echo.run(client, [null, 'Zoë ✓', true])).toBe(1);
    expect(await echo.run(client, [null, 'Zoe', false])).toBe(0);
  });

  it('parses once per connection', async () => {
    const statement = new PreparedStatement('ab_test_once', 'SELECT 1', 0);
    await statement.run(client, []);
    await statement.run(client, []);
    const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_prepared_statements WHERE name = 'ab_test_once'");
    expect(rows[0]!.n).toBe('1');
  });

  it('rejects with the server error (SQLSTATE) and leaves the client usable, re-parsing a statement that failed to parse', async () => {
    const bad = new PreparedStatement('ab_test_bad', 'SELECT 1/$1::int', 1);
    await expect(bad.run(client, [0])).rejects.toMatchObject({ code: '22012' });
    expect(await bad.run(client, [1])).toBe(1);
    const syntax = new PreparedStatement('ab_test_syntax', 'SELEC 1', 0);
    await expect(syntax.run(client, [])).rejects.toMatchObject({ code: '42601' });
    await expect(syntax.run(client, [])).rejects.toMatchObject({ code: '42601' });
    expect((await client.query('SELECT 2 AS x')).rows[0]).toEqual({ x: 2 });
  });

  it('refuses a parameter count that does not match, without sending anything', async () => {
    const statement = new PreparedStatement('ab_test_count', 'SELECT $1::int', 1);
    await expect(statement.run(client, [])).rejects.toThrow(/takes 1 parameters, got 0/);
    expect(await statement.run(client, [5])).toBe(1);
  });

  it('rejects on a query timeout like any pg query', async () => {
    const slow = new pg.Client({ connectionString: adminUrl(), query_timeout: 100 });
    await slow.connect();
    try {
      const sleep = new PreparedStatement('ab_test_sleep', 'SELECT pg_sleep($1::float8)', 1);
      await expect(sleep.run(slow, [0.5])).rejects.toThrow(/timeout/i);
    } finally {
      await slow.end();
    }
  });

  it('firstRow returns the first row as the server printed it, bytea binds as \\x hex, and timestamps read back in any time zone', async () => {
    const statement = new PreparedStatement('ab_test_first', "SELECT g, CASE WHEN g = 1 THEN NULL ELSE 'x' END, encode($2::bytea, 'hex') FROM generate_series(1, $1::int) g", 2);
    expect(await statement.firstRow(client, [3, Buffer.from([0, 1, 0xfe])])).toEqual(['1', null, '0001fe']);
    expect(await statement.firstRow(client, [0, null])).toBeNull();
    const clock = new PreparedStatement('ab_test_clock', "SELECT t::text, (extract(epoch FROM t) * 1000)::float8::text FROM (SELECT '2026-12-01 21:52:11.123456+00'::timestamptz AS t) s", 0);
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham']) {
      await client.query(`SET TimeZone = '${zone}'`);
      const [text, epochMs] = (await clock.firstRow(client, []))!;
      expect(parseTimestamptz(text!)!.getTime()).toBe(Math.floor(Number(epochMs)));
    }
    await client.query('RESET TimeZone');
  });
});
