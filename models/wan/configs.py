"""The published models' hyperparameters, read from upstream's code (Wan-Video/Wan2.1
wan/configs/wan_t2v_1_3B.py and wan/modules/{model,t5,vae}.py; madebyollin/taehv taehv.py;
guandeh17/Self-Forcing trainer/distillation.py), and the reductions our twins make of them.

The DiT and text-encoder dicts use the keys of models/train's config (the twins reuse its modules:
one architecture, DESIGN.md), so a Wan checkpoint is that code at Wan's sizes.
"""

# Wan2.1-T2V-1.3B's DiT: WanModel(model_type='t2v', dim=1536, ffn_dim=8960, num_heads=12,
# num_layers=30, ...); no masked-frame input (the published model takes only the noisy latents).
DIT_1_3B = dict(
    dim=1536, num_heads=12, head_dim=128, num_layers=30, ffn_dim=8960, freq_dim=256,
    in_channels=16, out_channels=16, masked_frame_input=False, patch=[1, 2, 2],
    text_dim=4096, text_len=512, rope_theta=10000, eps=1e-6, qk_norm=True, cross_attn_norm=True,
)

# umt5_xxl(encoder_only=True): T5Encoder with shared_pos=False (a relative position table per block).
UMT5_XXL = dict(
    vocab_size=256384, dim=4096, num_heads=64, head_dim=64, num_layers=24, ffn_dim=10240,
    num_buckets=32, max_distance=128, text_len=512, eps=1e-6,
)

# _video_vae(z_dim=16): WanVAE_ with these arguments.
WAN_VAE = dict(
    dim=96, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2, attn_scales=[],
    temperal_downsample=[False, True, True],
)

# TAEHV(checkpoint_path='taew2_1.pth'): patch size 1, 16 latent channels, the default time and
# space scaling (4x in time, 8x in space).
TAEW2_1 = dict(
    latent_channels=16, image_channels=3, encoder_time_downscale=[True, True, False],
    decoder_time_upscale=[False, True, True], decoder_space_upscale=[True, True, True],
)

# The twins: real widths, few blocks. The text encoder's vocabulary is cut (256384 x 4096 rows
# would be 2 GB even in bf16); every other tensor keeps its real shape.
TWIN_DIT_LAYERS = 1
TWIN_UMT5_LAYERS = 1
TWIN_UMT5_VOCAB = 384
