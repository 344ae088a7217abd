#!/usr/bin/env python3
"""Instance counts of one or more `ebb load` runs on one time axis.

Usage: timeline.py RESULTS.json INSTANCES.csv [RESULTS.json INSTANCES.csv ...]

Each run's CSV ("seconds,desired,ready", seconds since that run started) is shifted by the time
of the run's first request relative to the first run's, so consecutive runs (the step scenario)
form one timeline. Prints the samples where the counts change (at most ~40 lines; denser
timelines are thinned to the changes of desired), then a last line for the shell:
  VARS PEAK=.. PEAK_READY=.. FINAL=.. FINAL_READY=.. SETTLE=.. FIRST_READY=.. SAMPLES=..
SETTLE: seconds from which desired never changed again; FIRST_READY: first sample with a ready
instance (-1 if none).
"""
import re
import sys
from datetime import datetime, timezone

RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)")


def parse_ts(text):
    m = RFC3339.fullmatch(text)
    if not m:
        raise ValueError("bad timestamp " + text)
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    base = datetime.fromisoformat(m.group(1) + zone).astimezone(timezone.utc)
    frac = float("0" + m.group(2)) if m.group(2) else 0.0
    return base.timestamp() + frac


def first_timestamp(results_path):
    import json
    earliest = None
    with open(results_path) as f:
        for line in f:
            line = line.strip()
            if line:
                t = parse_ts(json.loads(line)["timestamp"])
                earliest = t if earliest is None else min(earliest, t)
    return earliest


def read_csv(path):
    rows = []
    with open(path) as f:
        next(f, None)
        for line in f:
            parts = line.strip().split(",")
            if len(parts) == 3:
                rows.append((float(parts[0]), int(parts[1]), int(parts[2])))
    return rows


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    samples, origin = [], None
    for results, csv in zip(argv[0::2], argv[1::2]):
        start = first_timestamp(results)
        if start is None:
            continue
        origin = start if origin is None else origin
        samples += [(t + start - origin, d, r) for t, d, r in read_csv(csv)]
    samples.sort()
    changes = [s for i, s in enumerate(samples) if i == 0 or s[1:] != samples[i - 1][1:]]
    if len(changes) > 40:
        changes = [s for i, s in enumerate(changes) if i == 0 or s[1] != changes[i - 1][1]]
    if len(changes) > 40:
        changes = changes[:20] + [None] + changes[-19:]
    print("instances over time (seconds since the first request: desired/ready, at changes)")
    line = []
    for s in changes:
        line.append("..." if s is None else "%.1fs %d/%d" % s)
        if len(line) == 8:
            print("  " + "  ".join(line))
            line = []
    if line:
        print("  " + "  ".join(line))
    peak = max((s[1] for s in samples), default=0)
    peak_ready = max((s[2] for s in samples), default=0)
    final = samples[-1] if samples else (0, 0, 0)
    settle = 0.0
    for i in range(len(samples) - 1, 0, -1):
        if samples[i - 1][1] != samples[i][1]:
            settle = samples[i][0]
            break
    first_ready = next((s[0] for s in samples if s[2] > 0), -1)
    print("peak %d desired / %d ready; final %d desired / %d ready; %d samples"
          % (peak, peak_ready, final[1], final[2], len(samples)))
    print("VARS PEAK=%d PEAK_READY=%d FINAL=%d FINAL_READY=%d SETTLE=%.1f FIRST_READY=%.1f "
          "SAMPLES=%d" % (peak, peak_ready, final[1], final[2], settle, first_ready, len(samples)))


if __name__ == "__main__":
    main(sys.argv[1:])
