"""The words captions use for each attribute: synonyms, plurals, verb forms. Shared by the caption
grammar, its parser and the tokenizer (whose vocabulary is every word that appears here)."""

COLOUR_WORDS = {
    'red': ['red', 'crimson', 'scarlet'], 'orange': ['orange'], 'yellow': ['yellow', 'golden'],
    'green': ['green', 'emerald'], 'blue': ['blue', 'cobalt'], 'purple': ['purple', 'violet'],
    'pink': ['pink'], 'white': ['white', 'snowy'], 'black': ['black', 'inky'],
    'brown': ['brown', 'chocolate'], 'cyan': ['cyan', 'turquoise'],
}
# (singular, plural)
SHAPE_WORDS = {
    'circle': [('ball', 'balls'), ('circle', 'circles'), ('disc', 'discs'), ('dot', 'dots')],
    'square': [('square', 'squares'), ('box', 'boxes'), ('block', 'blocks')],
    'triangle': [('triangle', 'triangles')],
    'star': [('star', 'stars')],
    'heart': [('heart', 'hearts')],
    'ring': [('ring', 'rings'), ('donut', 'donuts'), ('hoop', 'hoops')],
    'cross': [('cross', 'crosses'), ('plus sign', 'plus signs')],
    'fish': [('fish', 'fish')],
    'bird': [('bird', 'birds')],
    'car': [('car', 'cars')],
    'rocket': [('rocket', 'rockets'), ('spaceship', 'spaceships')],
}
SIZE_WORDS = {'small': ['small', 'tiny', 'little'], 'big': ['big', 'large', 'huge']}
SPEED_WORDS = {'slow': ['slowly', 'gently', 'leisurely'], 'quick': ['quickly', 'fast', 'rapidly', 'swiftly']}
COUNT_WORDS = {1: ['a', 'one'], 2: ['two', 'a pair of'], 3: ['three']}
DIRECTION_WORDS = {
    'left': ['left', 'to the left', 'leftward'], 'right': ['right', 'to the right', 'rightward'],
    'up': ['up', 'upward', 'upwards'], 'down': ['down', 'downward', 'downwards'],
}
# Verbs (singular, plural) for translation; figures also get their own.
MOVE_VERBS = [('moves', 'move'), ('slides', 'slide'), ('drifts', 'drift'), ('glides', 'glide'),
              ('travels', 'travel')]
FIGURE_VERBS = {'fish': [('swims', 'swim')], 'bird': [('flies', 'fly')], 'car': [('drives', 'drive')],
                'rocket': [('flies', 'fly')]}
RISE_VERBS = [('rises', 'rise'), ('floats up', 'float up')]
SINK_VERBS = [('sinks', 'sink'), ('descends', 'descend')]
MOTION_PHRASES = {
    'bounce': [('bounces', 'bounce'), ('bounces up and down', 'bounce up and down'), ('hops', 'hop')],
    'fall': [('falls', 'fall'), ('drops', 'drop'), ('falls down', 'fall down'), ('tumbles down', 'tumble down')],
    'spin': [('spins', 'spin'), ('rotates', 'rotate'), ('twirls', 'twirl'), ('spins around', 'spin around')],
    'grow': [('grows', 'grow'), ('gets bigger', 'get bigger'), ('expands', 'expand'), ('grows larger', 'grow larger')],
    'shrink': [('shrinks', 'shrink'), ('gets smaller', 'get smaller'), ('contracts', 'contract')],
    'pulse': [('pulses', 'pulse'), ('throbs', 'throb'), ('pulsates', 'pulsate')],
    'orbit': [('orbits the center', 'orbit the center'), ('goes around the middle', 'go around the middle'),
              ('revolves around the centre', 'revolve around the centre')],
    'still': [('stays still', 'stay still'), ('sits still', 'sit still'), ('rests', 'rest'),
              ('stays in place', 'stay in place'), ('does not move', 'do not move'), ('stands still', 'stand still')],
}
ZIGZAG_FORMS = [('zigzags {d}', 'zigzag {d}'), ('moves in a zigzag {d}', 'move in a zigzag {d}')]
DIAGONAL_FORMS = ['diagonally {v} and to the {h}', 'diagonally {v} and {h}', 'toward the {corner} {h} corner']
CHASE_FORMS = ['{x} chases {y} {d}', '{x} follows {y} {d}', '{y} flees {d} from {x}',
               '{y} moves {d}, chased by {x}', '{y} runs away {d} from {x}']
ORBIT_FORMS = ['{x} orbits {y}', '{x} revolves around {y}', '{x} goes around {y}', '{y} is orbited by {x}']

BACKGROUND_PHRASES = {
    'plain': ['on a plain background', 'against a plain backdrop', 'on a blank background',
              'in front of a plain wall', 'on a solid background'],
    'day': ['in a blue sky', 'in the daytime sky', 'against a clear day sky', 'in a bright sky',
            'under a sunny sky'],
    'sunset': ['at sunset', 'against a sunset sky', 'on a sunset background', 'at dusk'],
    'night': ['in the night sky', 'under a starry sky', 'at night', 'against a starry night sky',
              'on a dark night background'],
    'sea': ['over the sea', 'above the ocean', 'on a sea background', 'over blue water', 'above the waves'],
    'grass': ['on the grass', 'over a grassy field', 'on a green lawn', 'above a meadow'],
    'stripes': ['on a striped background', 'against stripes', 'in front of striped wallpaper',
                'on a background of stripes'],
    'checker': ['on a checkerboard', 'against a checkered background', 'on a checker pattern',
                'on a chessboard'],
}
# Style: (prefix before a colon, suffix after a comma)
STYLE_PHRASES = {
    'flat': (['flat style', 'flat colors', 'simple flat animation'], ['in a flat style', 'in flat colours', 'flat cartoon style']),
    'pastel': (['pastel', 'soft pastel', 'pastel colors'], ['in pastel colours', 'in soft pastel colors', 'pastel style']),
    'neon': (['neon', 'glowing neon', 'neon glow'], ['in glowing neon', 'neon style', 'with a neon glow']),
    'sketch': (['outline sketch', 'line drawing', 'sketch'], ['drawn in outline', 'as an outline sketch', 'sketched in outline']),
    'pixel': (['pixel art', 'retro pixel art', '8-bit pixel art'], ['in pixel art style', 'as pixel art', 'pixelated']),
}
CAMERA_PHRASES = {
    'pan_left': ['as the camera pans left', 'the camera pans to the left', 'camera panning left'],
    'pan_right': ['as the camera pans right', 'the camera pans to the right', 'camera panning right'],
    'zoom_in': ['as the camera zooms in', 'the camera zooms in', 'camera zooming in'],
    'zoom_out': ['as the camera zooms out', 'the camera zooms out', 'camera zooming out'],
}
JOINERS = [' and ', ', and ', ' while ', '; ', '. ']
