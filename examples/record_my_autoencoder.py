"""Record your own PyTorch autoencoder on handwritten digits, then let ae-explainer show it.

Run it from any folder: ``python examples/record_my_autoencoder.py`` writes my_run.npz and renders/.
EXAMPLE_STEPS=300 trains for fewer steps (the test of this file does that); the default trains properly.
"""

import os
import subprocess
import sys

import torch
from sklearn.datasets import load_digits
from torch import nn

import aecore

STEPS = int(os.environ.get("EXAMPLE_STEPS", "2000"))
digits = load_digits()  # 1,797 images of 8 x 8 pixels, values 0-16, and their digits
x = torch.tensor(digits.data / 16.0, dtype=torch.float32)


torch.manual_seed(0)
# Any torch modules or functions can be recorded; an MLP (nn.Sequential of Linear layers and one
# activation) also keeps its weights, which the images chapter's walk across the plane decodes with.
encoder = nn.Sequential(nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2))
decoder = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64))
optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=3e-3)
rec = aecore.SnapshotRecorder(encoder, decoder, x, out="my_run.npz", image_shape=(8, 8), labels=digits.target)
record_at = {round(STEPS ** (i / 30)) for i in range(31)} | {0}  # 0, then dense early and sparse late
for step in range(STEPS + 1):
    loss = ((decoder(encoder(x)) - x) ** 2).sum(dim=1).mean()
    if step in record_at:
        rec.record(step, loss)  # the model as it is before this step's update
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
rec.close()

explainer = [sys.executable, "-m", "ae_explainer"]
subprocess.run([*explainer, "inspect", "my_run.npz"], check=True)
# The chapters that show a run of images, one still each (leave out --still for video clips).
subprocess.run([*explainer, "render", "--run-file", "my_run.npz", "--still", "--out", "renders"], check=True)
