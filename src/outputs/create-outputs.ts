// Turns the outputs chosen (the defaults, --html/--junit, and each --out KIND[=DEST]) into Output objects, in the
// order they are written. The Prometheus stream is loaded only when asked for (its encoders are not needed otherwise).
import path from 'node:path';
import { consoleOutput, defaultFile, hlogOutput, htmlOutput, jsonOutput, junitOutput, type ConsoleStream } from './file-outputs.js';
import type { OutputSpec } from './spec.js';
import type { Output } from './types.js';

export interface OutputChoice {
  /** The report directory: the default home of every file. */
  readonly dir: string;
  /** `--out KIND[=DEST]`, parsed (src/outputs/spec.ts). A file kind named here is written even with --no-html/--no-junit. */
  readonly specs?: readonly OutputSpec[];
  /** The defaults as before `--out KIND` existed: JUnit, HTML and the console summary on unless switched off. */
  readonly html: boolean;
  readonly junit: boolean;
  readonly console: boolean;
  readonly stdout: ConsoleStream;
  /** Where a stream's one warning goes (a receiver that fails); default standard error. */
  readonly warn?: (line: string) => void;
}

/** results.json and the .hlog always; JUnit, HTML, console by the flags; then every stream asked for. */
export async function createOutputs(choice: OutputChoice): Promise<Output[]> {
  const specs = choice.specs ?? [];
  const asked = (kind: OutputSpec['kind']): OutputSpec | undefined => specs.find((s) => s.kind === kind);
  const file = (kind: 'json' | 'hlog' | 'junit' | 'html'): string => {
    const dest = asked(kind)?.dest;
    return dest !== undefined ? path.resolve(dest) : defaultFile(kind, choice.dir);
  };
  const outputs: Output[] = [jsonOutput(file('json')), hlogOutput(file('hlog'))];
  if (choice.junit || asked('junit')) outputs.push(junitOutput(file('junit')));
  if (choice.html || asked('html')) outputs.push(htmlOutput(file('html')));
  const consoleSpec = asked('console');
  if (consoleSpec?.dest !== undefined) outputs.push(consoleOutput({ file: path.resolve(consoleSpec.dest) }));
  if (choice.console || (consoleSpec !== undefined && consoleSpec.dest === undefined)) outputs.push(consoleOutput({ stream: choice.stdout }));
  const receivers = specs.filter((s) => s.kind === 'prometheus-rw');
  if (receivers.length > 0) {
    const { PrometheusRemoteWriteOutput } = await import('./prometheus/remote-write-output.js');
    for (const spec of receivers) outputs.push(new PrometheusRemoteWriteOutput({ url: spec.dest ?? '', ...(choice.warn ? { warn: choice.warn } : {}) }));
  }
  return outputs;
}
