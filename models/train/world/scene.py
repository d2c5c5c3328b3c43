"""Random scene specs, drawn from a torch.Generator (deterministic from its seed).

Rules that keep every scene judgeable from its pixels: objects in one scene have distinct colours,
and an object's colour is far (in RGB) from every colour its background is drawn in (as the style
draws it: faded for sketch, dimmed for neon); symmetric shapes never spin; a camera moves only over
a textured background; pixel art draws no small objects (except one that grows from small).
"""
import math

import torch

from .held_out import COLOUR_SHAPE, SHAPE_MOTION, is_held_out
from .spec import ObjectSpec, SceneSpec
from .styles import NEON_DIM, PAPER, SKETCH_FADE
from .vocab import (ALL_SHAPES, BACKGROUND_PALETTE, BACKGROUNDS, CAMERAS, COLOURS, MOTIONS,
                    SPEED_MOTIONS, SPIN_INVARIANT, STAR_COLOUR, STYLES, TEXTURED, THEMES)

MIN_COLOUR_GAP = 0.42            # RGB distance between an object colour and any background colour
COPY_MOTIONS = ('still', 'left', 'right', 'up', 'down', 'bounce', 'fall', 'spin', 'pulse')
SIZED_MOTIONS = tuple(m for m in MOTIONS if m not in ('grow', 'shrink', 'pulse'))


def _dist(a, b):
    return math.dist(a, b)


def background_colours(scene):
    """Every colour a background can show (themes sampled along their gradient)."""
    kind = scene.background
    if kind in ('plain', 'stripes', 'checker'):
        return list(scene.bg_colours[:1 if kind == 'plain' else 2])
    top, bottom = THEMES[kind]
    cols = [tuple(a + (b - a) * s / 8 for a, b in zip(top, bottom)) for s in range(9)]
    if kind == 'night':
        cols.append(STAR_COLOUR)
    if kind == 'sea':
        cols.append((0.35, 0.68, 0.80))
    if kind == 'grass':
        cols.append((0.45, 0.72, 0.25))
    return cols


def allowed_colours(scene):
    bgc = background_colours(scene)
    if scene.style == 'sketch':          # the background is faded to paper: compare with that
        bgc = [tuple(SKETCH_FADE * c + (1 - SKETCH_FADE) * p for c, p in zip(b, PAPER)) for b in bgc]
    if scene.style == 'neon':            # the background is dimmed (a black object would vanish in it)
        bgc = [tuple(NEON_DIM * c for c in b) for b in bgc]
    return [c for c, rgb in COLOURS.items() if min(_dist(rgb, b) for b in bgc) > MIN_COLOUR_GAP]


class _Draw:
    """Small helpers over one torch.Generator."""

    def __init__(self, generator):
        self.g = generator

    def uniform(self, lo=0.0, hi=1.0):
        return lo + (hi - lo) * torch.rand((), generator=self.g).item()

    def choice(self, seq, weights=None):
        seq = list(seq)
        if weights is None:
            return seq[torch.randint(len(seq), (), generator=self.g).item()]
        w = torch.tensor(weights, dtype=torch.float64)
        return seq[torch.multinomial(w, 1, generator=self.g).item()]

    def chance(self, p):
        return self.uniform() < p

    def int(self, n):
        return torch.randint(n, (), generator=self.g).item()


def _background(d, scene):
    scene.background = d.choice(BACKGROUNDS)
    names = list(BACKGROUND_PALETTE)
    a = d.choice(names)
    b = d.choice([n for n in names if _dist(BACKGROUND_PALETTE[n], BACKGROUND_PALETTE[a]) > 0.3])
    scene.bg_colours = (BACKGROUND_PALETTE[a], BACKGROUND_PALETTE[b])
    scene.bg_vertical = d.chance(0.5)
    scene.bg_period = d.uniform(0.14, 0.26)
    scene.seed = d.int(1 << 20)
    scene.camera = d.choice(CAMERAS, [4, 1, 1, 1, 1]) if scene.background in TEXTURED else 'static'
    if scene.background == 'stripes' and scene.camera in ('pan_left', 'pan_right'):
        scene.bg_vertical = True          # a pan along the stripes would not show


def _object(d, scene, colours, motions, count_ok):
    shape = d.choice(ALL_SHAPES)
    motion = d.choice([m for m in motions if not (m == 'spin' and shape in SPIN_INVARIANT)])
    obj = ObjectSpec(shape=shape, colour=d.choice(colours), motion=motion)
    obj.size = d.choice(('small', 'medium', 'big'), _size_weights(scene)) if motion in SIZED_MOTIONS else 'medium'
    if motion == 'grow':
        obj.size = 'small'
    if motion in SPEED_MOTIONS:
        obj.speed = d.choice(('slow', 'normal', 'quick'), [2, 1, 2])
    if motion == 'diagonal':
        obj.direction = (d.choice((-1, 1)), d.choice((-1, 1)))
    if motion == 'zigzag':
        obj.direction = (d.choice((-1, 1)), 0)
    if count_ok and motion in COPY_MOTIONS and obj.size != 'big' and d.chance(0.3):
        obj.count = d.choice((2, 3))
    obj.x, obj.y = d.uniform(-1, 1), d.uniform(-1, 1)
    obj.phase, obj.turn, obj.jitter = d.uniform(), d.choice((-1, 1)), d.uniform(0.92, 1.08)
    return obj


def _size_weights(scene):
    """Weights of small, medium, big. In pixel art a small object would be some six blocks across,
    too few to tell a star from a circle (for a viewer or the judge): pixel art draws none."""
    return [0, 1, 2] if scene.style == 'pixel' else [2, 1, 2]


def _spread(objects, d):
    """Independent objects start in different thirds of the frame so they rarely overlap."""
    lanes = [-0.75, 0.0, 0.75]
    order = torch.randperm(3, generator=d.g).tolist()
    for o, k in zip(objects, order):
        if not o.relation:
            o.x = lanes[k] + d.uniform(-0.2, 0.2)


def _relation(d, scene, colours):
    """A leader and a follower: 'chases' (same way, behind) or 'orbits' (around a still leader)."""
    kind = d.choice(('chases', 'orbits'))
    c1 = d.choice(colours)
    c2 = d.choice([c for c in colours if c != c1])
    leader = ObjectSpec(shape=d.choice(ALL_SHAPES), colour=c1)
    follower = ObjectSpec(shape=d.choice(ALL_SHAPES), colour=c2, relation=kind, target=0)
    if kind == 'chases':
        leader.motion = follower.motion = d.choice(('left', 'right', 'up', 'down'))
        leader.speed = follower.speed = d.choice(('normal', 'quick'))
        leader.x = follower.x = d.uniform(-1, 1)
        leader.y = follower.y = d.uniform(-1, 1)
    else:
        leader.motion, follower.motion = 'still', 'orbit'
        leader.x, leader.y = d.uniform(-0.3, 0.3), d.uniform(-0.2, 0.2)
        follower.speed = d.choice(('slow', 'normal', 'quick'))
        follower.size = d.choice(('small', 'medium'), _size_weights(scene)[:2])
        leader.size = d.choice(('small', 'medium'), _size_weights(scene)[:2])
    for o in (leader, follower):
        o.phase, o.turn, o.jitter = d.uniform(), d.choice((-1, 1)), d.uniform(0.92, 1.08)
    return [leader, follower]


def valid(scene):
    colours = [o.colour for o in scene.objects]
    ok = allowed_colours(scene)
    return (len(set(colours)) == len(colours) and all(c in ok for c in colours)
            and not (scene.style == 'pixel' and any(o.size == 'small' and o.motion != 'grow' for o in scene.objects))
            and not any(o.motion == 'spin' and o.shape in SPIN_INVARIANT for o in scene.objects))


def _force_held_out(d, scene):
    """Impose one held-out pair on an object of the scene (keeping the scene valid)."""
    obj = scene.objects[0] if not scene.objects[0].relation else scene.objects[1]
    if d.chance(0.5):
        obj.colour, obj.shape = d.choice(COLOUR_SHAPE)
    else:
        shape, motion = d.choice(SHAPE_MOTION)
        if obj.relation or any(o.relation for o in scene.objects):
            obj = scene.objects[0]
            scene.objects = [obj]
        obj.shape, obj.motion = shape, motion
        obj.count = 1
        obj.size = 'small' if motion == 'grow' else ('medium' if motion not in SIZED_MOTIONS or obj.size == 'small' and scene.style == 'pixel' else obj.size)
        if motion == 'zigzag':
            obj.direction = (d.choice((-1, 1)), 0)
        if motion not in SPEED_MOTIONS:
            obj.speed = 'normal'


def sample_scene(generator, split='train'):
    """One random SceneSpec. split: 'train' (no held-out pair anywhere) or 'held_out' (one at least)."""
    if split not in ('train', 'held_out'):
        raise ValueError(f"split must be 'train' or 'held_out', got {split!r}")
    d = _Draw(generator)
    for _ in range(1000):
        scene = SceneSpec(objects=[])
        _background(d, scene)
        scene.style = d.choice(STYLES, [3, 1, 1, 1, 1])
        scene.style_word = scene.style != 'flat' or d.chance(0.5)
        colours = allowed_colours(scene)
        n = d.choice((1, 2, 3), [5, 4, 2])
        if n >= 2 and d.chance(0.5):
            scene.objects = _relation(d, scene, colours)
            if n == 3:
                scene.objects.append(_object(d, scene, colours, [m for m in MOTIONS if m != 'orbit'], False))
        else:
            scene.objects = [_object(d, scene, colours, MOTIONS, n == 1) for _ in range(n)]
        if len(scene.objects) > 1:
            objs = scene.objects
            leaders = {o.target for o in objs if o.relation}
            _spread([o for i, o in enumerate(objs) if not o.relation and i not in leaders], d)
        if split == 'held_out':
            _force_held_out(d, scene)
        if valid(scene) and is_held_out(scene) == (split == 'held_out'):
            return scene
    raise RuntimeError('could not sample a valid scene')
