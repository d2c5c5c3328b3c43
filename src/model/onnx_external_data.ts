// The external-data references of an ONNX graph, checked against the weight files before ONNX
// Runtime sees them.
//
// Our graphs keep no weights: each initializer names a file (`location`), an `offset` and a
// `length` in it (the model's safetensors). ORT-web reads those numbers as 32-bit (an offset past
// 4 GiB wraps around and silently reads other bytes) and reports a bad one only as a failed
// session. Reading the references here first turns every wrong one into a clear error that names
// the tensor. The graph is protobuf (onnx.proto3); this reads only the fields on the way to a
// TensorProto, with every length checked against the bytes around it.

export class OnnxGraphError extends Error {
  override readonly name = 'OnnxGraphError';
}

export interface ExternalDataRef {
  tensor: string;
  location: string;
  offset: number;
  /** Bytes to read; null when the graph leaves it out (the rest of the file). */
  length: number | null;
  /** Bytes the tensor's dims and data type need, when the type has a fixed size. */
  expectedBytes: number | null;
}

// Field numbers (onnx.proto3).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_TENSORS = 10;
const ATTRIBUTE_GRAPHS = 11;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const DATA_LOCATION_EXTERNAL = 1;

/** Bytes per element of TensorProto.DataType values with a fixed size. */
const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** Subgraphs (If, Loop, Scan bodies) deeper than this are not a graph we exported. */
const MAX_GRAPH_DEPTH = 16;

interface Field {
  number: number;
  wireType: number;
  /** Varint value (wire type 0), as a number; null when past 2^53. */
  value: number | null;
  /** Payload [start, end) for wire type 2. */
  start: number;
  end: number;
}

/** The fields of the message in bytes [from, to), each bounded by it. */
function* fields(bytes: Uint8Array, from: number, to: number): Generator<Field> {
  let at = from;
  const varint = (): number | null => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= to) throw new OnnxGraphError('the graph is cut off inside a number');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? value : null;
    }
    throw new OnnxGraphError('the graph has a number longer than 10 bytes');
  };
  while (at < to) {
    const key = varint();
    if (key === null || key === 0) throw new OnnxGraphError('the graph has a field with no number');
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      yield { number, wireType, value: varint(), start: at, end: at };
    } else if (wireType === 1 || wireType === 5) {
      const width = wireType === 1 ? 8 : 4;
      if (at + width > to) throw new OnnxGraphError('the graph is cut off inside a fixed-width field');
      yield { number, wireType, value: null, start: at, end: at + width };
      at += width;
    } else if (wireType === 2) {
      const length = varint();
      if (length === null || length > to - at) throw new OnnxGraphError(`a field of the graph claims ${length ?? 'over 2^53'} bytes, past the end of its message`);
      yield { number, wireType, value: null, start: at, end: at + length };
      at += length;
    } else {
      throw new OnnxGraphError(`the graph has a field of wire type ${wireType}, which ONNX does not use`);
    }
  }
}

function text(bytes: Uint8Array, field: Field): string {
  return new TextDecoder().decode(bytes.subarray(field.start, field.end));
}

/** Every tensor of the graph whose data lives in an external file, with where it says the data is. */
export function externalDataRefs(graph: Uint8Array): ExternalDataRef[] {
  const refs: ExternalDataRef[] = [];
  let sawGraph = false;
  for (const field of fields(graph, 0, graph.length)) {
    if (field.number === MODEL_GRAPH && field.wireType === 2) {
      sawGraph = true;
      readGraph(graph, field.start, field.end, refs, 0);
    }
  }
  if (!sawGraph) throw new OnnxGraphError('the file is not an ONNX model: it has no graph');
  return refs;
}

function readGraph(bytes: Uint8Array, from: number, to: number, refs: ExternalDataRef[], depth: number): void {
  if (depth > MAX_GRAPH_DEPTH) throw new OnnxGraphError(`the graph nests subgraphs more than ${MAX_GRAPH_DEPTH} deep`);
  for (const field of fields(bytes, from, to)) {
    if (field.wireType !== 2) continue;
    if (field.number === GRAPH_INITIALIZER) readTensor(bytes, field.start, field.end, refs);
    else if (field.number === GRAPH_NODE) {
      for (const attribute of fields(bytes, field.start, field.end)) {
        if (attribute.number === NODE_ATTRIBUTE && attribute.wireType === 2) readAttribute(bytes, attribute.start, attribute.end, refs, depth);
      }
    }
  }
}

function readAttribute(bytes: Uint8Array, from: number, to: number, refs: ExternalDataRef[], depth: number): void {
  for (const field of fields(bytes, from, to)) {
    if (field.wireType !== 2) continue;
    if (field.number === ATTRIBUTE_TENSOR || field.number === ATTRIBUTE_TENSORS) readTensor(bytes, field.start, field.end, refs);
    else if (field.number === ATTRIBUTE_GRAPH || field.number === ATTRIBUTE_GRAPHS) readGraph(bytes, field.start, field.end, refs, depth + 1);
  }
}

function readTensor(bytes: Uint8Array, from: number, to: number, refs: ExternalDataRef[]): void {
  let name = '';
  let dataType = 0;
  let external = false;
  let elements: number | null = 1;
  const entries = new Map<string, string>();
  const multiply = (dim: number | null) => {
    elements = dim === null || elements === null || !Number.isSafeInteger(elements * dim) ? null : elements * dim;
  };
  for (const field of fields(bytes, from, to)) {
    if (field.number === TENSOR_NAME && field.wireType === 2) name = text(bytes, field);
    else if (field.number === TENSOR_DATA_TYPE && field.wireType === 0) dataType = field.value ?? 0;
    else if (field.number === TENSOR_DATA_LOCATION && field.wireType === 0) external = field.value === DATA_LOCATION_EXTERNAL;
    else if (field.number === TENSOR_DIMS && field.wireType === 0) multiply(field.value);
    else if (field.number === TENSOR_DIMS && field.wireType === 2) {
      for (const dim of packedVarints(bytes, field.start, field.end)) multiply(dim);
    } else if (field.number === TENSOR_EXTERNAL_DATA && field.wireType === 2) {
      let key = '';
      let value = '';
      for (const part of fields(bytes, field.start, field.end)) {
        if (part.number === ENTRY_KEY && part.wireType === 2) key = text(bytes, part);
        else if (part.number === ENTRY_VALUE && part.wireType === 2) value = text(bytes, part);
      }
      entries.set(key, value);
    }
  }
  if (!external) return;
  const tensor = name || '(unnamed)';
  const location = entries.get('location');
  if (!location) throw new OnnxGraphError(`tensor ${tensor} is external data with no location`);
  const number = (key: string): number | null => {
    const raw = entries.get(key);
    if (raw === undefined) return null;
    const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value)) throw new OnnxGraphError(`tensor ${tensor} has external-data ${key} "${raw.slice(0, 40)}", not a whole number of bytes`);
    return value;
  };
  const elementBytes = ELEMENT_BYTES[dataType];
  const expected = elementBytes === undefined || elements === null ? null : elements * elementBytes;
  refs.push({ tensor, location, offset: number('offset') ?? 0, length: number('length'), expectedBytes: Number.isSafeInteger(expected) ? expected : null });
}

function* packedVarints(bytes: Uint8Array, from: number, to: number): Generator<number | null> {
  let at = from;
  while (at < to) {
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i === 10 || at >= to) throw new OnnxGraphError('the graph has a damaged list of dimensions');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    yield Number.isSafeInteger(value) ? value : null;
  }
}

/**
 * Checks that every external-data reference of `graph` names one of `files` and lies inside it,
 * with as many bytes as its tensor's shape needs. `graphName` is for the messages.
 */
export function checkExternalData(graph: Uint8Array, files: readonly { path: string; bytes: Uint8Array }[], graphName: string): void {
  const sizes = new Map(files.map(({ path, bytes }) => [path, bytes.byteLength]));
  const bad = (ref: ExternalDataRef, why: string) => new OnnxGraphError(`${graphName}: tensor ${ref.tensor} ${why}`);
  for (const ref of externalDataRefs(graph)) {
    const size = sizes.get(ref.location);
    if (size === undefined) throw bad(ref, `reads ${ref.location.slice(0, 80)}, which the model does not have`);
    const length = ref.length ?? size - ref.offset;
    if (ref.offset > size || length < 0 || ref.offset + length > size) {
      throw bad(ref, `reads bytes ${ref.offset}–${ref.offset + length} of ${ref.location}, which has only ${size}`);
    }
    if (ref.expectedBytes !== null && length !== ref.expectedBytes) throw bad(ref, `reads ${length} bytes, but its shape needs ${ref.expectedBytes}`);
  }
}
