// What the "This device" panel says about the GPU, storage and cached models, as plain strings.
// Pure, so it is unit-tested in Node.
import { formatBytes as formatSize } from '../../store/range.ts';
import type { GpuReport } from '../../gpu/device.ts';

/** "1.5 GB", "640 kB": store/range.ts's formatter, with "unknown" for what a browser did not say. */
export function formatBytes(bytes: number): string {
  return Number.isFinite(bytes) && bytes >= 0 ? formatSize(bytes) : 'unknown';
}

export interface Fact {
  label: string;
  value: string;
}

/** The adapter as the browser describes it; empty fields say "not reported" rather than vanish. */
export function adapterFacts(report: GpuReport): Fact[] {
  const { adapter, features } = report;
  const orUnreported = (value: string) => value || 'not reported';
  return [
    { label: 'Vendor', value: orUnreported(adapter.vendor) },
    { label: 'Architecture', value: orUnreported(adapter.architecture) },
    { label: 'Description', value: orUnreported(adapter.description || adapter.device) },
    {
      label: 'Kind',
      value: adapter.isFallbackAdapter ? 'software (fallback adapter, runs on the CPU)' : 'hardware GPU',
    },
    {
      label: 'Half precision (f16)',
      value: features['shader-f16'] ? 'yes: the model runs in f16' : 'no: the model runs in f32 (twice the memory traffic)',
    },
  ];
}

/** The limits that decide which models fit: the largest buffer and binding, and fast workgroup memory. */
export function limitFacts(report: GpuReport): Fact[] {
  const { limits } = report;
  return [
    { label: 'Largest buffer', value: formatBytes(limits.maxBufferSize) },
    { label: 'Largest storage binding', value: formatBytes(limits.maxStorageBufferBindingSize) },
    { label: 'Workgroup memory', value: formatBytes(limits.maxComputeWorkgroupStorageSize) },
  ];
}

/** "12 MB of 2.1 GB this site may use (kept under storage pressure)". */
export function describeStorage(use: { usage?: number; quota?: number; persisted: boolean }): string {
  const used = use.usage === undefined ? 'unknown' : formatBytes(use.usage);
  const quota = use.quota === undefined ? '' : ` of ${formatBytes(use.quota)} this site may use`;
  const kept = use.persisted
    ? 'kept even when the device runs low on space'
    : 'the browser may clear it when the device runs low on space';
  return `${used}${quota}; ${kept}.`;
}
