"""Frames in, as (3, F, H, W) float32 in [0, 1]: from a tensor in [-1, 1] or [0, 1] (either layout)
or from a video file decoded by ffmpeg (rgb24 through a pipe)."""
import json
import subprocess

import numpy as np
import torch


def read_video(path):
    """(3, F, H, W) in [0, 1] and the frame rate, decoded with ffmpeg/ffprobe."""
    probe = subprocess.run(['ffprobe', '-v', 'error', '-select_streams', 'v:0', '-show_entries',
                            'stream=width,height,r_frame_rate', '-of', 'json', path],
                           check=True, capture_output=True, text=True)
    s = json.loads(probe.stdout)['streams'][0]
    w, h = int(s['width']), int(s['height'])
    num, den = s['r_frame_rate'].split('/')
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
                         check=True, capture_output=True).stdout
    x = np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)
    return torch.from_numpy(x.copy()).permute(3, 0, 1, 2).float() / 255.0, float(num) / float(den)


def write_video(path, video, fps):
    """Write (3, F, H, W) in [0, 1] as H.264 MP4 (yuv420p), as a browser's encoder would."""
    x = (video.clamp(0, 1) * 255).round().byte().permute(1, 2, 3, 0).contiguous().numpy()
    f, h, w, _ = x.shape
    subprocess.run(['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{w}x{h}',
                    '-r', str(fps), '-i', '-', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '18', path],
                   input=x.tobytes(), check=True)


def as_frames(video, value_range=(-1, 1)):
    """Tensor (3, F, H, W) or (F, H, W, 3) -> (3, F, H, W) in [0, 1]. Float tensors are read in
    `value_range` ((-1, 1): the world's and the model's pixels; (0, 1): decoded frames); uint8 as 0..255."""
    x = torch.as_tensor(video)
    if x.dtype == torch.uint8:
        x, value_range = x.float() / 255.0, (0, 1)
    x = x.detach().float().cpu()
    lo, hi = value_range
    x = (x - lo) / (hi - lo)
    if x.shape[0] != 3 and x.shape[-1] == 3:
        x = x.permute(3, 0, 1, 2)
    return x.clamp(0, 1)
