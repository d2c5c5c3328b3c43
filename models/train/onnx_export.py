"""ONNX export whose weights are the safetensors bytes themselves (ONNX external data), no second copy.

torch.onnx.export writes every parameter as an f32 initializer named by its state-dict name (constant
folding off, so no parameter is rewritten into a new, folded tensor). We then replace each one with an
*external* initializer that points into the shipped safetensors file:
    location = "<part>.safetensors", offset = data start + data_offsets[0], length = bytes
The safetensors hold f16 while the graphs compute in f32, so the external initializer is declared
FLOAT16 under the name "<name>::f16" and a Cast(to=FLOAT) node at the top of the graph produces the
original "<name>" the graph consumes. ONNX Runtime folds these Casts once at session creation.
"""
import io
import warnings

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import safetensors_io as st

OPSET = 17


def export(module, args, input_names, output_names, dynamic_axes=None):
    """torch -> onnx.ModelProto (opset 17, initializers named by the state dict)."""
    buf = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')                                # tracer notes on shape arithmetic
        torch.onnx.export(module, args, buf, opset_version=OPSET, do_constant_folding=False,
                          input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes or {})
    return onnx.load_from_string(buf.getvalue())


def link_external_f16(model, file_bytes, location, prefix=''):
    """Point every initializer that is a tensor of the safetensors file at its bytes there.

    `prefix` maps an ONNX initializer name to the safetensors name (the graph may wrap a submodule).
    Checks each f32 initializer equals the stored f16 tensor, so the ONNX graph and the safetensors
    can never silently disagree. Returns the number of linked tensors.
    A sharded part passes `file_bytes` as a list of (shard bytes, shard file name); `location` is then
    unused and each initializer points into the shard that holds it."""
    if isinstance(file_bytes, list):
        return sum(link_external_f16(model, data, where, prefix) for data, where in file_bytes)
    header, start = st.parse_header(file_bytes)
    stored, _ = st.loads(file_bytes)
    graph = model.graph
    kept, casts = [], []
    for init in graph.initializer:
        name = prefix + init.name
        if name not in header:
            kept.append(init)                                         # graph constants stay inline
            continue
        info = header[name]
        if info['dtype'] != 'F16' or init.data_type != TensorProto.FLOAT:
            raise ValueError(f'{name}: expected an f32 initializer over an F16 tensor')
        value = torch.from_numpy(numpy_helper.to_array(init).copy())
        if not torch.equal(value, stored[name].float()):
            raise ValueError(f'{name}: ONNX initializer differs from the safetensors tensor')
        begin, end = info['data_offsets']
        ext = TensorProto(name=init.name + '::f16', data_type=TensorProto.FLOAT16, dims=list(init.dims))
        ext.data_location = TensorProto.EXTERNAL
        for key, val in (('location', location), ('offset', str(start + begin)), ('length', str(end - begin))):
            entry = ext.external_data.add()
            entry.key, entry.value = key, val
        kept.append(ext)
        casts.append(helper.make_node('Cast', [ext.name], [init.name], to=TensorProto.FLOAT,
                                      name=init.name + '::cast'))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return len(casts)


def double_to_float(model):
    """Make every float64 value in the graph float32: Cast(to=DOUBLE) casts to FLOAT instead, and DOUBLE
    constants become FLOAT. The PyTorch twin computes the timestep sinusoid, RoPE angles and a norm's eps
    in float64 (as upstream), which the tracer keeps; but onnxruntime-web's native WebGPU build has no
    DOUBLE Cast on any EP and refuses such graphs. Angles of small integer positions and 1e-12 lose
    nothing that matters in float32 (the graphs still match the goldens to 1e-4).
    Returns the number of nodes changed."""
    changed = 0
    for node in model.graph.node:
        for attr in node.attribute:
            if node.op_type == 'Cast' and attr.name == 'to' and attr.i == TensorProto.DOUBLE:
                attr.i = TensorProto.FLOAT
                changed += 1
            elif attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.DOUBLE:
                value = numpy_helper.to_array(attr.t).astype('float32')
                attr.t.CopyFrom(numpy_helper.from_array(value, attr.t.name))
                changed += 1
    for init in model.graph.initializer:
        if init.data_type == TensorProto.DOUBLE:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype('float32'), init.name))
            changed += 1
    return changed


def strip_names(model):
    """Drop node names and doc strings and give intermediate values short names: all optional or
    internal in ONNX, and about half of the tiny graphs' bytes (torch names every value by its path)."""
    graph = model.graph
    keep = {v.name for v in graph.input} | {v.name for v in graph.output} | {t.name for t in graph.initializer}
    keep |= {n.output[0] for n in graph.node if n.op_type == 'Cast' and n.name.endswith('::cast')}
    short = {}
    for node in graph.node:
        for i, name in enumerate(node.output):
            if name and name not in keep:
                short.setdefault(name, f'v{len(short)}')
                node.output[i] = short[name]
        for i, name in enumerate(node.input):
            node.input[i] = short.get(name, name)
        if not node.name.endswith('::cast'):
            node.name = ''
        node.doc_string = ''
    del graph.value_info[:]                                            # shape hints, recomputed by ORT
    model.doc_string = ''
