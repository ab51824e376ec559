// Loaded with `node --import` in a CLI child: makes the optional package testcontainers unresolvable, as after
// `npm ci --omit=optional`, so a test can prove what the CLI does without it (and that it never needs it otherwise).
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'testcontainers' || specifier.startsWith('testcontainers/')) {
    const err = new Error("Cannot find package 'testcontainers' (hidden by test/support/without-testcontainers.mjs)");
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
