#!/usr/bin/env python3
"""Writes ebb's Grafana dashboards (ebb-revision.json, ebb-scaling.json) beside this file.

The dashboards mirror the live dashboard's panels (src/dashboard) over a Prometheus data
source that scrapes ebb's admin /metrics, and Knative's "Revision HTTP Requests" and
"Scaling Debugging" boards. Metric names: src/metrics/README.md.

The JSON files are generated, not edited by hand: change this script and run it
(`python3 dashboards/grafana/generate.py`); `check_promql.py --generated` fails when the
committed files differ from what this script writes.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DS = {"type": "prometheus", "uid": "${datasource}"}
# Every revision series carries these labels.
SEL = 'namespace_name="$namespace", revision_name=~"$revision"'
RATE = "$__rate_interval"


def variable(name, label, query, multi=False):
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DS,
        "query": {"query": query, "refId": name},
        "definition": query,
        "refresh": 2,
        "sort": 1,
        "multi": multi,
        "includeAll": multi,
        "current": {},
        "options": [],
        "hide": 0,
    }


def templating():
    return {
        "list": [
            {
                "name": "datasource",
                "label": "Data source",
                "type": "datasource",
                "query": "prometheus",
                "current": {},
                "hide": 0,
                "refresh": 1,
                "options": [],
            },
            variable("namespace", "Namespace", "label_values(revision_request_count, namespace_name)"),
            variable(
                "service",
                "Service",
                'label_values(revision_request_count{namespace_name="$namespace"}, service_name)',
            ),
            variable(
                "revision",
                "Revision",
                'label_values(revision_request_count{namespace_name="$namespace", '
                'service_name=~"$service"}, revision_name)',
                multi=True,
            ),
        ]
    }


def target(expr, legend, ref):
    return {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}


def panel(title, unit, targets, x, y, w=8, h=8, kind="timeseries", description="", extra=None):
    refs = "ABCDEFGHIJ"
    p = {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": [target(e, l, refs[i]) for i, (e, l) in enumerate(targets)],
        "fieldConfig": {
            "defaults": {"unit": unit, "min": 0, "custom": {"lineWidth": 2, "fillOpacity": 8}},
            "overrides": [],
        },
        "options": {
            "legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
    }
    if kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "value", "graphMode": "area"}
        del p["fieldConfig"]["defaults"]["custom"]
    if extra:  # a None value removes the default (e.g. min 0 for a series that goes negative)
        p["fieldConfig"]["defaults"].update(extra)
        for k in [k for k, v in extra.items() if v is None]:
            del p["fieldConfig"]["defaults"][k]
    return p


def row(title, y):
    return {"type": "row", "title": title, "collapsed": False, "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []}


def quantiles(metric, qs, scale=""):
    return [
        (f"histogram_quantile({q}, sum by (le) (rate({metric}_bucket{{{SEL}}}[{RATE}]))){scale}", f"p{round(q * 100)}")
        for q in qs
    ]


def dashboard(uid, title, description, panels):
    for i, p in enumerate(panels):
        p["id"] = i + 1
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["ebb", "knative", "serving"],
        "timezone": "browser",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "5s",
        "time": {"from": "now-15m", "to": "now"},
        "schemaVersion": 39,
        "version": 1,
        "templating": templating(),
        "annotations": {"list": []},
        "links": [],
        "panels": panels,
    }


def revision_dashboard():
    req = f"revision_request_count{{{SEL}}}"
    y = 0
    panels = [
        panel(
            "Request rate",
            "reqps",
            [(f"sum(rate({req}[{RATE}]))", "requests/s")],
            0, y, w=6, h=4, kind="stat",
        ),
        panel(
            "Success rate (non-5xx)",
            "percentunit",
            [(
                f'sum(rate(revision_request_count{{{SEL}, response_code_class!="5xx"}}[{RATE}])) '
                f"/ sum(rate({req}[{RATE}]))",
                "success",
            )],
            6, y, w=6, h=4, kind="stat", extra={"max": 1},
        ),
        panel(
            "Latency p95",
            "ms",
            quantiles("revision_request_latencies", [0.95]),
            12, y, w=6, h=4, kind="stat",
        ),
        panel(
            "Cold starts",
            "short",
            [(f"sum(increase(ebb_cold_start_seconds_count{{{SEL}}}[$__range]))", "cold starts")],
            18, y, w=6, h=4, kind="stat",
            description="Scale-from-zero events a request waited for, over the dashboard's time range.",
        ),
    ]
    y += 4
    panels += [
        row("HTTP requests", y),
        panel(
            "Request volume by response code class",
            "reqps",
            [(f"sum by (response_code_class) (rate({req}[{RATE}]))", "{{response_code_class}}")],
            0, y + 1,
        ),
        panel(
            "Response time (p50 / p95 / p99)",
            "ms",
            quantiles("revision_request_latencies", [0.5, 0.95, 0.99]),
            8, y + 1,
        ),
        panel(
            "Requests in flight",
            "short",
            [
                (f"sum(revision_queue_depth{{{SEL}}})", "in flight + queued"),
                (f"sum(activator_request_concurrency{{{SEL}}})", "average concurrency (1 s)"),
            ],
            16, y + 1,
        ),
        panel(
            "Request volume by response code",
            "reqps",
            [(f"sum by (response_code) (rate({req}[{RATE}]))", "{{response_code}}")],
            0, y + 9,
        ),
        panel(
            "Response time p95 by response code class",
            "ms",
            [(
                "histogram_quantile(0.95, sum by (le, response_code_class) "
                f"(rate(revision_request_latencies_bucket{{{SEL}}}[{RATE}])))",
                "{{response_code_class}}",
            )],
            8, y + 9,
        ),
        panel(
            "Requests through the activator queue",
            "reqps",
            [(
                f"sum by (response_code_class) (rate(activator_request_count{{{SEL}}}[{RATE}]))",
                "{{response_code_class}}",
            )],
            16, y + 9,
            description="Requests that parked waiting for an instance before they were proxied.",
        ),
    ]
    y += 17
    panels += [
        row("Cold starts", y),
        panel(
            "Cold starts",
            "short",
            [
                (f"sum(increase(ebb_cold_start_seconds_count{{{SEL}}}[1m]))", "cold starts / min"),
                (f"sum(increase(ebb_cold_starts_abandoned_total{{{SEL}}}[1m]))", "abandoned / min"),
            ],
            0, y + 1,
        ),
        panel(
            "Cold-start duration (p50 / p95)",
            "s",
            quantiles("ebb_cold_start_seconds", [0.5, 0.95]),
            8, y + 1,
        ),
        panel(
            "Cold-start phases (mean)",
            "s",
            [
                (
                    f"sum(rate(ebb_cold_start_{p}_seconds_sum{{{SEL}}}[{RATE}])) "
                    f"/ sum(rate(ebb_cold_start_{p}_seconds_count{{{SEL}}}[{RATE}]))",
                    p.replace("_", " "),
                )
                for p in ("spawn", "ready", "first_byte")
            ],
            16, y + 1,
            description="Request parked → process spawned → instance ready → first response byte.",
        ),
    ]
    return dashboard(
        "ebb-revision",
        "ebb — Revision HTTP requests",
        "Per-revision request volume, response time and cold starts of ebb (Knative Serving "
        "on one machine), over ebb's admin /metrics.",
        panels,
    )


def scaling_dashboard():
    g = lambda m: f"sum({m}{{{SEL}}})"  # noqa: E731
    panels = [
        row("Scaling", 0),
        panel(
            "Revision instances",
            "short",
            [
                (g("autoscaler_desired_pods"), "desired"),
                (g("autoscaler_requested_pods"), "requested"),
                (g("autoscaler_actual_pods"), "ready"),
                (g("autoscaler_not_ready_pods"), "not ready"),
                (g("autoscaler_pending_pods"), "pending"),
                (g("autoscaler_terminating_pods"), "terminating"),
            ],
            0, 1, w=12,
        ),
        panel(
            "Observed concurrency",
            "short",
            [
                (g("autoscaler_stable_request_concurrency"), "stable window"),
                (g("autoscaler_panic_request_concurrency"), "panic window"),
                (g("autoscaler_target_concurrency_per_pod"), "target per instance"),
            ],
            12, 1, w=12,
        ),
        panel(
            "Panic mode",
            "short",
            [(f"max(autoscaler_panic_mode{{{SEL}}})", "panic")],
            0, 9, extra={"max": 1},
        ),
        panel(
            "Excess burst capacity",
            "short",
            [(g("autoscaler_excess_burst_capacity"), "excess burst capacity")],
            8, 9,
            description="Negative: the activator stays in the path to absorb bursts.",
            extra={"min": None},
        ),
        panel(
            "Observed requests per second (rps-metric revisions)",
            "reqps",
            [
                (g("autoscaler_stable_requests_per_second"), "stable window"),
                (g("autoscaler_panic_requests_per_second"), "panic window"),
                (g("autoscaler_target_requests_per_second"), "target per instance"),
            ],
            16, 9,
        ),
        row("Activator and instances", 17),
        panel(
            "Activator queue depth",
            "short",
            [(g("ebb_activator_queue_depth"), "parked requests")],
            0, 18,
        ),
        panel(
            "Activator queue wait (p50 / p95)",
            "s",
            quantiles("ebb_activator_queue_wait_seconds", [0.5, 0.95]),
            8, 18,
        ),
        panel(
            "Instances by state and restarts",
            "short",
            [
                (f"sum by (state) (ebb_instances{{{SEL}}})", "{{state}}"),
                (f"sum(increase(ebb_instance_restarts_total{{{SEL}}}[1m]))", "restarts / min"),
            ],
            16, 18,
        ),
    ]
    return dashboard(
        "ebb-scaling",
        "ebb — Scaling debugging",
        "The KPA autoscaler's view of a revision (as Knative's Scaling Debugging board), the "
        "activator queue and instance states, over ebb's admin /metrics.",
        panels,
    )


def render(d):
    return json.dumps(d, indent=2, ensure_ascii=False) + "\n"


def outputs():
    return {
        "ebb-revision.json": render(revision_dashboard()),
        "ebb-scaling.json": render(scaling_dashboard()),
    }


def main():
    for name, text in outputs().items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote", os.path.join(HERE, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
