// WebGPU bring-up: one adapter, one device, asked for what the engine can use.
//
// Optional features are requested only when the adapter has them, and the storage limits are
// raised to the adapter's maximum: model weights are large and the default 128 MiB binding limit
// would force needless splits. The resulting `GpuReport` is plain data so it can cross the worker
// boundary and be shown in the UI as it is.
import { EngineError } from '../errors/engine_error.ts';

/** Features the engine uses when present; none is required. */
export const WANTED_FEATURES = ['shader-f16', 'timestamp-query', 'subgroups'] as const;
export type WantedFeature = (typeof WANTED_FEATURES)[number];

/** Limits raised to the adapter's maximum; the defaults are too small for model weights. */
export const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxStorageBuffersPerShaderStage',
] as const;
export type RaisedLimit = (typeof RAISED_LIMITS)[number];

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (e.g. SwiftShader): correct but far too slow for the model. */
  isFallbackAdapter: boolean;
}

export interface GpuReport {
  adapter: AdapterDescription;
  /** Wanted features the device was created with. */
  features: Record<WantedFeature, boolean>;
  limits: Record<RaisedLimit, number>;
}

export interface GpuContext {
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly report: GpuReport;
}

export interface OpenGpuOptions {
  powerPreference?: GPUPowerPreference;
  /** Where navigator.gpu lives; a worker and a page both have one. */
  gpu?: GPU | undefined;
}

export async function openGpu(options: OpenGpuOptions = {}): Promise<GpuContext> {
  const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new EngineError(
      'no-webgpu',
      'This browser does not expose WebGPU. Use a current Chrome or Edge (version 113 or later) on ' +
        'Windows, macOS or ChromeOS, Chrome on Android 121+, or Safari 26+. On Linux, start Chrome with ' +
        '--enable-unsafe-webgpu (or enable chrome://flags/#enable-unsafe-webgpu). In Firefox, WebGPU is ' +
        'on by default from version 141 on Windows; elsewhere set dom.webgpu.enabled in about:config.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new EngineError(
      'no-adapter',
      'WebGPU is present but no GPU adapter is available. The GPU may be blocklisted or hardware ' +
        'acceleration turned off: check chrome://gpu, enable "Use graphics acceleration when available" ' +
        'in the browser settings, or on Linux start Chrome with --enable-unsafe-webgpu.',
    );
  }

  const features = Object.fromEntries(
    WANTED_FEATURES.map((name) => [name, adapter.features.has(name)]),
  ) as Record<WantedFeature, boolean>;
  const requiredFeatures = WANTED_FEATURES.filter((name) => features[name]) as GPUFeatureName[];
  const requiredLimits = Object.fromEntries(RAISED_LIMITS.map((name) => [name, adapter.limits[name]]));

  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: 'zoetrope' });
  } catch (cause) {
    throw new EngineError(
      'device-request-failed',
      'The GPU adapter refused to create a device. Close other tabs that use the GPU and reload; if it ' +
        'persists, restart the browser.',
      cause instanceof Error ? cause.message : String(cause),
    );
  }

  const limits = Object.fromEntries(RAISED_LIMITS.map((name) => [name, device.limits[name]])) as Record<
    RaisedLimit,
    number
  >;
  return { adapter, device, report: { adapter: describeAdapter(adapter), features, limits } };
}

function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = adapter.info;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    // Older @webgpu/types put isFallbackAdapter on the adapter, newer ones on info.
    isFallbackAdapter: Boolean(
      (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
        (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter,
    ),
  };
}

/** A short human name for an adapter, e.g. "nvidia ampere" or "google swiftshader (software)". */
export function adapterName(adapter: AdapterDescription): string {
  const parts = [adapter.vendor, adapter.architecture || adapter.device || adapter.description].filter(Boolean);
  const name = parts.length > 0 ? parts.join(' ') : 'unknown GPU';
  return adapter.isFallbackAdapter ? `${name} (software)` : name;
}
