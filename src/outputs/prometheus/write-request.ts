// Prometheus remote write 1.0 on the wire: a WriteRequest protobuf (the subset of prometheus/prompb that carries
// samples), block-compressed with snappy. Encoding by protobufjs and snappy (napi-rs); no hand-rolled codec.
import protobuf from 'protobufjs/light.js';
import { compressSync } from 'snappy';

/** One series: its labels (`__name__` among them) and its samples, oldest first. */
export interface TimeSeries {
  readonly labels: readonly (readonly [name: string, value: string])[];
  readonly samples: readonly { readonly value: number; readonly timestampMs: number }[];
}

// prompb/types.proto and remote.proto, fields as numbered there (Label, Sample, TimeSeries, WriteRequest).
const root = new protobuf.Root();
const Label = new protobuf.Type('Label').add(new protobuf.Field('name', 1, 'string')).add(new protobuf.Field('value', 2, 'string'));
const Sample = new protobuf.Type('Sample').add(new protobuf.Field('value', 1, 'double')).add(new protobuf.Field('timestamp', 2, 'int64'));
const Series = new protobuf.Type('TimeSeries').add(new protobuf.Field('labels', 1, 'Label', 'repeated')).add(new protobuf.Field('samples', 2, 'Sample', 'repeated'));
const WriteRequest = new protobuf.Type('WriteRequest').add(new protobuf.Field('timeseries', 1, 'TimeSeries', 'repeated'));
root.define('prometheus').add(Label).add(Sample).add(Series).add(WriteRequest);
root.resolveAll();

/** The receiver requires each series' labels sorted by name; every name is a valid label name already. */
function sortedLabels(labels: TimeSeries['labels']): { name: string; value: string }[] {
  return labels
    .filter(([, value]) => value !== '')
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The protobuf bytes of one WriteRequest (uncompressed; exported for the round-trip test). */
export function encodeWriteRequest(series: readonly TimeSeries[]): Uint8Array {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: sortedLabels(s.labels),
      samples: s.samples.map((p) => ({ value: p.value, timestamp: Math.round(p.timestampMs) })),
    })),
  });
  return WriteRequest.encode(message).finish();
}

/** Decodes the protobuf bytes back (tests only: the receiver in the integration test is a real Prometheus). */
export function decodeWriteRequest(bytes: Uint8Array): TimeSeries[] {
  const decoded = WriteRequest.toObject(WriteRequest.decode(bytes), { longs: Number, defaults: true }) as {
    timeseries: { labels: { name: string; value: string }[]; samples: { value: number; timestamp: number }[] }[];
  };
  return decoded.timeseries.map((s) => ({ labels: s.labels.map((l) => [l.name, l.value] as const), samples: s.samples.map((p) => ({ value: p.value, timestampMs: p.timestamp })) }));
}

/** The HTTP body of a push: snappy block format, as remote write 1.0 requires. */
export function writeRequestBody(series: readonly TimeSeries[]): Buffer {
  return compressSync(Buffer.from(encodeWriteRequest(series)));
}
