"""The judge: scores a clip against its caption from the frames alone (see score.py)."""
from .frames import as_frames, read_video, write_video
from .score import judge, judge_clip

__all__ = ['judge', 'judge_clip', 'as_frames', 'read_video', 'write_video']
