"""``deploy/observability``: the alert rules and the Grafana dashboard are well formed, and every
series they name is one a running service exports (its ``/metrics``, scraped in process)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from shared.observability.metrics import FAMILIES
from shared.testing.helpers import asgi_client
from tests.deploy.conftest import DEPLOY

OBSERVABILITY = DEPLOY / "observability"
RULES: dict[str, Any] = yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text())
DASHBOARD: dict[str, Any] = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text())
PROMETHEUS: dict[str, Any] = yaml.safe_load((OBSERVABILITY / "prometheus.yaml").read_text())
#: What a rule of a Prometheus rule file may hold (an alerting rule).
RULE_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
#: PromQL's keywords and the label names of a ``by (...)`` clause are not series.
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}
_KEYWORDS |= {"and", "or", "unless", "inf", "nan"}
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def series_of(expr: str) -> set[str]:
    """The series a PromQL expression names (not its functions, labels, keywords, ranges)."""
    expr = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in _IDENTIFIER.finditer(expr):
        if expr[match.end() :].lstrip().startswith("(") or match.group().lower() in _KEYWORDS:
            continue
        names.add(match.group())
    return names


def _rules() -> list[dict[str, Any]]:
    return [rule for group in RULES["groups"] for rule in group["rules"]]


def _panels() -> list[dict[str, Any]]:
    return [p for p in DASHBOARD["panels"] if p["type"] != "row"]


def dashboard_expressions() -> list[str]:
    expressions = [t["expr"] for panel in _panels() for t in panel["targets"]]
    for variable in DASHBOARD["templating"]["list"]:
        if variable["type"] == "query":
            # label_values(<series>, <label>)
            [series] = re.findall(r"label_values\(([^,]+),", variable["definition"])
            expressions.append(series)
    return expressions


def test_the_alert_rules_file_has_the_structure_prometheus_reads() -> None:
    assert set(RULES) == {"groups"}
    groups = RULES["groups"]
    assert len({g["name"] for g in groups}) == len(groups)
    names = []
    for group in groups:
        assert set(group) <= {"name", "interval", "rules", "limit"}
        assert group["rules"], group["name"]
        for rule in group["rules"]:
            assert set(rule) <= RULE_KEYS, rule
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"]), rule["alert"]
            assert isinstance(rule["expr"], str)
            assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
            assert DURATION.fullmatch(rule["for"]), rule["alert"]
            assert rule["labels"]["severity"] in {"warning", "critical"}
            assert set(rule["annotations"]) >= {"summary", "description"}
            names.append(rule["alert"])
    assert len(set(names)) == len(names)


def test_the_platform_is_alerted_of_dead_letters_a_stuck_outbox_and_failing_consumers() -> None:
    by_name = {rule["alert"]: rule for rule in _rules()}
    dead_letters = by_name["DeadLettersWaiting"]["expr"]
    assert series_of(dead_letters) == {"messaging_dlq_messages"}
    assert dead_letters.rstrip().endswith("> 0")
    outbox = by_name["OutboxNotPublished"]["expr"]
    assert series_of(outbox) == {"messaging_outbox_oldest_pending_age_seconds"}
    assert outbox.rstrip().endswith("> 60")
    consumers = by_name["ConsumerErrors"]["expr"]
    assert series_of(consumers) == {"messaging_messages_failed_total"}
    assert "rate(messaging_messages_failed_total[" in consumers
    assert consumers.rstrip().endswith("> 0")


def test_the_dashboard_is_a_grafana_dashboard_of_prometheus_panels() -> None:
    assert DASHBOARD["uid"]
    assert DASHBOARD["title"]
    ids = [p["id"] for p in DASHBOARD["panels"]]
    assert len(set(ids)) == len(ids)
    variables = {v["name"]: v for v in DASHBOARD["templating"]["list"]}
    assert variables["datasource"]["query"] == "prometheus"
    for panel in _panels():
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        assert panel["datasource"]["uid"] == "${datasource}"
        refs = [t["refId"] for t in panel["targets"]]
        assert refs, panel["title"]
        assert len(set(refs)) == len(refs), panel["title"]
        assert all(t["expr"].count("(") == t["expr"].count(")") for t in panel["targets"])


def test_prometheus_scrapes_the_annotated_pods_with_the_labels_the_rules_group_by() -> None:
    assert PROMETHEUS["rule_files"] == ["alerts.yaml"]
    [job] = PROMETHEUS["scrape_configs"]
    relabel = job["relabel_configs"]
    keep = [r for r in relabel if r.get("action") == "keep"]
    assert keep[0]["source_labels"] == ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    targets = {r.get("target_label") for r in relabel}
    assert {"__address__", "__metrics_path__", "service", "component"} <= targets
    grouped = set()
    for expr in [rule["expr"] for rule in _rules()] + dashboard_expressions():
        for labels in re.findall(r"\bby \(([^)]*)\)", expr):
            grouped |= {label.strip() for label in labels.split(",")}
    own = {"queue", "outcome", "producer", "route", "method", "status", "le"}
    assert grouped - own <= targets


def test_series_of_finds_what_an_expression_names() -> None:
    assert series_of('sum by (queue) (rate(messaging_messages_failed_total{a="b(c"}[5m])) > 0') == {
        "messaging_messages_failed_total"
    }
    assert series_of("histogram_quantile(0.95, sum by (le) (rate(x_bucket[1m]))) / y") == {
        "x_bucket",
        "y",
    }


@pytest.fixture(scope="module")
async def exported() -> set[str]:
    """The series names a service's API exports, read from its ``/metrics`` after a request."""
    from membership.app import create_app
    from membership.service import build_runtime
    from membership.settings import MembershipSettings

    async with asgi_client(create_app(build_runtime(MembershipSettings()))) as http:
        assert (await http.get("/health/live")).status_code == 200
        scraped = await http.get("/metrics")
    assert scraped.status_code == 200
    names: set[str] = set()
    for family in text_string_to_metric_families(scraped.text):
        names.add(family.name)
        names |= {sample.name for sample in family.samples}
        if family.type == "counter":
            names.add(f"{family.name}_total")
        if family.type == "histogram":
            names |= {f"{family.name}{suffix}" for suffix in ("_bucket", "_sum", "_count")}
    assert "http_requests_total" in names
    return names


async def test_every_series_the_dashboard_and_the_rules_name_is_exported(
    exported: set[str],
) -> None:
    expressions = dashboard_expressions() + [rule["expr"] for rule in _rules()]
    named = set().union(*map(series_of, expressions))
    assert named, "no series found: the expressions were not read"
    assert named <= exported, named - exported
    assert "http_request_total" not in exported, "a misspelt series would be caught"


async def test_the_dashboard_shows_every_series_the_platform_defines(exported: set[str]) -> None:
    shown = set().union(*map(series_of, dashboard_expressions()))
    for family in FAMILIES:
        [description] = family.describe()
        name = description.name
        variants = {name, f"{name}_total", f"{name}_bucket"}
        assert variants & shown, f"no panel shows {name}"
        assert variants & exported
