"""models/zoetrope-s/tokenizer.json: up to date, covers every caption word, fits the text encoder,
and reads the same in the TypeScript tokenizer (src/model/tokenizer.ts) as in its Python twin."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import torch

from config import load_config
from make_tiny import tokenize
from make_tokenizer import OUT_PATH, ROOT, tokenizer_json
from world import caption, sample_scene

CFG = load_config('zoetrope-s')['text_encoder']


def captions(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(n):
        split = 'held_out' if i % 5 == 0 else 'train'
        out.append(caption(sample_scene(g, split), g))
    return out


class WorldTokenizerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(OUT_PATH) as f:
            cls.tok = json.load(f)
        cls.captions = captions(2000)

    def test_committed_file_is_what_make_tokenizer_writes(self):
        self.assertEqual(self.tok, tokenizer_json(CFG['vocab_size']))

    def test_specials_and_ids(self):
        vocab = self.tok['model']['vocab']
        self.assertEqual([vocab['[PAD]'], vocab['[UNK]'], vocab['[EOS]']], [0, 1, 2])
        self.assertEqual(sorted(vocab.values()), list(range(len(vocab))))
        self.assertLess(max(vocab.values()), CFG['vocab_size'])

    def test_2000_captions_have_no_unknown_word_and_fit_text_len(self):
        unk = self.tok['model']['vocab']['[UNK]']
        longest = 0
        for text in self.captions:
            ids, mask = tokenize(self.tok, text, 10_000)
            n = sum(mask)
            self.assertNotIn(unk, ids[:n], text)
            longest = max(longest, n)
        self.assertLessEqual(longest, CFG['text_len'], 'a caption (with [EOS]) exceeds text_len')

    @unittest.skipUnless(shutil.which('node') and os.path.exists(os.path.join(ROOT, 'node_modules', '.bin', 'tsc')),
                         'node and the repository node_modules are needed')
    def test_typescript_tokenizer_reads_it_the_same(self):
        tmp = tempfile.mkdtemp()
        try:
            subprocess.run([os.path.join(ROOT, 'node_modules', '.bin', 'tsc'), '--noCheck', '--target', 'es2022',
                            '--module', 'es2022', '--outDir', tmp, os.path.join(ROOT, 'src', 'model', 'tokenizer.ts')],
                           check=True, capture_output=True)
            # tsc emits the .ts alone: the plain-JavaScript modules it imports (prompt_text.mjs) go beside it
            source = open(os.path.join(ROOT, 'src', 'model', 'tokenizer.ts')).read()
            for name in re.findall(r"from '\./([\w.]+\.mjs)'", source):
                shutil.copy(os.path.join(ROOT, 'src', 'model', name), tmp)
            texts = self.captions[:300] + ['a red zeppelin drifts nearby']
            with open(os.path.join(tmp, 'in.json'), 'w') as f:
                json.dump({'tok': self.tok, 'texts': texts, 'len': CFG['text_len']}, f)
            script = ("import { WordTokenizer } from './tokenizer.js'; import { readFileSync } from 'node:fs';"
                      "const d = JSON.parse(readFileSync('in.json', 'utf8')); const t = WordTokenizer.fromJson(d.tok);"
                      "console.log(JSON.stringify(d.texts.map((s) => { const r = t.encode(s, d.len);"
                      " return { ids: Array.from(r.ids), unknown: r.unknown }; })));")
            with open(os.path.join(tmp, 'check.mjs'), 'w') as f:
                f.write(script)
            out = subprocess.run(['node', 'check.mjs'], cwd=tmp, check=True, capture_output=True, text=True).stdout
            results = json.loads(out)
            for text, r in zip(texts, results):
                self.assertEqual(r['ids'], tokenize(self.tok, text, CFG['text_len'])[0], text)
            self.assertEqual([r['unknown'] for r in results[:-1]], [[]] * 300)
            self.assertEqual(results[-1]['unknown'], ['zeppelin', 'nearby'])   # reported, not dropped
        finally:
            shutil.rmtree(tmp)


if __name__ == '__main__':
    unittest.main()
