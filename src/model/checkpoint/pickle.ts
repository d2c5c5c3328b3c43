// A strict reader for the subset of Python's pickle that torch.save writes for a state dict
// (protocol 2): dicts, lists, tuples, strings, numbers, booleans, None, memo references, and
// objects made by calling a global. It executes nothing: a global is only a name, and the caller
// decides (through `UnpickleHooks`) which names may appear, what calling one gives, and what
// a persistent id (torch's reference to a tensor's storage) stands for. Any other opcode is
// refused, named, with its position.
import { WeightsFormatError } from '../weights.ts';

export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

export class PickleDict {
  readonly entries = new Map<PickleKey, PickleValue>();
}

/** A global named by the pickle and allowed by the hooks (a class or function, never called here). */
export class PickleGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

export type PickleKey = string | number | boolean | null;
export type PickleValue = PickleKey | PickleValue[] | PickleTuple | PickleDict | PickleGlobal | object;

export interface UnpickleHooks {
  /** Why `module.name` may not appear (it is refused where it is named), or null if it may. */
  refuseGlobal(global: PickleGlobal): string | null;
  /** What calling an allowed global with `args` gives (REDUCE); throw to refuse. */
  reduce(callable: PickleValue, args: PickleTuple): PickleValue;
  /** Setting state on an object (BUILD); throw to refuse. */
  build(target: PickleValue, state: PickleValue): void;
  /** What a persistent id stands for (BINPERSID). */
  persistentLoad(pid: PickleValue): PickleValue;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

const NAMES: Record<number, string> = {
  0x28: 'MARK', 0x29: 'EMPTY_TUPLE', 0x2e: 'STOP', 0x47: 'BINFLOAT', 0x4a: 'BININT', 0x4b: 'BININT1', 0x4d: 'BININT2',
  0x4e: 'NONE', 0x51: 'BINPERSID', 0x52: 'REDUCE', 0x58: 'BINUNICODE', 0x5d: 'EMPTY_LIST', 0x61: 'APPEND', 0x62: 'BUILD',
  0x63: 'GLOBAL', 0x65: 'APPENDS', 0x68: 'BINGET', 0x6a: 'LONG_BINGET', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x75: 'SETITEMS', 0x7d: 'EMPTY_DICT', 0x80: 'PROTO', 0x85: 'TUPLE1', 0x86: 'TUPLE2',
  0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x95: 'FRAME',
  // Refused, but named in the error so a person can tell what the file tried.
  0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4c: 'LONG', 0x50: 'PERSID', 0x53: 'STRING',
  0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x64: 'DICT', 0x67: 'GET', 0x69: 'INST', 0x6c: 'LIST',
  0x6f: 'OBJ', 0x70: 'PUT', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x8b: 'LONG4', 0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

export function opcodeName(code: number): string {
  const printable = code >= 0x20 && code < 0x7f ? ` '${String.fromCharCode(code)}'` : '';
  return `0x${code.toString(16).padStart(2, '0')}${printable}${NAMES[code] ? ` (${NAMES[code]})` : ''}`;
}

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, label: string): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;
  let opStart = 0;
  const bad = (why: string) => new WeightsFormatError(`${label}: ${why} (at byte ${opStart})`);
  const need = (n: number) => {
    if (pos + n > bytes.byteLength) throw bad('ends in the middle of an instruction');
  };
  const pop = (): PickleValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks.at(-1)!)) throw bad('pops from an empty stack');
    return stack.pop() as PickleValue;
  };
  const top = (): PickleValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks.at(-1)!)) throw bad('reads an empty stack');
    return stack.at(-1) as PickleValue;
  };
  const popToMark = (): PickleValue[] => {
    const mark = marks.pop();
    if (mark === undefined) throw bad('has no MARK to close');
    return stack.splice(mark) as PickleValue[];
  };
  const text = (n: number) => {
    need(n);
    let value: string;
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(pos, pos + n));
    } catch {
      throw bad('has a string that is not UTF-8');
    }
    pos += n;
    return value;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) throw bad('has an unterminated GLOBAL name');
    const value = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return value;
  };
  const setItems = (target: PickleValue, items: PickleValue[]) => {
    if (!(target instanceof PickleDict)) throw bad('sets items on something that is not a dict');
    if (items.length % 2 !== 0) throw bad('sets a key without a value');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (!(key === null || ['string', 'number', 'boolean'].includes(typeof key))) throw bad('uses a key that is not a string or a number');
      target.entries.set(key as PickleKey, items[i + 1]!);
    }
  };
  const memoGet = (index: number) => {
    if (!memo.has(index)) throw bad(`refers to memo ${index}, which was never stored`);
    return memo.get(index)!;
  };

  while (pos < bytes.byteLength) {
    opStart = pos;
    const code = bytes[pos++]!;
    switch (code) {
      case 0x80: need(1); if (bytes[pos]! < 2 || bytes[pos]! > 5) throw bad(`uses pickle protocol ${bytes[pos]}`); pos += 1; break;
      case 0x95: need(8); pos += 8; break; // FRAME: a length hint for buffered readers; the bytes follow in place
      case 0x7d: stack.push(new PickleDict()); break;
      case 0x5d: stack.push([]); break;
      case 0x29: stack.push(new PickleTuple([])); break;
      case 0x28: marks.push(stack.length); break;
      case 0x74: stack.push(new PickleTuple(popToMark())); break;
      case 0x85: stack.push(new PickleTuple([pop()])); break;
      case 0x86: { const b = pop(); const a = pop(); stack.push(new PickleTuple([a, b])); break; }
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(new PickleTuple([a, b, c])); break; }
      case 0x73: { const value = pop(); const key = pop(); setItems(top(), [key, value]); break; }
      case 0x75: { const items = popToMark(); setItems(top(), items); break; }
      case 0x61: { const value = pop(); const list = top(); if (!Array.isArray(list)) throw bad('appends to something that is not a list'); list.push(value); break; }
      case 0x65: { const items = popToMark(); const list = top(); if (!Array.isArray(list)) throw bad('appends to something that is not a list'); list.push(...items); break; }
      case 0x58: { need(4); const n = view.getUint32(pos, true); pos += 4; stack.push(text(n)); break; }
      case 0x4b: need(1); stack.push(bytes[pos]!); pos += 1; break;
      case 0x4d: need(2); stack.push(view.getUint16(pos, true)); pos += 2; break;
      case 0x4a: need(4); stack.push(view.getInt32(pos, true)); pos += 4; break;
      case 0x8a: stack.push(long1()); break;
      case 0x47: need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4e: stack.push(null); break;
      case 0x71: need(1); memo.set(bytes[pos]!, top()); pos += 1; break;
      case 0x72: need(4); memo.set(view.getUint32(pos, true), top()); pos += 4; break;
      case 0x68: need(1); stack.push(memoGet(bytes[pos]!)); pos += 1; break;
      case 0x6a: need(4); stack.push(memoGet(view.getUint32(pos, true))); pos += 4; break;
      case 0x63: {
        const global = new PickleGlobal(line(), line());
        const refusal = hooks.refuseGlobal(global);
        if (refusal !== null) throw bad(`names the global ${global.qualifiedName.slice(0, 200)}: ${refusal}; refused`);
        stack.push(global);
        break;
      }
      case 0x52: {
        const args = pop();
        const callable = pop();
        if (!(args instanceof PickleTuple)) throw bad('calls a global with arguments that are not a tuple');
        stack.push(hooks.reduce(callable, args));
        break;
      }
      case 0x62: { const state = pop(); hooks.build(top(), state); break; }
      case 0x51: stack.push(hooks.persistentLoad(pop())); break;
      case 0x2e: {
        if (marks.length > 0 || stack.length !== 1) throw bad('stops with an unfinished stack');
        return stack[0] as PickleValue;
      }
      default:
        throw bad(`has opcode ${opcodeName(code)}, which is not one torch.save uses for a state dict; refused`);
    }
  }
  throw new WeightsFormatError(`${label}: ends without STOP`);

  function long1(): number {
    need(1);
    const n = bytes[pos]!;
    pos += 1;
    if (n > 8) throw bad(`has a ${n}-byte integer`);
    need(n);
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[pos + i]!);
    if (n > 0 && bytes[pos + n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
    pos += n;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw bad(`has the integer ${value}, too large for any tensor`);
    return Number(value);
  }
}
