// The README's commands table names every command the CLI has (it once lacked `capacity`).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');

it('lists every command of src/cli/commands/ (and completion) in the README commands table', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('Exit codes:'));
  const commands = fs.readdirSync(path.join(REPO, 'src/cli/commands')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
  expect(commands).toContain('capacity');
  for (const name of [...commands, 'completion']) expect(table, name).toMatch(new RegExp(`\`(authbench ${name}\\b|${name}\\b)`));
});
