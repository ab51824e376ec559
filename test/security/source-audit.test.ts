// Lint-like checks over src/: SQL gets values only through parameters ($1…), and secrets are never compared with
// === / .equals (timing). A new interpolation into SQL text must be a constant, a server-quoted identifier or go
// through escapeIdentifier/escapeLiteral, and then be listed here with why it is safe.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const SQL_WORD = /\b(SELECT|INSERT|UPDATE|DELETE|ALTER|DROP|CREATE|TRUNCATE|ANALYZE|COPY|GRANT|REVOKE|REFRESH)\s/;

/**
 * Every `${…}` allowed inside SQL text, by file: what is interpolated and why it cannot carry a value from outside.
 * Keys are `file: expression`.
 */
const ALLOWED_INTERPOLATIONS: Record<string, string> = {
  'target/docker.ts: EMBEDDED_DATABASE': 'constant database name',
  "events/actions.ts: event.table ? tableName(event.table) : ''": 'a [a-z_][a-z0-9_]* (schema.)name checked by the scenario parser (TABLE_PATTERN), double-quoted',
  "series/pg-stats.ts: parts.join(',\\n ')": 'constant SELECT lists chosen by the server version',
  "target/docker.ts: settings.synchronousCommit ? 'on' : 'off'": 'one of two literals',
  'target/embedded.ts: EMBEDDED_DATABASE': 'constant database name',
  "target/embedded.ts: settings.synchronousCommit ? 'on' : 'off'": 'one of two literals',
  'target/embedded.ts: sync': "'on' | 'off' from a boolean",
  'target/migrate.ts: client.escapeIdentifier(role)': 'quoted by pg (ALTER ROLE takes no parameters)',
  'target/migrate.ts: client.escapeLiteral(verifier)': 'quoted by pg; a SCRAM verifier computed in Node, never the password',
  'target/seed/catalog.ts: fk.tbl': 'regclass::text from the catalog: quoted by the server',
  'target/seed/catalog.ts: fk.name': 'quote_ident() by the server',
  'target/seed/catalog.ts: key.tbl': 'regclass::text from the catalog',
  'target/seed/catalog.ts: key.name': 'quote_ident() by the server',
  'target/seed/catalog.ts: index.name': 'regclass::text from the catalog',
  'target/seed/catalog.ts: k.tbl': 'regclass::text from the catalog',
  'target/seed/catalog.ts: k.name': 'quote_ident() by the server',
  'target/seed/catalog.ts: k.def': 'pg_get_constraintdef() by the server',
  'target/seed/catalog.ts: f.tbl': 'regclass::text from the catalog',
  'target/seed/catalog.ts: f.name': 'quote_ident() by the server',
  'target/seed/catalog.ts: f.def': 'pg_get_constraintdef() by the server',
  'target/seed/copy-stream.ts: table': 'SEEDED table names: a fixed list',
  "target/seed/copy-stream.ts: columns.join(', ')": 'column names of the fixed table layouts',
  'target/seed/copy-stream.ts: options': 'one of two constant WITH clauses',
  "target/seed/seed-dataset.ts: truncate.join(', ')": 'SEEDED_TABLES plus regclass::text of referencing tables',
  "target/seed/seed-dataset.ts: [...SEEDED_TABLES, ...derived].join(', ')": 'fixed list plus a constant view name',
  'target/seed/seed-dataset.ts: range.type': "the literal type 'uuid' (TableData.partitionKeyRange)",
};

describe('source audit', () => {
  it('SQL text interpolates only constants and server- or pg-quoted identifiers', () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/`((?:[^`\\]|\\.)*)`/gs)) {
        const body = match[1]!;
        if (!SQL_WORD.test(body) || !body.includes('${')) continue;
        for (const expr of body.matchAll(/\$\{([^}]*(?:\{[^}]*\}[^}]*)*)\}/g)) {
          const key = `${path.relative(SRC, file)}: ${expr[1]!.trim()}`;
          // Messages and comments that mention SQL words are not SQL: only lines that reach a query are checked.
          if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|ALTER|DROP|CREATE|TRUNCATE|ANALYZE|COPY|GRANT|REVOKE|REFRESH|WITH)\b/i.test(body)) continue;
          found.push(key);
        }
      }
    }
    const unexpected = found.filter((key) => !(key in ALLOWED_INTERPOLATIONS));
    expect(unexpected, 'SQL built with ${…}: use $1 parameters, or escapeIdentifier + an entry in ALLOWED_INTERPOLATIONS').toEqual([]);
    expect(found.length).toBeGreaterThan(10); // the scan still sees the known ones
  });

  it('no secret (hash, token, secret, password, verifier) is compared with ===, !== or .equals()', () => {
    const secretName = String.raw`[\w.]*(?:[hH]ash|[tT]oken|[sS]ecret|[pP]assword|[vV]erifier|[dD]igest)\b(?!\s*\()`;
    const comparison = new RegExp(String.raw`${secretName}\s*(?:===|!==|==|!=)\s*(?!undefined|null|'|"|\d)[\w.]+|(?:===|!==)\s*${secretName}|${secretName}\.equals\(`);
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // Not secrets: types, lengths, a verify result, and redactUrl checking its own output against '***'.
          // runDigest: a digest of the scenario that identifies a run's shards, public in every results.json, not a secret.
          if (/^\s*(\/\/|\*)/.test(line) || /typeof|\.length|passwordOk|REDACTED|runDigest/.test(line)) return;
          if (comparison.test(line)) offenders.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders, 'compare secrets with crypto.timingSafeEqual on equal-length buffers').toEqual([]);
  });
});
