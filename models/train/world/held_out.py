"""Attribute combinations held out of training entirely, to measure compositional generalisation.

Each word appears in training in other combinations; only these pairings are never shown.
split='train' never renders them; split='held_out' renders only scenes containing one.
"""
COLOUR_SHAPE = (('red', 'star'), ('blue', 'heart'), ('yellow', 'fish'), ('purple', 'triangle'),
                ('orange', 'car'))
SHAPE_MOTION = (('square', 'bounce'), ('heart', 'orbit'), ('bird', 'zigzag'), ('triangle', 'grow'),
                ('rocket', 'spin'))


def held_out_pairs(obj):
    """The held-out combinations one object shows (empty for most objects)."""
    pairs = []
    if (obj.colour, obj.shape) in COLOUR_SHAPE:
        pairs.append(('colour_shape', obj.colour, obj.shape))
    if (obj.shape, obj.motion) in SHAPE_MOTION:
        pairs.append(('shape_motion', obj.shape, obj.motion))
    return pairs


def is_held_out(scene):
    return any(held_out_pairs(o) for o in scene.objects)
