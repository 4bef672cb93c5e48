#!/usr/bin/env python3
"""End-to-end merge benchmark: jobs submitted to a running service over HTTP, timed from submit to finish as the job
records them, against a bare numpy script merging the same files (memory-mapped inputs, float32 arithmetic,
one safetensors file written). Every ratio is taken from timings of the same run.

  python3 scripts/bench_e2e.py --url http://127.0.0.1:8080 --dir /tmp/speed-bench [--sizes base,large,xl:bf16]
      [--repeat 3] [--pid PID]

A size may name its dtype (xl:bf16); the default is f32. With --pid (the service's process, same user or root) each
service job's peak resident memory is read from /proc (the peak is reset before each job through clear_refs).

--dir must lie inside one of the service's merge.storage.local-roots. Inputs are generated once (BERT-shaped,
random weights) and kept; outputs are deleted after each run. Needs numpy; no other packages.
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import time
import urllib.request
from datetime import datetime

import numpy as np

SHAPES = {"warmup": (2, 768, 3072, 30522), "base": (12, 768, 3072, 30522), "large": (24, 1024, 4096, 30522),
          "xl": (24, 2048, 8192, 30522)}  # xl: 1.27B parameters; as bf16 its 3 models + base fit the page cache


def tensor_specs(layers, hidden, inter, vocab):
    specs = [("embeddings.word_embeddings.weight", (vocab, hidden)),
             ("embeddings.position_embeddings.weight", (512, hidden)),
             ("embeddings.token_type_embeddings.weight", (2, hidden)),
             ("embeddings.LayerNorm.weight", (hidden,)), ("embeddings.LayerNorm.bias", (hidden,))]
    for l in range(layers):
        p = f"encoder.layer.{l}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            specs += [(p + name + ".weight", (hidden, hidden)), (p + name + ".bias", (hidden,))]
        specs += [(p + "attention.output.LayerNorm.weight", (hidden,)), (p + "attention.output.LayerNorm.bias", (hidden,)),
                  (p + "intermediate.dense.weight", (inter, hidden)), (p + "intermediate.dense.bias", (inter,)),
                  (p + "output.dense.weight", (hidden, inter)), (p + "output.dense.bias", (hidden,)),
                  (p + "output.LayerNorm.weight", (hidden,)), (p + "output.LayerNorm.bias", (hidden,))]
    specs += [("pooler.dense.weight", (hidden, hidden)), ("pooler.dense.bias", (hidden,))]
    return specs


def to_bf16(x):
    """float32 -> bfloat16 bits (uint16), round to nearest even (inputs here are finite)."""
    bits = x.view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, specs, dtype, tensor_of):
    header, offset = {}, 0
    width = 4 if dtype == "F32" else 2
    for name, shape in specs:
        n = int(np.prod(shape)) * width
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for name, shape in specs:
            f.write(tensor_of(name, shape).tobytes())
    os.replace(tmp, path)


def read_header(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        return 8 + n, json.loads(f.read(n))


def generate(folder, specs, dtype, seed, base_folder=None):
    """The base has N(0, 0.02) weights; a model is the base plus N(0, 0.002) (a fine-tune's small task vector)."""
    target = os.path.join(folder, "model.safetensors")
    if os.path.exists(target):
        return
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    base = load(os.path.join(base_folder, "model.safetensors")) if base_folder else None

    def tensor_of(name, shape):
        if base is None:
            x = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
        else:
            x = base(name) + rng.standard_normal(shape, dtype=np.float32) * np.float32(0.002)
        return x if dtype == "F32" else to_bf16(x)

    write_safetensors(target, specs, dtype, tensor_of)
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write('{"model_type": "bert"}\n')


def load(path):
    """name -> float32 array of a safetensors file, memory-mapped (bf16 widened on access)."""
    start, header = read_header(path)
    raw = np.memmap(path, dtype=np.uint8, mode="r")

    def tensor(name):
        h = header[name]
        a, b = h["data_offsets"]
        view = raw[start + a:start + b]
        if h["dtype"] == "F32":
            return view.view(np.float32).reshape(h["shape"])
        return from_bf16(view.view(np.uint16)).reshape(h["shape"])
    return tensor


def numpy_linear(base_folder, model_folders, out_folder):
    """What a bare script does: θ0 + mean(θ_i − θ0) per tensor in float32, written as one safetensors file."""
    path = os.path.join(base_folder, "model.safetensors")
    _, header = read_header(path)
    dtype = next(iter(header.values()))["dtype"]
    specs = [(k, tuple(v["shape"])) for k, v in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])]
    base = load(path)
    models = [load(os.path.join(m, "model.safetensors")) for m in model_folders]

    def merged(name, shape):
        b = base(name)
        acc = np.zeros(shape, dtype=np.float32)
        for m in models:
            acc += m(name) - b
        acc /= np.float32(len(models))
        acc += b
        return acc if dtype == "F32" else to_bf16(acc)

    os.makedirs(out_folder, exist_ok=True)
    write_safetensors(os.path.join(out_folder, "model.safetensors"), specs, dtype, merged)


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


class PeakMemory:
    """Peak resident set of the service process per job: reset before, read after (Linux /proc)."""

    def __init__(self, pid):
        self.pid, self.peaks = pid, []

    def reset(self):
        if self.pid:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")

    def record(self):
        if self.pid:
            for line in open(f"/proc/{self.pid}/status"):
                if line.startswith("VmHWM:"):
                    self.peaks.append(int(line.split()[1]) // 1024)


MEMORY = PeakMemory(None)


def service_merge(url, base, models, method, params, out_dir):
    """Seconds from the job's createdAt (the submit's commit) to its finishedAt, both recorded by the service: the
    polling (every 100 ms, so as not to load the two cores it shares with the merge) adds nothing to the figure."""
    body = {"kind": "merge", "base": "file:" + base, "models": [{"uri": "file:" + m} for m in models],
            "method": {"name": method, "params": params}, "output": "file:" + out_dir}
    MEMORY.reset()
    job = http("POST", url + "/v1/jobs", body)
    while job["status"] not in ("SUCCEEDED", "FAILED", "CANCELLED"):
        time.sleep(0.1)
        job = http("GET", url + "/v1/jobs/" + job["id"])
    if job["status"] != "SUCCEEDED":
        sys.exit(f"job {job['id']} {job['status']}: {job.get('error')}")
    MEMORY.record()
    return (datetime.fromisoformat(job["finishedAt"]) - datetime.fromisoformat(job["createdAt"])).total_seconds()


def check_same(service_out, numpy_out, dtype):
    """The service's linear output must agree with numpy's to float32 rounding (bf16: one unit in the last place)."""
    a = load(os.path.join(service_out, "model.safetensors"))
    b = load(os.path.join(numpy_out, "model.safetensors"))
    _, header = read_header(os.path.join(numpy_out, "model.safetensors"))
    tol = 1e-6 if dtype == "F32" else 1e-2
    worst = max(float(np.max(np.abs(a(n) - b(n)) / (np.abs(b(n)) + 1e-3))) for n in list(header)[:6])
    if worst > tol:
        sys.exit(f"service and numpy outputs differ (relative {worst})")


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        os.system("sync")
        times.append(fn())
    return times


def fmt(times):
    return f"{statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--sizes", default="base,large")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scaling", default="2,4,8", help="model counts for the scaling rows (base size, f32)")
    ap.add_argument("--pid", type=int, help="the service's process id, to report its peak memory per job")
    ap.add_argument("--no-warmup", action="store_true",
                    help="skip the untimed merges that first compile the service's merge code (JIT), as a service "
                         "that has run before has it compiled")
    args = ap.parse_args()
    MEMORY.pid = args.pid
    root = os.path.abspath(args.dir)
    outputs = os.path.join(root, "out")
    shutil.rmtree(outputs, ignore_errors=True)
    counter = [0]

    def out_dir():
        counter[0] += 1
        return os.path.join(outputs, str(counter[0]))

    def clear_outputs():
        shutil.rmtree(outputs, ignore_errors=True)

    max_models = max([3] + [int(n) for n in args.scaling.split(",") if n])
    sets = []  # (size, dtype, model count)
    for size in args.sizes.split(","):
        name, _, dtype = size.partition(":")
        sets.append((name, (dtype or "f32").upper(), 3))
    if ("base", "BF16", 3) not in sets:
        sets.append(("base", "BF16", 3))
    sets += [("base", "F32", int(n)) for n in args.scaling.split(",") if n and int(n) != 3]

    if not args.no_warmup:
        # untimed: a long-running service has compiled its merge code; its first job has not. Fresh files each run,
        # so that the first merge below is not the first hashing either.
        family = os.path.join(root, "warmup")
        shutil.rmtree(family, ignore_errors=True)
        specs = tensor_specs(*SHAPES["warmup"])
        base = os.path.join(family, "base")
        generate(base, specs, "F32", 7)
        models = [os.path.join(family, f"model-{i}") for i in (1, 2, 3)]
        for i, m in enumerate(models):
            generate(m, specs, "F32", 70 + i, base)
        t = time.perf_counter()
        for _ in range(3):
            for method in ("linear", "ties", "slerp"):
                service_merge(args.url, base, models, method, {}, out_dir())
        clear_outputs()
        print(f"# warm-up: 9 untimed merges of 3 x {sum(int(np.prod(s)) for _, s in specs) / 1e6:.0f}M in "
              f"{time.perf_counter() - t:.1f} s", flush=True)

    rows = []
    for size, dtype, count in sets:
        MEMORY.peaks = []
        family = os.path.join(root, f"{size}-{dtype.lower()}")
        specs = tensor_specs(*SHAPES[size])
        params = sum(int(np.prod(s)) for _, s in specs)
        base = os.path.join(family, "base")
        n_gen = max_models if (size, dtype) == ("base", "F32") else 3
        t = time.perf_counter()
        generate(base, specs, dtype, 1)
        models = []
        for i in range(n_gen):
            models.append(os.path.join(family, f"model-{i + 1}"))
            generate(models[-1], specs, dtype, 100 + i, base)
        print(f"# {size} {dtype}: {params / 1e6:.1f}M parameters, inputs ready in {time.perf_counter() - t:.1f} s",
              flush=True)
        models = models[:count]
        in_bytes = sum(os.path.getsize(os.path.join(f, "model.safetensors")) for f in [base] + models)
        for f in [base] + models:  # warm inputs: read once so both sides start from the page cache
            with open(os.path.join(f, "model.safetensors"), "rb") as fh:
                while fh.read(1 << 24):
                    pass

        def run_numpy():
            o = out_dir()
            t0 = time.perf_counter()
            numpy_linear(base, models, o)
            return time.perf_counter() - t0

        numpy_times = timed(run_numpy, args.repeat)
        first_out = out_dir()
        first = service_merge(args.url, base, models, "linear", {}, first_out)
        check_same(first_out, os.path.join(outputs, str(counter[0] - 1)), dtype)
        linear = timed(lambda: service_merge(args.url, base, models, "linear", {}, out_dir()), args.repeat)
        row = {"size": size, "dtype": dtype, "models": count, "params_m": round(params / 1e6, 1),
               "inputs_gb": round(in_bytes / 1e9, 2), "numpy": numpy_times, "first": [first], "linear": linear}
        clear_outputs()
        if count == 3 and dtype == "F32":
            row["ties"] = timed(lambda: service_merge(args.url, base, models, "ties", {}, out_dir()), args.repeat)
            clear_outputs()
            row["slerp"] = timed(lambda: service_merge(args.url, base, models, "slerp", {}, out_dir()), args.repeat)
            clear_outputs()
        row["peak_rss_mb"] = max(MEMORY.peaks) if MEMORY.peaks else None
        rows.append(row)
        med = {k: statistics.median(v) for k, v in row.items() if isinstance(v, list)}
        line = (f"{size} {dtype} x{count} ({row['inputs_gb']} GB in): numpy {fmt(numpy_times)} | service linear "
                f"{fmt(linear)} = {med['linear'] / med['numpy']:.2f}x numpy")
        if count == 3:  # the files of the other counts were already hashed by the 3-model rows
            line += (f" | first merge {first:.2f} s = {first / med['numpy']:.2f}x numpy, "
                     f"{first / med['linear']:.2f}x repeated")

        for m in ("ties", "slerp"):
            if m in row:
                line += f" | {m} {fmt(row[m])} = {med[m] / med['linear']:.2f}x linear"
        if row["peak_rss_mb"]:
            line += f" | service peak RSS {row['peak_rss_mb']} MB"
        print(line, flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
