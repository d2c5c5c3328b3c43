"""Puts models/train on the import path: the Wan twins are its DiT and text encoder at Wan's sizes."""
import os
import sys

TRAIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'train')
if TRAIN_DIR not in sys.path:
    sys.path.insert(0, TRAIN_DIR)
