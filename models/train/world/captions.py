"""Captions: a small grammar with paraphrases, synonyms and varied word order, and its parser.

`caption(spec, generator)` says everything a scene shows that a viewer could check (colour, shape,
size, count, motion, direction, speed, relation, background, style, camera); `attributes(spec)` is
that same content as data, and `parse_caption(text)` recovers it from the words alone (closed
vocabulary, phrase and keyword matching). The judge scores clips against the parsed attributes.
"""
import re

import torch

from .spec import linear_direction
from .vocab import SPEED_MOTIONS
from .phrases import (BACKGROUND_PHRASES, CAMERA_PHRASES, CHASE_FORMS, COLOUR_WORDS, COUNT_WORDS,
                    DIAGONAL_FORMS, DIRECTION_WORDS, FIGURE_VERBS, JOINERS, MOTION_PHRASES, MOVE_VERBS,
                    ORBIT_FORMS, RISE_VERBS, SHAPE_WORDS, SINK_VERBS, SIZE_WORDS, SPEED_WORDS,
                    STYLE_PHRASES, ZIGZAG_FORMS)

UNSIZED = ('grow', 'shrink', 'pulse')


def attributes(spec):
    """What the caption of `spec` states, in the form parse_caption returns (objects by colour)."""
    objs = []
    for o in spec.objects:
        motion = o.motion
        direction = None
        if motion == 'diagonal':
            direction = tuple(o.direction)
        if motion == 'zigzag':
            direction = (o.direction[0], 0)
        target = spec.objects[o.target].colour if o.relation else None
        speed_named = motion in SPEED_MOTIONS and o.speed != 'normal'
        objs.append({'colour': o.colour, 'shape': o.shape, 'count': o.count,
                     'size': o.size if o.size != 'medium' and motion not in UNSIZED else None,
                     'motion': motion, 'direction': direction, 'speed': o.speed if speed_named else None,
                     'relation': o.relation, 'target': target})
    return {'style': spec.style, 'background': spec.background, 'camera': spec.camera,
            'objects': sorted(objs, key=lambda a: a['colour'])}


# ----------------------------------------------------------------------------------------------
# Writing

class _Pick:
    def __init__(self, generator):
        self.g = generator

    def __call__(self, seq):
        seq = list(seq)
        return seq[torch.randint(len(seq), (), generator=self.g).item()]

    def chance(self, p):
        return torch.rand((), generator=self.g).item() < p


def _noun_phrase(pick, o, size):
    sing, plural = pick(SHAPE_WORDS[o.shape])
    words = [pick(SIZE_WORDS[size])] if size else []
    words += [pick(COLOUR_WORDS[o.colour]), plural if o.count > 1 else sing]
    if o.count > 1:
        return pick(COUNT_WORDS[o.count]) + ' ' + ' '.join(words)
    article = pick(['a', 'one'] if pick.chance(0.15) else ['a'])
    if article == 'a' and words[0][0] in 'aeiou':
        article = 'an'
    return article + ' ' + ' '.join(words)


def _verb(pick, forms, plural):
    s, p = pick(forms)
    return p if plural else s


def _verb_phrase(pick, o, a):
    plural = o.count > 1
    m = a['motion']
    if m in ('left', 'right', 'up', 'down', 'diagonal'):
        verbs = MOVE_VERBS + FIGURE_VERBS.get(o.shape, [])
        if m == 'up' and pick.chance(0.3):
            return _verb(pick, RISE_VERBS, plural)
        if m == 'down' and pick.chance(0.3):
            return _verb(pick, SINK_VERBS, plural)
        if m == 'diagonal':
            dx, dy = a['direction']
            form = pick(DIAGONAL_FORMS)
            return _verb(pick, verbs, plural) + ' ' + form.format(
                v='up' if dy < 0 else 'down', h='left' if dx < 0 else 'right', corner='top' if dy < 0 else 'bottom')
        return _verb(pick, verbs, plural) + ' ' + pick(DIRECTION_WORDS[m])
    if m == 'zigzag':
        return _verb(pick, ZIGZAG_FORMS, plural).format(d=pick(DIRECTION_WORDS['left' if a['direction'][0] < 0 else 'right']))
    return _verb(pick, MOTION_PHRASES[m], plural)


def _with_speed(pick, vp, speed):
    if not speed:
        return vp
    word = pick(SPEED_WORDS[speed])
    if pick.chance(0.5):
        return word + ' ' + vp
    return vp + ' ' + word


def _object_clause(pick, o, a):
    return _noun_phrase(pick, o, a['size']) + ' ' + _with_speed(pick, _verb_phrase(pick, o, a), a['speed'])


def _relation_clause(pick, spec, follower, fa):
    leader = spec.objects[follower.target]
    la = next(x for x in attributes(spec)['objects'] if x['colour'] == leader.colour)
    x, y = _noun_phrase(pick, follower, fa['size']), _noun_phrase(pick, leader, la['size'])
    if follower.relation == 'chases':
        text = pick(CHASE_FORMS).format(x=x, y=y, d=pick(DIRECTION_WORDS[follower.motion]))
    else:
        text = pick(ORBIT_FORMS).format(x=x, y=y)
    speed = fa['speed']
    if speed:
        text += ' ' + pick(SPEED_WORDS[speed])
    return text


def caption(spec, generator):
    """A caption for `spec`, one of many paraphrases (drawn from `generator`)."""
    pick = _Pick(generator)
    attrs = {a['colour']: a for a in attributes(spec)['objects']}
    leaders = {o.target for o in spec.objects if o.relation}
    clauses = []
    for i, o in enumerate(spec.objects):
        if i in leaders:
            continue
        clauses.append(_relation_clause(pick, spec, o, attrs[o.colour]) if o.relation
                       else _object_clause(pick, o, attrs[o.colour]))
    if len(clauses) > 1 and pick.chance(0.3):
        clauses = clauses[::-1]
    body = clauses[0]
    for c in clauses[1:]:
        body += pick(JOINERS) + c
    bg = pick(BACKGROUND_PHRASES[spec.background])
    order = pick(('bg_last', 'bg_first', 'bg_comma'))
    if order == 'bg_first':
        text = bg + ', ' + body
    elif order == 'bg_comma':
        text = body + ', ' + bg
    else:
        text = body + ' ' + bg
    if spec.camera != 'static':
        text += pick((', ', '; ')) + pick(CAMERA_PHRASES[spec.camera])
    if spec.style != 'flat' or spec.style_word:
        prefixes, suffixes = STYLE_PHRASES[spec.style]
        text = pick(prefixes) + ': ' + text if pick.chance(0.5) else text + ', ' + pick(suffixes)
    return text


# ----------------------------------------------------------------------------------------------
# Reading

def words(text):
    """The tokenizer's split: lowercase runs of word characters and runs of punctuation."""
    return re.findall(r'\w+|[^\w\s]+', text.lower())


def _phrase_table(table):
    """{value: [phrases]} -> [(token tuple, value)], longest first."""
    rows = [(tuple(words(p)), v) for v, ps in table.items() for p in ps]
    return sorted(rows, key=lambda r: -len(r[0]))


_STYLE_TABLE = _phrase_table({k: pre + suf for k, (pre, suf) in STYLE_PHRASES.items()})
_BG_TABLE = _phrase_table(BACKGROUND_PHRASES) + _phrase_table({
    'plain': ['plain', 'blank', 'solid'], 'day': ['sky', 'daytime', 'sunny'], 'sunset': ['sunset', 'dusk'],
    'night': ['night', 'starry'], 'sea': ['sea', 'ocean', 'waves', 'water'],
    'grass': ['grass', 'grassy', 'lawn', 'meadow'], 'stripes': ['stripes', 'striped'],
    'checker': ['checkerboard', 'checkered', 'checker', 'chessboard']})
_CAMERA_TABLE = _phrase_table(CAMERA_PHRASES)
_SHAPE_TABLE = _phrase_table({s: [w for pair in ws for w in pair] for s, ws in SHAPE_WORDS.items()})
_COLOUR = {w: c for c, ws in COLOUR_WORDS.items() for w in ws}
_SIZE = {w: s for s, ws in SIZE_WORDS.items() for w in ws}
_SPEED = {w: s for s, ws in SPEED_WORDS.items() for w in ws}
_DIR = {'left': 'left', 'leftward': 'left', 'right': 'right', 'rightward': 'right', 'up': 'up',
        'upward': 'up', 'upwards': 'up', 'top': 'up', 'rises': 'up', 'rise': 'up', 'down': 'down',
        'downward': 'down', 'downwards': 'down', 'bottom': 'down', 'sinks': 'down', 'sink': 'down',
        'descends': 'down', 'descend': 'down'}
_MOTION_KEYS = [  # checked in order: the first motion whose keyword a clause holds wins
    ('zigzag', {'zigzag', 'zigzags'}), ('diagonal', {'diagonally', 'corner'}),
    ('bounce', {'bounces', 'bounce', 'hops', 'hop'}), ('fall', {'falls', 'fall', 'drops', 'drop', 'tumbles', 'tumble'}),
    ('spin', {'spins', 'spin', 'rotates', 'rotate', 'twirls', 'twirl'}),
    ('grow', {'grows', 'grow', 'bigger', 'expands', 'expand'}),
    ('shrink', {'shrinks', 'shrink', 'smaller', 'contracts', 'contract'}),
    ('pulse', {'pulses', 'pulse', 'throbs', 'throb', 'pulsates', 'pulsate'}),
    ('orbit', {'orbits', 'orbit', 'revolves', 'revolve', 'around'}),
    ('still', {'still', 'rests', 'rest', 'place', 'not'}),
]


def _match(tokens, used, table):
    """Find table phrases in tokens (longest first), mark their tokens used; return values in order."""
    found = []
    for phrase, value in table:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tuple(tokens[i:i + n]) == phrase and not any(used[i:i + n]):
                used[i:i + n] = [True] * n
                found.append((i, value, n))
    return sorted(found)


def _directions(gap):
    return {_DIR[w] for w in gap if w in _DIR}


def _motion(gap):
    g = set(gap)
    dirs = _directions(gap)
    for motion, keys in _MOTION_KEYS:
        if g & keys:
            if motion == 'diagonal':
                dx = -1 if 'left' in dirs else 1 if 'right' in dirs else 0
                dy = -1 if 'up' in dirs else 1 if 'down' in dirs else 0
                return 'diagonal', (dx, dy)
            if motion == 'zigzag':
                return 'zigzag', (-1 if 'left' in dirs else 1 if 'right' in dirs else 0, 0)
            return motion, None
    for d in ('left', 'right', 'up', 'down'):
        if d in dirs:
            return d, None
    return None, None


def _speed(gap):
    s = [_SPEED[w] for w in gap if w in _SPEED]
    return s[0] if s else None


def parse_caption(text):
    """Caption text -> attributes (the form of `attributes(spec)`); unknown words are ignored here
    (the tokenizer reports them). Objects are found by their shape nouns."""
    tokens = words(text)
    used = [False] * len(tokens)
    styles = _match(tokens, used, _STYLE_TABLE)
    cams = _match(tokens, used, _CAMERA_TABLE)
    bgs = _match(tokens, used, _BG_TABLE)
    nouns = _match(tokens, used, _SHAPE_TABLE)
    # Noun phrases: the shape noun and the count, size and colour words just before it.
    nps = []
    for i, shape, n in nouns:
        a = {'shape': shape, 'colour': None, 'count': 1, 'size': None, 'start': i, 'end': i + n}
        j = i - 1
        while j >= 0 and not used[j] and (tokens[j] in _COLOUR or tokens[j] in _SIZE):
            if tokens[j] in _COLOUR and a['colour'] is None:
                a['colour'] = _COLOUR[tokens[j]]
            elif tokens[j] in _SIZE:
                a['size'] = _SIZE[tokens[j]]
            j -= 1
        prev = tokens[j] if j >= 0 else ''
        a['count'] = 3 if prev == 'three' else 2 if prev in ('two', 'of') else 1
        a['start'] = j if prev in ('a', 'an', 'one', 'two', 'three', 'of') else j + 1
        nps.append(a)
    gaps = []
    for k, a in enumerate(nps):
        stop = nps[k + 1]['start'] if k + 1 < len(nps) else len(tokens)
        gaps.append([t for t, u in zip(tokens[a['end']:stop], used[a['end']:stop]) if not u])
    objs = [{'colour': a['colour'], 'shape': a['shape'], 'count': a['count'], 'size': a['size'],
             'motion': None, 'direction': None, 'speed': None, 'relation': '', 'target': None} for a in nps]
    k = 0
    while k < len(objs):
        gap = set(gaps[k])
        nxt = k + 1 < len(objs)
        relation = None
        if nxt and gap & {'chases', 'chase', 'follows', 'follow'}:
            relation = ('chases', k, k + 1)
        elif nxt and gap & {'flees', 'flee', 'away', 'chased'}:
            relation = ('chases', k + 1, k)
        elif nxt and 'orbited' in gap:
            relation = ('orbits', k + 1, k)
        elif (nxt and gap & {'orbits', 'orbit', 'revolves', 'revolve', 'goes', 'go'}
              and not gap & {'center', 'centre', 'middle'}):
            relation = ('orbits', k, k + 1)
        if relation is None:
            objs[k]['motion'], objs[k]['direction'] = _motion(gaps[k])
            objs[k]['speed'] = _speed(gaps[k])
            k += 1
            continue
        kind, f, l = relation
        both = gaps[k] + gaps[k + 1]
        follower, leader = objs[f], objs[l]
        follower['relation'], follower['target'] = kind, leader['colour']
        speed = _speed(both)
        if kind == 'chases':
            d = [x for x in ('left', 'right', 'up', 'down') if x in _directions(both)]
            follower['motion'] = leader['motion'] = d[0] if d else None
            follower['speed'] = leader['speed'] = speed
        else:
            follower['motion'], follower['speed'] = 'orbit', speed
            leader['motion'] = 'still'
        k += 2
    return {'style': styles[0][1] if styles else 'flat',
            'background': bgs[0][1] if bgs else None,
            'camera': cams[0][1] if cams else 'static',
            'objects': sorted(objs, key=lambda a: a['colour'] or '')}
