# %% [markdown]
# # 13. Recurrent networks: time series and text
#
# The networks so far see their whole input at once. A **recurrent network** reads a sequence
# $x_1, x_2, \dots, x_L$ one element at a time and carries a *state* $h_t$ (its memory) from
# each step to the next. The simplest, Elman's RNN, is one layer of the lecture's neurons whose
# inputs are the current $x_t$ *and* the previous state:
#
# $$h_t = \tanh\left(b + W_{ih}\, x_t + W_{hh}\, h_{t-1}\right),$$
#
# with the same weights at every step. Backpropagation through the unrolled loop (*through
# time*) multiplies by $W_{hh}^T$ and $\tanh'$ once per step, so, as in the deep networks of
# notebook 7, gradients vanish over long sequences. The **LSTM** (long short-term memory) adds a
# second state, the *cell* $c_t$, which is changed only by multiplication with a *forget gate*
# and addition, and three gates that decide what to forget, what to write and what to show:
#
# $$\begin{aligned}
# i_t &= \sigma(W_{ii} x_t + W_{hi} h_{t-1} + b_i) &\text{input gate}\\
# f_t &= \sigma(W_{if} x_t + W_{hf} h_{t-1} + b_f) &\text{forget gate}\\
# g_t &= \tanh(W_{ig} x_t + W_{hg} h_{t-1} + b_g) &\text{candidate}\\
# o_t &= \sigma(W_{io} x_t + W_{ho} h_{t-1} + b_o) &\text{output gate}\\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t).
# \end{aligned}$$
#
# This notebook uses both for forecasting a time series, looks inside the LSTM, measures the
# vanishing gradients, and ends with a small language model that writes text.

# %%
import math

import numpy as np
import matplotlib.pyplot as plt
from tqdm import tqdm

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.data import DataLoader, TensorDataset

plt.rcParams.update({"figure.figsize": (5, 3), "figure.dpi": 80})
ag.manual_seed(0)
np.random.seed(0)

# %% [markdown]
# ## A time series: hourly electricity demand
# A series like a power grid's hourly load: a daily cycle with a morning and an evening peak,
# lower demand at weekends, a slow upward trend, and weather-like noise that persists for hours
# (an autoregressive process: each hour keeps 80% of the previous hour's deviation and adds a
# fresh random one). 2000 hours, generated with numpy: the first 1500 hours train the networks,
# the last 500 test them.

# %%
rng = np.random.default_rng(0)
T = 2000
hours = np.arange(T)
weather = np.zeros(T)
for t in range(1, T):
    weather[t] = 0.8 * weather[t - 1] + rng.normal(0, 0.3)
daily = np.sin(2 * np.pi * hours / 24 - np.pi / 2) + 0.4 * np.sin(4 * np.pi * hours / 24)
weekend = np.where((hours // 24) % 7 >= 5, -0.8, 0.0)
load = (10 + 0.0005 * hours + 1.5 * daily + weekend + weather).astype(np.float32)

split = 1500
mean, std = load[:split].mean(), load[:split].std()    # from the training part only
z = (load - mean) / std

fig, ax = plt.subplots(figsize=(10, 2.8))
ax.plot(hours, load, lw=0.6)
ax.axvline(split, color="k", ls="--", lw=1)
ax.text(split + 10, load.max(), "test", va="top")
ax.text(split - 10, load.max(), "training", va="top", ha="right")
ax.set_xlabel("hour")
ax.set_ylabel("load (GW)")
plt.show()

# %% [markdown]
# **Sliding windows.** A forecaster sees the last $W = 24$ hours and predicts the next one. Each
# position of a window over the series gives one training sample: input
# $(z_{t-24}, \dots, z_{t-1})$, target $z_t$. Both networks read the window step by step and a
# linear layer turns their last state $h_{24}$ into the forecast.
#
# The baseline to beat is the **naive forecast**: the next hour equals the last one. For a
# series that changes slowly it is hard to beat, and any forecaster must be compared with it.

# %%
W = 24


def windows(start, stop):
    """Inputs (N, W, 1) and targets (N, 1) for every target hour t in [start + W, stop)."""
    t = np.arange(start + W, stop)
    X = np.stack([z[i - W:i] for i in t])[:, :, None]
    return ag.tensor(X), ag.tensor(z[t][:, None])


X_train, y_train = windows(0, split)
X_test, y_test = windows(split - W, T)          # test targets: the last 500 hours
print("training windows", tuple(X_train.shape), " test windows", tuple(X_test.shape))

naive_mse = F.mse_loss(X_test[:, -1], y_test).item()
print(f"naive forecast (last value): test MSE {naive_mse:.4f}")


class Forecaster(nn.Module):
    """A recurrent layer reads the window; a linear layer maps its last state to the forecast."""

    def __init__(self, recurrent, hidden_size=32):
        super().__init__()
        self.rnn = recurrent(input_size=1, hidden_size=hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):
        out, _ = self.rnn(x)             # out: (N, W, hidden), h_t at every step t
        return self.head(out[:, -1])     # the forecast from the last state


def fit(model, epochs=15):
    ag.manual_seed(0)
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
    test_mse = []
    for epoch in tqdm(range(epochs), desc=type(model.rnn).__name__):
        for xb, yb in loader:
            optimizer.zero_grad()
            F.mse_loss(model(xb), yb).backward()
            optimizer.step()
        with ag.no_grad():
            test_mse.append(F.mse_loss(model(X_test), y_test).item())
    return test_mse


ag.manual_seed(0)
rnn_model = Forecaster(nn.RNN)
ag.manual_seed(0)
lstm_model = Forecaster(nn.LSTM)
print(lstm_model)
rnn_curve = fit(rnn_model)
lstm_curve = fit(lstm_model)

# %% [markdown]
# The weather noise cannot be forecast: even knowing exactly how the series was made, the best
# possible forecast misses by the fresh random part of every hour, variance $0.3^2$ (in the
# normalised units: $0.09 / \text{std}^2$). That is the floor in the plot below.

# %%
floor = 0.3 ** 2 / std ** 2
rnn_mse, lstm_mse = rnn_curve[-1], lstm_curve[-1]
print(f"test MSE   naive {naive_mse:.4f}   RNN {rnn_mse:.4f}   LSTM {lstm_mse:.4f}   "
      f"(floor {floor:.4f})")
assert lstm_mse < 0.7 * naive_mse and rnn_mse < naive_mse

epochs = np.arange(1, len(lstm_curve) + 1)
plt.plot(epochs, rnn_curve, "o-", label="RNN")
plt.plot(epochs, lstm_curve, "o-", label="LSTM")
plt.axhline(naive_mse, color="C3", ls="--", label="naive (last value)")
plt.axhline(floor, color="k", ls=":", label="noise floor")
plt.xlabel("epoch")
plt.ylabel("test MSE (normalised)")
plt.ylim(0, 1.3 * naive_mse)
plt.legend(fontsize=8)
plt.show()

# %%
week = slice(0, 24 * 7)
with ag.no_grad():
    lstm_pred = lstm_model(X_test[week]).numpy()[:, 0] * std + mean
truth = y_test[week].numpy()[:, 0] * std + mean
naive = X_test[week, -1].numpy()[:, 0] * std + mean
fig, ax = plt.subplots(figsize=(10, 3))
t_axis = np.arange(split, split + len(truth))
ax.plot(t_axis, truth, "k", lw=1.5, label="actual")
ax.plot(t_axis, naive, color="C3", lw=1, label="naive: last value")
ax.plot(t_axis, lstm_pred, color="C1", lw=1.5, label="LSTM, one hour ahead")
ax.set_xlabel("hour")
ax.set_ylabel("load (GW)")
ax.set_title("the first test week")
ax.legend(fontsize=8, ncol=3)
plt.show()

# %% [markdown]
# The naive forecast is always one hour late, which costs most where the load rises or falls
# fast. The LSTM has learnt the shape of the day from the last 24 hours and anticipates the
# peaks. The plain RNN also beats the naive forecast on this task: a 24-step window is short
# enough for it. The difference shows on longer dependencies, as we measure below.
#
# ## Inside the LSTM: its gates
# `nn.LSTM` stores its weights as PyTorch does: `weight_ih_l0` is $(4H \times 1)$ and
# `weight_hh_l0` $(4H \times H)$, the gates $i, f, g, o$ stacked in that order. With them we
# run the equations above by hand in numpy over four test days, and check that we get exactly
# what the layer computes.

# %%
lstm = lstm_model.rnn
H = lstm.hidden_size
W_ih = lstm.weight_ih_l0.detach().numpy()
W_hh = lstm.weight_hh_l0.detach().numpy()
b = lstm.bias_ih_l0.detach().numpy() + lstm.bias_hh_l0.detach().numpy()


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


seq = z[split:split + 96]                       # four test days
h, c = np.zeros(H), np.zeros(H)
record = {name: [] for name in ("input gate i", "forget gate f", "output gate o", "cell c", "h")}
for x_t in seq:
    a = W_ih[:, 0] * x_t + W_hh @ h + b         # all four gates' inputs at once
    i, f, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
    c = f * c + i * g
    h = o * np.tanh(c)
    for name, value in zip(record, (i, f, o, c, h)):
        record[name].append(value)
record = {name: np.array(values) for name, values in record.items()}   # (96, H) each

with ag.no_grad():
    out, (h_n, c_n) = lstm(ag.tensor(seq).reshape(1, 96, 1))
assert np.allclose(out.numpy()[0], record["h"], atol=1e-5)
assert np.allclose(c_n.numpy()[0, 0], record["cell c"][-1], atol=1e-5)
print("the equations in numpy reproduce nn.LSTM: h_t at all 96 steps and the final c")

# %% [markdown]
# The layer is nothing but this loop. `nn.LSTMCell` is one step of it, with the same weights
# under the names `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`:

# %%
cell = nn.LSTMCell(1, H)
cell.load_state_dict({name.removesuffix("_l0"): p for name, p in lstm.state_dict().items()})
state = None
with ag.no_grad():
    for x_t in ag.tensor(seq).reshape(96, 1, 1):
        state = cell(x_t, state)               # (h_t, c_t), each (1, H)
assert np.allclose(state[0].numpy(), h_n.numpy()[0], atol=1e-5)
print("96 steps of nn.LSTMCell = nn.LSTM")

# %%
fig, axes = plt.subplots(5, 1, figsize=(10, 8), sharex=True,
                         gridspec_kw={"height_ratios": [1, 1.3, 1.3, 1.3, 1.3]})
axes[0].plot(seq * std + mean, "k")
axes[0].set_ylabel("load")
for ax, name in zip(axes[1:], ["forget gate f", "input gate i", "output gate o", "cell c"]):
    values = record[name].T                     # units x time
    if name == "cell c":
        lim = np.abs(values).max()
        im = ax.imshow(values, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
    else:
        im = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_ylabel(f"{name}\n(unit)", fontsize=9)
    fig.colorbar(im, ax=ax, pad=0.01)
axes[-1].set_xlabel("hour of the four test days")
fig.suptitle("the trained LSTM's gates, unit by unit, while it reads four days")
fig.tight_layout()
plt.show()

def lag_correlation(values, lag):
    """Mean over units of the correlation between a gate at hour t and at hour t + lag."""
    return np.mean([np.corrcoef(u[:-lag], u[lag:])[0, 1] for u in values.T])


for name in ("forget gate f", "input gate i", "output gate o"):
    same, half = lag_correlation(record[name], 24), lag_correlation(record[name], 12)
    print(f"{name}: mean {record[name].mean():.2f};  correlation with itself 24 hours later "
          f"{same:.2f}, 12 hours later {half:.2f}")
    assert same > 0.5 and same > half + 0.3      # the gates follow the daily rhythm
assert 0.3 < record["forget gate f"].mean() < 0.7

# %% [markdown]
# Each row is one of the 32 units. The gates open and close with the daily cycle: the pattern
# repeats every 24 hours (each gate is strongly correlated with itself a day later, and much
# less half a day later). A unit writes into its cell at certain hours of the day (input gate)
# and shows it at others (output gate); the cells (bottom) swing with the day, some positive at
# the evening peak, others at night. The network was never told about days; it found the rhythm
# because it helps the forecast.
#
# The forget gates sit around 0.5: every hour, a cell keeps about half of what it held. That is
# a memory of a few hours, all this forecaster needs, since it only ever sees 24 hours and can
# read the phase of the day from the last few values. A task that needs a longer memory would
# train them towards 1; the next section shows why that matters.
#
# ## Vanishing gradients through time
# How much does the state at the end of a sequence depend on an input long before? We feed
# 16 random sequences of 100 steps into an RNN (tanh) and an LSTM, both freshly initialised
# with 32 units, and measure $|\partial (\sum h_{100}) / \partial x_t|$ for every step $t$: the
# gradient that backpropagation through time delivers to step $t$.
#
# For the LSTM the gradient along the cell is multiplied by $f_t$ per step. PyTorch initialises
# the forget gate's bias at random around 0, so $f_t \approx 0.5$; a common practice is to
# start it at 1 or more, so that the network begins by remembering. We try both.

# %%
L = 100


def input_gradients(layer):
    ag.manual_seed(1)
    x = ag.randn(16, L, 1, requires_grad=True)
    out, _ = layer(x)
    out[:, -1].sum().backward()
    return np.abs(x.grad.numpy()[:, :, 0]).mean(axis=0)       # mean over the 16 sequences


ag.manual_seed(0)
rnn_grad = input_gradients(nn.RNN(1, 32, batch_first=True))
ag.manual_seed(0)
lstm_default = nn.LSTM(1, 32, batch_first=True)
lstm_grad = input_gradients(lstm_default)
ag.manual_seed(0)
lstm_remember = nn.LSTM(1, 32, batch_first=True)
with ag.no_grad():
    lstm_remember.bias_ih_l0[H:2 * H] = 2.0           # forget-gate bias: f starts near 0.9
lstm_remember_grad = input_gradients(lstm_remember)

steps_back = L - 1 - np.arange(L)                     # 0 for the last input
for name, g in [("RNN (tanh)", rnn_grad), ("LSTM, PyTorch's init", lstm_grad),
                ("LSTM, forget bias 2", lstm_remember_grad)]:
    print(f"{name:22s} gradient 1 step back {g[-2]:.1e},  50 steps back {g[L - 51]:.1e}, "
          f" 99 steps back {g[0]:.1e}")
assert rnn_grad[L - 51] < 1e-8 * rnn_grad[-2]         # the RNN forgets within 50 steps
assert lstm_grad[L - 51] > 1e3 * rnn_grad[L - 51]
assert lstm_remember_grad[L - 51] > 1e3 * lstm_grad[L - 51]

plt.semilogy(steps_back, rnn_grad, label="RNN (tanh)")
plt.semilogy(steps_back, lstm_grad, label="LSTM, PyTorch's initialisation")
plt.semilogy(steps_back, lstm_remember_grad, label="LSTM, forget-gate bias 2")
plt.xlabel("steps before the end of the sequence")
plt.ylabel(r"$|\partial \sum h_{100} / \partial x_t|$")
plt.legend(fontsize=8)
plt.title("gradient reaching each input (backpropagation through time)")
plt.show()

# %% [markdown]
# The RNN's gradient shrinks by a roughly constant factor per step: after 50 steps it is smaller
# than $10^{-8}$ of what the last input gets, so the RNN cannot learn that an early input
# matters. The LSTM's gradient also decays, but far more slowly, and its rate is set by the
# forget gates: with $f \approx 0.9$ from the start it still reaches inputs 100 steps back.
# Training can push the forget gates of units that need a long memory towards 1, which an RNN
# has no means to do (the forecaster above had no need to: its forget gates stayed near 0.5).
#
# ## A character-level language model
# Text is a sequence too. A *language model* predicts the next character from the ones before.
# We train it on the first paragraphs of Lewis Carroll's *Alice's Adventures in Wonderland*
# (1865, public domain), in lower case.
#
# * `nn.Embedding(V, 16)` turns each of the $V$ characters into a learned vector of 16 numbers;
# * `nn.LSTM(16, 128)` reads them;
# * `nn.Linear(128, V)` gives, at every step, the logits of the next character, trained with the
#   cross-entropy of notebook 6.
#
# A model that knows nothing gives every character probability $1/V$: loss $\log V$.

# %%
text = """alice was beginning to get very tired of sitting by her sister on the bank, and of
having nothing to do: once or twice she had peeped into the book her sister was reading, but it
had no pictures or conversations in it, 'and what is the use of a book,' thought alice 'without
pictures or conversations?'

so she was considering in her own mind (as well as she could, for the hot day made her feel
very sleepy and stupid), whether the pleasure of making a daisy-chain would be worth the trouble
of getting up and picking the daisies, when suddenly a white rabbit with pink eyes ran close by
her.

there was nothing so very remarkable in that; nor did alice think it so very much out of the
way to hear the rabbit say to itself, 'oh dear! oh dear! i shall be late!' (when she thought it
over afterwards, it occurred to her that she ought to have wondered at this, but at the time it
all seemed quite natural); but when the rabbit actually took a watch out of its
waistcoat-pocket, and looked at it, and then hurried on, alice started to her feet, for it
flashed across her mind that she had never before seen a rabbit with either a
waistcoat-pocket, or a watch to take out of it, and burning with curiosity, she ran across the
field after it, and fortunately was just in time to see it pop down a large rabbit-hole under
the hedge.

in another moment down went alice after it, never once considering how in the world she was to
get out again.

the rabbit-hole went straight on like a tunnel for some way, and then dipped suddenly down, so
suddenly that alice had not a moment to think about stopping herself before she found herself
falling down a very deep well."""
text = " ".join(text.split())               # lines and paragraphs into one stream of words

vocab = sorted(set(text))
V = len(vocab)
index = {ch: k for k, ch in enumerate(vocab)}
encoded = np.array([index[ch] for ch in text])
cut = int(0.9 * len(encoded))
train_ids, val_ids = encoded[:cut], encoded[cut:]      # the last 10% is held out
print(f"{len(text)} characters, vocabulary of V = {V}: {''.join(vocab)!r}")
print(f"uniform guessing: loss log V = {math.log(V):.3f}")

# %% [markdown]
# Training samples are random stretches of 64 characters; the target is the same stretch
# shifted by one character, so every position is a prediction.

# %%
class CharLM(nn.Module):
    def __init__(self, vocab_size, embedding_dim=16, hidden_size=128):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        h, state = self.lstm(self.embed(ids), state)
        return self.out(h), state                # logits (N, L, V), and the LSTM's (h, c)


def sequence_loss(model, ids):
    """Mean cross-entropy of predicting ids[1:] from ids[:-1] (one long sequence)."""
    with ag.no_grad():
        logits, _ = model(ag.tensor(ids[None, :-1]))
        return F.cross_entropy(logits.reshape(-1, V), ag.tensor(ids[1:])).item()


ag.manual_seed(0)
lm = CharLM(V)
optimizer = optim.Adam(lm.parameters(), lr=3e-3)
batch_rng = np.random.default_rng(0)
seq_len, batch_size = 64, 32
history = {"step": [], "train": [], "validation": []}
for step in tqdm(range(1, 301), desc="language model"):
    starts = batch_rng.integers(0, len(train_ids) - seq_len - 1, batch_size)
    xb = ag.tensor(np.stack([train_ids[s:s + seq_len] for s in starts]))
    yb = ag.tensor(np.stack([train_ids[s + 1:s + seq_len + 1] for s in starts]))
    optimizer.zero_grad()
    logits, _ = lm(xb)
    loss = F.cross_entropy(logits.reshape(-1, V), yb.reshape(-1))
    loss.backward()
    optimizer.step()
    if step % 25 == 0:
        history["step"].append(step)
        history["train"].append(sequence_loss(lm, train_ids))
        history["validation"].append(sequence_loss(lm, val_ids))

# %%
counts = np.bincount(train_ids, minlength=V) + 1.0
unigram_loss = -np.log(counts / counts.sum())[val_ids[1:]].mean()   # letter frequencies only
plt.plot(history["step"], history["train"], "o-", label="training text")
plt.plot(history["step"], history["validation"], "o-", label="held-out text")
plt.axhline(math.log(V), color="k", ls="--", label="uniform: log V")
plt.axhline(unigram_loss, color="k", ls=":", label="letter frequencies only")
plt.xlabel("training step")
plt.ylabel("cross-entropy per character")
plt.legend(fontsize=8)
plt.show()
best_val = min(history["validation"])
print(f"training loss {history['train'][-1]:.3f}, best held-out loss {best_val:.3f}, "
      f"log V = {math.log(V):.3f}, letter frequencies alone {unigram_loss:.3f}")
assert history["train"][-1] < 0.3 * math.log(V)
assert best_val < unigram_loss < math.log(V)
assert history["validation"][-1] > best_val + 0.3     # it overfits the short text

# %% [markdown]
# The loss falls far below $\log V$. On the training text it keeps falling (the model is
# learning these 1600 characters by heart), while on the held-out last 10% it is best early and
# then rises: notebook 12's overfitting, with a text far too short for 80 000 weights. Still,
# at its best the held-out loss is below what letter frequencies alone give: the model has
# learnt something about English spelling that carries over to text it has not seen.
#
# ## Writing text
# To generate, we feed a start, then repeatedly sample the next character from the softmax of
# the logits and feed it back, carrying the LSTM's state $(h, c)$ from step to step. A
# *temperature* below 1 sharpens the distribution (safer, more repetitive text).

# %%
def generate(model, start, length=300, temperature=0.7, seed=0):
    rng = np.random.default_rng(seed)
    ids = [index[ch] for ch in start]
    with ag.no_grad():
        logits, state = model(ag.tensor([ids]))            # read the start
        for _ in range(length):
            p = F.softmax(logits[0, -1] / temperature, dim=0).numpy().astype(np.float64)
            next_id = int(rng.choice(V, p=p / p.sum()))
            ids.append(next_id)
            logits, state = model(ag.tensor([[next_id]]), state)   # one step, state carried
    return "".join(vocab[k] for k in ids)


for temperature in (0.5, 1.0):
    sample = generate(lm, "alice ", temperature=temperature)
    print(f"temperature {temperature}:\n{sample}\n")
    assert len(sample) == 306 and set(sample) <= set(vocab)

# %% [markdown]
# At temperature 0.5 the model mostly recites long stretches of the text it has learnt by heart,
# jumping from one to another where two passages share a few characters. At temperature 1 it takes
# more risks: words and phrases of the text mixed with invented words that merely look English,
# with its spaces and punctuation in plausible places, and no meaning. That is what a language
# model is, at any size: a next-token predictor run in a loop; the large ones differ in the amount
# of text, the size of the network, and in using transformers instead of LSTMs.
