"""The DECOLLE authors' own code (PyPI `decolle` 0.2, PyTorch) run on a given network, for
neurosims to be held to: `LenetDECOLLE` with its convolution layers (padding (k-1)/2, the
authors' fixed choice) and dense layers, its `LIFLayer`s,
`DECOLLELoss` with smooth-L1 local losses (and its regularisers where reg_l > 0),
`torch.optim.Adamax`, trained by the authors'
`decolle.utils.train` (online updates after the burn-in), in float64 so that the comparison
shows neurosims' own rounding, not float32's.

One convention differs, and the comparison sets the authors' network to neurosims': in
decolle 0.2, `DECOLLEBase.init(data, burnin)` runs `max(self.burnin, 1)` steps with the
network's own `burnin` attribute, which is 0 unless set, so `utils.train(..., burnin)` runs
step 0 and then jumps to step `burnin`: the input of steps 1 to burnin-1 never reaches the
network. neurosims runs every step of the burn-in, as train()'s docstring describes it ("time
during which the dynamics will be run, but no updates are made"); `network()` sets
`net.burnin` so that the authors' code does the same.

Install: `pip install torch==2.13.0 h5py pyyaml scipy tqdm tensorboardX` and then
`pip install --no-deps decolle==0.2` (its declared dependencies pull torchneuromorphic,
torchvision and a CUDA build of torch; the model and training modules need none of them).
"""

from __future__ import annotations

import numpy as np


def import_decolle():
    """The authors' modules; an ImportError names what is missing."""
    import torch
    from decolle import base_model, lenet_decolle_model, utils

    return torch, base_model, lenet_decolle_model, utils


def network(params: dict, weights: list[dict], readouts: list[dict], in_shape: tuple, conv=(), dropout: float = 0.0,
            float64: bool = True):
    """The authors' network with these weights: the convolution layers `conv` (network.Conv,
    the first len(conv) of `weights`) on input (C, H, W) `in_shape`, then dense layers; dropout
    `dropout` into the readouts (none for the comparisons: its random masks are torch's),
    float64 (float32: the authors' own, for the benchmark), its burn-in run step by step (see
    above)."""
    torch, base_model, lenet, _ = import_decolle()
    for c in conv:
        if c.padding != (c.kernel - 1) // 2:
            raise ValueError(f"the authors' LenetDECOLLE pads a {c.kernel}x{c.kernel} kernel by {(c.kernel - 1) // 2}")
    dense = weights[len(conv):]
    net = lenet.LenetDECOLLE(
        input_shape=tuple(in_shape), Nhid=[c.channels for c in conv], Mhid=[len(w["b"]) for w in dense],
        out_channels=len(readouts[0]["b"]), kernel_size=[c.kernel for c in conv] or [7], stride=[1],
        pool_size=[c.pool for c in conv] or [1],
        alpha=[params["alpha"]], beta=[params["beta"]], alpharp=[params["alpha_rp"]], wrp=[params["w_rp"]],
        dropout=[dropout], num_conv_layers=len(conv), num_mlp_layers=len(dense), lc_ampl=0.5,
        lif_layer_type=base_model.LIFLayer, method="rtrl", with_output_layer=False, with_bias=True)
    net = net.double() if float64 else net.float()
    net.burnin = int(params["burnin"])
    with torch.no_grad():
        for layer, readout, w, ro in zip(net.LIF_layers, net.readout_layers, weights, readouts):
            layer.base_layer.weight.copy_(torch.as_tensor(w["W"]))
            layer.base_layer.bias.copy_(torch.as_tensor(w["b"]))
            readout.weight.copy_(torch.as_tensor(ro["G"]))
            readout.bias.copy_(torch.as_tensor(ro["b"]))
    return net


def loss_and_optimizer(params: dict, net):
    """The authors' DECOLLELoss (smooth L1 per layer, the regularisers' reg_l) and
    torch.optim.Adamax on `net`, with these parameters."""
    torch, base_model, _, _ = import_decolle()
    loss = base_model.DECOLLELoss([torch.nn.SmoothL1Loss() for _ in net.LIF_layers], net,
                                  reg_l=[params.get("reg_l", 0.0)] * len(net.LIF_layers))
    opt = torch.optim.Adamax(net.get_trainable_parameters(), lr=params["eta"],
                             betas=(params["beta_1"], params["beta_2"]), eps=params["epsilon"])
    return loss, opt


def train(params: dict, weights: list[dict], readouts: list[dict], frames: np.ndarray, labels: np.ndarray,
          sample_steps: int, in_shape: tuple | None = None, conv=(), float64: bool = True) -> dict:
    """Each sample (frames: (samples*sample_steps, n_in), channels in (C, H, W) order for
    convolution layers) run and learned as the authors' train() does it, step by step: per
    layer U, S (after pooling, flattened), the readout r and the local loss at every step after
    each sample's burn-in, and the weights after. The same samples through the authors'
    `utils.train` give `weights_by_utils_train`."""
    torch, _, _, utils = import_decolle()
    burnin = int(params["burnin"])
    n_in, n_classes = frames.shape[1], len(readouts[0]["b"])
    in_shape = tuple(in_shape or (n_in, 1, 1))
    dtype = torch.float64 if float64 else torch.float32
    data = torch.tensor(frames.reshape(-1, sample_steps, *in_shape), dtype=dtype)[:, None]  # (samples, 1, T, C, H, W)
    target = torch.zeros((len(labels), 1, sample_steps, n_classes), dtype=dtype)
    for k, label in enumerate(labels):
        target[k, 0, :, int(label)] = 1
    net = network(params, weights, readouts, in_shape, conv, float64=float64)
    decolle_loss, opt = loss_and_optimizer(params, net)
    record = {name: [[] for _ in weights] for name in ("U", "S", "r", "loss")}
    net.train()
    for sample in range(len(labels)):
        batch, tgt = data[sample], target[sample]
        net.init(batch, burnin)
        for k in range(burnin, sample_steps):
            s, r, u = net.step(batch[:, k, :, :])
            losses = decolle_loss(s, r, u, target=tgt[:, k, :], mask=1, sum_=False)
            sum(losses).backward()
            opt.step()
            opt.zero_grad()
            for l in range(len(weights)):
                record["U"][l].append(u[l][0].detach().numpy().ravel().copy())
                record["S"][l].append(s[l][0].detach().numpy().ravel().copy())
                record["r"][l].append(r[l][0].detach().numpy().copy())
                record["loss"][l].append(float(losses[l]))
    result = {name: [np.array(v) for v in values] for name, values in record.items()}
    result["weights"] = _weights(net)
    # the same samples through the authors' training function
    again = network(params, weights, readouts, in_shape, conv, float64=float64)
    loss_again, opt_again = loss_and_optimizer(params, again)
    utils.train(list(zip(data, target)), loss_again, again, opt_again, 0, burnin, online_update=True)
    result["weights_by_utils_train"] = _weights(again)
    return result


def _weights(net) -> list[dict]:
    return [{"W": layer.base_layer.weight.detach().numpy().copy(), "b": layer.base_layer.bias.detach().numpy().copy()}
            for layer in net.LIF_layers]
