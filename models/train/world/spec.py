"""Scene specs: plain data that says what a clip shows (the caption's attributes) and how it is
laid out (positions, phases: free render parameters the caption does not mention)."""
from dataclasses import dataclass, field, replace


@dataclass
class ObjectSpec:
    shape: str
    colour: str
    size: str = 'medium'          # small | medium | big (medium is never named in a caption)
    count: int = 1                # identical copies moving together
    motion: str = 'still'         # one of vocab.MOTIONS
    direction: tuple = (0, 0)     # (dx, dy) signs for 'diagonal', 'zigzag' (dx only)
    speed: str = 'normal'         # slow | normal | quick (named only for vocab.SPEED_MOTIONS)
    relation: str = ''            # '' | 'chases' | 'orbits': relative to objects[target]
    target: int = -1
    # Layout, not captioned: start position as a fraction of the free half-extent ([-1, 1] each),
    # motion phase in [0, 1), turning sense (+1/-1) for spin and orbit, size jitter factor.
    x: float = 0.0
    y: float = 0.0
    phase: float = 0.0
    turn: int = 1
    jitter: float = 1.0


@dataclass
class SceneSpec:
    objects: list
    background: str = 'plain'
    style: str = 'flat'
    camera: str = 'static'
    bg_colours: tuple = ((0.86, 0.80, 0.66), (0.33, 0.38, 0.45))
    bg_vertical: bool = True      # stripes orientation
    bg_period: float = 0.2        # stripe / checker period in units of S
    seed: int = 0                 # texture seed (stars, grass)
    style_word: bool = True       # whether a 'flat' caption names its style

    def copy(self, **changes):
        return replace(self, objects=[replace(o) for o in self.objects], **changes)


def linear_direction(obj):
    """The (dx, dy) unit signs of a translating object (y down), or (0, 0)."""
    return {'left': (-1, 0), 'right': (1, 0), 'up': (0, -1), 'down': (0, 1)}.get(obj.motion, tuple(obj.direction))
