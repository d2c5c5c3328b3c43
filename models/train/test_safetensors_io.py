import struct
import unittest

import torch

import safetensors_io as st


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_all_float_dtypes(self):
        g = torch.Generator().manual_seed(0)
        tensors = {
            'a.f32': torch.randn(3, 5, generator=g),
            'b.f16': torch.randn(7, generator=g).half(),
            'c.bf16': torch.randn(2, 3, 2, generator=g).bfloat16(),
            'd.i32': torch.arange(5, dtype=torch.int32),
            'scalar': torch.tensor(1.5),
        }
        data = st.dumps(tensors, {'format': 'pt', 'n': 3})
        back, meta = st.loads(data)
        self.assertEqual(meta, {'format': 'pt', 'n': '3'})
        self.assertEqual(set(back), set(tensors))
        for name, t in tensors.items():
            self.assertEqual(back[name].dtype, t.dtype, name)
            self.assertEqual(tuple(back[name].shape), tuple(t.shape), name)
            self.assertTrue(torch.equal(back[name], t), name)

    def test_layout(self):
        data = st.dumps({'h': torch.ones(3).half(), 'f': torch.ones(2)})
        (n,) = struct.unpack('<Q', data[:8])
        self.assertEqual((8 + n) % 8, 0, 'data must start 8-byte aligned')
        header, start = st.parse_header(data)
        # widest dtype first, offsets back to back, file ends with the last tensor
        self.assertEqual(header['f']['data_offsets'], [0, 8])
        self.assertEqual(header['h']['data_offsets'], [8, 14])
        self.assertEqual(len(data), start + 14)
        self.assertEqual(data[start:start + 4], struct.pack('<f', 1.0))


if __name__ == '__main__':
    unittest.main()
