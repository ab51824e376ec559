// provisionTarget: one entry point for every target kind. The returned Target is disposed by its one owner
// (`await using target = await provisionTarget(spec)`), which stops only what authbench started.
import type { Target, TargetSpec } from './types.js';

export type { Target, TargetSpec, ServerSettings, TargetKind } from './types.js';

export async function provisionTarget(spec: TargetSpec): Promise<Target> {
  if (!spec.pooler) return provisionServers(spec);
  const { assertPoolerInstalled, withPooler } = await import('./pooler.js');
  assertPoolerInstalled(spec);
  return withPooler(await provisionServers(spec), spec.pooler, spec);
}

async function provisionServers(spec: TargetSpec): Promise<Target> {
  switch (spec.kind) {
    case 'embedded':
      return (await import('./embedded.js')).provisionEmbedded(spec);
    case 'docker':
      return (await import('./docker.js')).provisionDocker(spec);
    case 'external':
      return (await import('./external.js')).provisionExternal(spec);
  }
}
