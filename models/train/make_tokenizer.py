"""Write zoetrope-s's tokenizer.json: an HF-format WordLevel tokenizer over the world's whole
vocabulary (every word any caption can contain), in the format of models/tiny-test/tokenizer.json
that src/model/tokenizer.ts and make_tiny.tokenize read: Lowercase, Whitespace pre-tokenizer,
[PAD]=0, [UNK]=1, [EOS]=2 appended to every prompt.

Run: /usr/bin/python3 models/train/make_tokenizer.py [out_path]
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import load_config                      # noqa: E402
from make_tiny import tokenizer_json as tiny_tokenizer_json   # noqa: E402
from world import words as world_words              # noqa: E402
import world.phrases as phrase_tables                # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT_PATH = os.path.join(ROOT, 'models', 'zoetrope-s', 'tokenizer.json')
# Words a user may well type that the grammar does not produce: kept so they are not [UNK].
EXTRA = """a an the of and with on in to over under at by from into across around while as is are
then it its , . ; : ! ? - ' " ( ) color colour colors colours shape object objects background scene
video clip animation moving top bottom""".split()


def _strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _strings(v)


def vocabulary():
    """Every word of every phrase table (template slots removed), sorted; then EXTRA words."""
    found = set()
    for name in dir(phrase_tables):
        if name.isupper():
            for s in _strings(getattr(phrase_tables, name)):
                found.update(world_words(re.sub(r'\{\w+\}', ' ', s)))
    found.update(w for e in EXTRA for w in world_words(e))
    return sorted(found)


def tokenizer_json(vocab_size):
    return tiny_tokenizer_json(vocab_size, vocabulary())


def main(out_path=OUT_PATH):
    cfg = load_config('zoetrope-s')
    tok = tokenizer_json(cfg['text_encoder']['vocab_size'])
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, 'w') as f:
        json.dump(tok, f, indent=1)
        f.write('\n')
    print(f'{out_path}: {len(tok["model"]["vocab"])} tokens')
    return tok


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else OUT_PATH)
