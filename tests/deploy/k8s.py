"""Rendering the Kubernetes overlays and reading pods out of them, for ``test_k8s.py``."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.conftest import DEPLOY, SCHEMAS

K8S = DEPLOY / "k8s"
OVERLAYS = ("staging", "production")
Resource = dict[str, Any]

#: The kinds of the operators' resources, each with its schema in tests/deploy/schemas.
CUSTOM_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): "rabbitmqcluster.json",
    ("rabbitmq.com/v1beta1", "Vhost"): "vhost.json",
    ("rabbitmq.com/v1beta1", "User"): "user.json",
    ("rabbitmq.com/v1beta1", "Permission"): "permission.json",
    ("rabbitmq.com/v1beta1", "Policy"): "policy.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "cluster.json",
    ("postgresql.cnpg.io/v1", "Pooler"): "pooler.json",
}


def kustomize() -> list[str]:
    """The renderer: kubectl's built-in kustomize, else a standalone kustomize."""
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    raise AssertionError("neither kubectl nor kustomize is installed: apt-get install kubectl")


@cache
def render(directory: Path) -> tuple[Resource, ...]:
    result = subprocess.run(
        [*kustomize(), str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"kustomize {directory} failed:\n{result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def overlay(name: str) -> tuple[Resource, ...]:
    return render(K8S / "overlays" / name)


@cache
def custom_schema(filename: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / filename).read_text())
    return schema


def of_kind(resources: tuple[Resource, ...], kind: str) -> list[Resource]:
    return [r for r in resources if r["kind"] == kind]


def named(resources: tuple[Resource, ...], kind: str, name: str) -> Resource:
    [found] = [r for r in of_kind(resources, kind) if r["metadata"]["name"] == name]
    return found


def pod_spec(resource: Resource) -> dict[str, Any] | None:
    """The pod template's spec of a workload, None for anything else."""
    kind = resource["kind"]
    if kind in {"Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet"}:
        spec: dict[str, Any] = resource["spec"]["template"]["spec"]
        return spec
    if kind == "CronJob":
        spec = resource["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    return None


def pods(resources: tuple[Resource, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    for resource in resources:
        spec = pod_spec(resource)
        if spec is not None:
            yield f"{resource['kind']}/{resource['metadata']['name']}", spec


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def env_value(container: dict[str, Any], name: str) -> str:
    [value] = [e["value"] for e in container.get("env", []) if e["name"] == name]
    return str(value)


def restricted_violations(spec: dict[str, Any]) -> list[str]:
    """What the restricted Pod Security Standard refuses in a pod spec (kubernetes.io/docs/
    concepts/security/pod-security-standards), plus the read-only root filesystem."""
    found = []
    pod = spec.get("securityContext", {})
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            found.append(f"{field} is set")
    allowed_volumes = {
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
        "persistentVolumeClaim", "projected", "secret",
    }  # fmt: skip
    for volume in spec.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= allowed_volumes:
            found.append(f"volume {volume['name']} is of type {sorted(kinds)}")
    if pod.get("runAsUser") == 0:
        found.append("the pod runs as user 0")
    for container in containers(spec):
        name = container["name"]
        context = container.get("securityContext", {})
        if context.get("runAsNonRoot", pod.get("runAsNonRoot")) is not True:
            found.append(f"{name}: runAsNonRoot is not true")
        if context.get("runAsUser") == 0:
            found.append(f"{name}: runs as user 0")
        seccomp = context.get("seccompProfile", pod.get("seccompProfile", {})).get("type")
        if seccomp not in {"RuntimeDefault", "Localhost"}:
            found.append(f"{name}: seccompProfile is {seccomp}")
        if context.get("privileged"):
            found.append(f"{name}: privileged")
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name}: allowPrivilegeEscalation is not false")
        capabilities = context.get("capabilities", {})
        if "ALL" not in capabilities.get("drop", []):
            found.append(f"{name}: capabilities do not drop ALL")
        if not set(capabilities.get("add", [])) <= {"NET_BIND_SERVICE"}:
            found.append(f"{name}: adds capabilities {capabilities['add']}")
        if any(port.get("hostPort") for port in container.get("ports", [])):
            found.append(f"{name}: uses a host port")
    return found
