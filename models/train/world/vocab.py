"""The world's closed set of attribute values: what a scene can contain and the colours it is drawn in.

Everything here is canonical names; the words a caption may use for them (synonyms, plurals, verb
forms) live in captions.py. Colours are RGB in [0, 1]. Positions and sizes are in units of the
frame's short side S, origin at the frame centre, y pointing down.
"""

# Object colours: saturated, far apart in RGB so the judge can segment them by palette.
COLOURS = {
    'red': (0.90, 0.10, 0.10),
    'orange': (1.00, 0.55, 0.00),
    'yellow': (1.00, 0.90, 0.10),
    'green': (0.10, 0.70, 0.15),
    'blue': (0.10, 0.25, 0.95),
    'purple': (0.55, 0.10, 0.80),
    'pink': (1.00, 0.45, 0.80),
    'white': (0.98, 0.98, 0.98),
    'black': (0.05, 0.05, 0.05),
    'brown': (0.50, 0.25, 0.05),
    'cyan': (0.05, 0.85, 0.90),
}

# Geometric shapes and drawn figures (figures face +x, the rocket points up).
SHAPES = ('circle', 'square', 'triangle', 'star', 'heart', 'ring', 'cross')
FIGURES = ('fish', 'bird', 'car', 'rocket')
ALL_SHAPES = SHAPES + FIGURES
# A spinning shape must look different when turned, so the symmetric ones never spin.
SPIN_INVARIANT = ('circle', 'ring')

# Radius (half the extent) in units of S.
SIZES = {'small': 0.075, 'medium': 0.11, 'big': 0.16}

# Motions. 'linear' ones carry a direction (dx, dy) with y down.
MOTIONS = ('still', 'left', 'right', 'up', 'down', 'diagonal', 'bounce', 'fall', 'spin', 'grow',
           'shrink', 'pulse', 'orbit', 'zigzag')
LINEAR = ('left', 'right', 'up', 'down', 'diagonal')
# Motions whose caption may carry a speed word (the judge measures their speed).
SPEED_MOTIONS = ('left', 'right', 'up', 'down', 'diagonal', 'zigzag', 'orbit')
# Translation speed (S per second) and orbit angular speed (turns per second) per speed word.
SPEEDS = {'slow': 0.14, 'normal': 0.28, 'quick': 0.5}
ORBIT_TURNS = {'slow': 0.18, 'normal': 0.3, 'quick': 0.5}

BACKGROUNDS = ('plain', 'day', 'sunset', 'night', 'sea', 'grass', 'stripes', 'checker')
# Backgrounds with texture, where a camera pan or zoom is visible.
TEXTURED = ('night', 'sea', 'grass', 'stripes', 'checker')
CAMERAS = ('static', 'pan_left', 'pan_right', 'zoom_in', 'zoom_out')
STYLES = ('flat', 'pastel', 'neon', 'sketch', 'pixel')

# Colours a plain, striped or checked background is drawn from: muted, away from the object palette.
BACKGROUND_PALETTE = {
    'beige': (0.86, 0.80, 0.66),
    'slate': (0.33, 0.38, 0.45),
    'lavender': (0.70, 0.66, 0.84),
    'mint': (0.66, 0.84, 0.74),
    'sand': (0.78, 0.68, 0.50),
    'teal': (0.16, 0.40, 0.42),
    'olive': (0.55, 0.55, 0.30),
    'peach': (0.95, 0.76, 0.64),
}
# The fixed colours of the themed backgrounds (the renderer draws exactly these).
THEMES = {
    'day': ((0.30, 0.58, 0.92), (0.72, 0.86, 0.98)),      # zenith -> horizon
    'sunset': ((0.30, 0.16, 0.45), (0.98, 0.55, 0.30)),   # purple top -> orange bottom
    'night': ((0.02, 0.03, 0.12), (0.12, 0.16, 0.46)),
    'sea': ((0.02, 0.28, 0.45), (0.04, 0.42, 0.58)),
    'grass': ((0.22, 0.48, 0.12), (0.36, 0.62, 0.20)),
}
STAR_COLOUR = (0.80, 0.85, 1.00)
