// Kernels are declared once, typed: which buffers they bind (in binding order), the workgroup
// size and other `override` constants, and a TS function for the dispatch grid. WGSL sources are
// never templated: sizes reach the shader as pipeline-override constants or in buffers, so no
// number is copied by hand between TS and WGSL.
//
// Storage precision is the one thing chosen before compilation. WGSL has no generics, so a kernel
// with f32 and f16 variants writes its storage element type as `T`, and the kernel layer puts a
// header naming the type (`enable f16; alias T = f16;`) in front of the source. Arithmetic that
// needs range or accuracy converts to f32 explicitly in the shader.

export type BindingKind = 'read-only-storage' | 'storage' | 'uniform';

export type Precision = 'f32' | 'f16';

const PRECISION_HEADER: Record<Precision, string> = {
  f32: 'alias T = f32;\n',
  f16: 'enable f16;\nalias T = f16;\n',
};

/** Bytes per element of storage in `precision`. */
export const BYTES_PER_ELEMENT: Record<Precision, number> = { f32: 4, f16: 2 };

export interface KernelSpec<Binding extends string, Params> {
  /** Label for pipelines and profiling. */
  readonly name: string;
  /** WGSL source, imported from shaders/ with `?raw`. */
  readonly code: string;
  readonly entryPoint: string;
  /** Bindings of group 0, in binding-index order. */
  readonly bindings: readonly (readonly [Binding, BindingKind])[];
  /** Values of the shader's `override` constants, WORKGROUP_SIZE among them. */
  readonly overrides: (params: Params) => Record<string, number>;
  /** Number of workgroups in x, y, z. */
  readonly grid: (params: Params) => readonly [number, number?, number?];
  /** Storage precision, for shaders written over `T`; absent for shaders with fixed types. */
  readonly precision?: (params: Params) => Precision;
}

export function defineKernel<Binding extends string, Params>(
  spec: KernelSpec<Binding, Params>,
): KernelSpec<Binding, Params> {
  return spec;
}

export type KernelBuffers<Binding extends string> = Record<Binding, GPUBuffer | GPUBufferBinding>;

interface CompiledKernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

// Pipelines compile once per device, kernel and set of override values, never inside a forward pass.
const pipelineCache = new WeakMap<GPUDevice, Map<string, CompiledKernel>>();
const moduleCache = new WeakMap<GPUDevice, Map<string, GPUShaderModule>>();

function shaderModule(device: GPUDevice, name: string, code: string): GPUShaderModule {
  let modules = moduleCache.get(device);
  if (!modules) moduleCache.set(device, (modules = new Map()));
  let module = modules.get(code);
  if (!module) {
    module = device.createShaderModule({ label: name, code });
    modules.set(code, module);
  }
  return module;
}

export function compileKernel<Binding extends string, Params>(
  device: GPUDevice,
  spec: KernelSpec<Binding, Params>,
  params: Params,
): CompiledKernel {
  const constants = spec.overrides(params);
  const precision = spec.precision?.(params);
  const key = `${spec.name}|${spec.entryPoint}|${precision ?? ''}|${JSON.stringify(constants)}`;
  let kernels = pipelineCache.get(device);
  if (!kernels) pipelineCache.set(device, (kernels = new Map()));
  let compiled = kernels.get(key);
  if (!compiled) {
    const layout = device.createBindGroupLayout({
      label: spec.name,
      entries: spec.bindings.map(([, kind], binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: kind },
      })),
    });
    const pipeline = device.createComputePipeline({
      label: spec.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: {
        module: shaderModule(device, spec.name, precision ? PRECISION_HEADER[precision] + spec.code : spec.code),
        entryPoint: spec.entryPoint,
        constants,
      },
    });
    compiled = { pipeline, layout };
    kernels.set(key, compiled);
  }
  return compiled;
}

/** Records one dispatch of `spec` into `pass`. */
export function dispatchKernel<Binding extends string, Params>(
  device: GPUDevice,
  pass: GPUComputePassEncoder,
  spec: KernelSpec<Binding, Params>,
  params: Params,
  buffers: KernelBuffers<Binding>,
): void {
  const { pipeline, layout } = compileKernel(device, spec, params);
  const bindGroup = bindGroupFor(device, spec, layout, buffers);
  const [x, y = 1, z = 1] = spec.grid(params);
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, y, z);
}

// Bind groups are kept per layout and exact bindings: a sampler loop runs the same kernels on the
// same pooled buffers step after step, so after its first step it creates none. Ids stand for
// buffers in the key (a destroyed buffer's id is never reused, so its stale entries are never hit);
// the cap bounds what stale entries can hold.
const bindGroupCache = new WeakMap<GPUBindGroupLayout, Map<string, GPUBindGroup>>();
const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;
const MAX_BIND_GROUPS_PER_LAYOUT = 1024;

function bufferId(buffer: GPUBuffer): number {
  let id = bufferIds.get(buffer);
  if (id === undefined) bufferIds.set(buffer, (id = nextBufferId++));
  return id;
}

function bindGroupFor<Binding extends string, Params>(
  device: GPUDevice,
  spec: KernelSpec<Binding, Params>,
  layout: GPUBindGroupLayout,
  buffers: KernelBuffers<Binding>,
): GPUBindGroup {
  const entries = spec.bindings.map(([name], binding) => ({ binding, resource: asBufferBinding(buffers[name]) }));
  const key = entries.map(({ resource: r }) => `${bufferId(r.buffer)}:${r.offset ?? 0}:${r.size ?? '-'}`).join('|');
  let groups = bindGroupCache.get(layout);
  if (!groups) bindGroupCache.set(layout, (groups = new Map()));
  let group = groups.get(key);
  if (!group) {
    if (groups.size >= MAX_BIND_GROUPS_PER_LAYOUT) groups.clear();
    group = device.createBindGroup({ label: spec.name, layout, entries });
    groups.set(key, group);
  }
  return group;
}

function asBufferBinding(resource: GPUBuffer | GPUBufferBinding): GPUBufferBinding {
  return 'buffer' in resource ? resource : { buffer: resource };
}

/**
 * Splits `count` workgroups over x and y so neither exceeds the device's per-dimension limit
 * (65 535 by default). Shaders recover the flat index as `id.x + id.y * num_workgroups.x * WG`.
 */
export function grid2d(count: number, maxPerDimension = 65535): readonly [number, number] {
  if (count <= maxPerDimension) return [Math.max(1, count), 1];
  const y = Math.ceil(count / maxPerDimension);
  return [Math.ceil(count / y), y];
}
