"""One command per training stage, so a GPU session only runs commands (models/train/README.md).

    python3 models/train/run_stage.py <stage> [--config zoetrope-s] [--minutes 9] [--out $OUT] [-- extra args]

Checkpoints live in ckpt/<name>/ at the repository root (ignored by git, carried to the GPU machine);
a stage writes its new checkpoint to <out>/<stage>/, which the session copies back into ckpt/<stage>/.
  vae      train_vae.py; resumes ckpt/vae if it is there
  dit      train_dit.py; resumes ckpt/dit, else starts from ckpt/vae (folds the latent scale)
  teacher  (CPU) f16 copy of ckpt/dit into ckpt/teacher: half the bytes to carry
  distill  few_step_distill.py from ckpt/teacher; resumes ckpt/student (an f16 copy of ckpt/distill)
  student  (CPU) f16 copy of ckpt/distill into ckpt/student, for a further distill stage
  export   (CPU) export_zoetrope_s.py ckpt/distill -> models/<config>/ and its goldens
  eval     evaluate_model.py: the shipped models/<config>/ against ckpt/teacher at 32 steps
Each training stage stops itself inside --minutes (checkpoint written).
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))

import checkpoint  # noqa: E402


def half_copy(src, dst):
    """An f16 copy of a checkpoint folder (a frozen teacher, or a student to carry with one)."""
    parts, meta = checkpoint.load(src)
    flat = {f'{p}.{k}': v for p, state in parts.items() for k, v in state.items()}
    checkpoint.save(dst, {p: parts[p] for p in parts}, {**meta, 'copied_from': os.path.basename(src)},
                    dtype=torch.float16)
    return sum(v.numel() for v in flat.values())


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    extra = []
    if '--' in argv:
        i = argv.index('--')
        argv, extra = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('stage', choices=['vae', 'dit', 'teacher', 'distill', 'student', 'export', 'eval'])
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--minutes', type=float, default=9.0)
    p.add_argument('--out', default=os.environ.get('OUT', os.path.join(ROOT, 'ckpt', 'out')))
    p.add_argument('--ckpt', default=os.path.join(ROOT, 'ckpt'))
    args = p.parse_args(argv)
    ck = lambda name: os.path.join(args.ckpt, name)
    has = lambda name: os.path.isdir(ck(name)) and any(f.endswith('.safetensors') for f in os.listdir(ck(name)))
    out = os.path.join(args.out, args.stage)
    common = ['--config', args.config, '--minutes', str(args.minutes), '--out', out]

    if args.stage == 'vae':
        import train_vae
        return train_vae.main(common + (['--resume', ck('vae')] if has('vae') else []) + extra)
    if args.stage == 'dit':
        import train_dit
        start = ['--resume', ck('dit')] if has('dit') else ['--vae', ck('vae')]
        return train_dit.main(common + start + extra)
    if args.stage == 'distill':
        import few_step_distill
        resume = ['--resume', ck('student')] if has('student') else []
        return few_step_distill.main(common + ['--teacher', ck('teacher')] + resume + extra)
    if args.stage == 'teacher':
        print('f16 teacher:', half_copy(ck('dit'), ck('teacher')), 'values')
        return None
    if args.stage == 'student':
        print('f16 student:', half_copy(ck('distill'), ck('student')), 'values')
        return None
    if args.stage == 'export':
        import export_zoetrope_s
        return export_zoetrope_s.main([ck('distill'), '--config', args.config, '--goldens'] + extra)
    if args.stage == 'eval':
        import evaluate_model
        return evaluate_model.main(['--config', args.config, '--teacher', ck('teacher'), '--out', out] + extra)


if __name__ == '__main__':
    main()
