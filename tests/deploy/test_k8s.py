"""``deploy/k8s``: every overlay renders, validates, and runs the platform in production shape."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from shared.messaging.topology import ConsumerQueue, Topology
from tests.deploy import k8s
from tests.deploy.conftest import BACKENDS, FRONTENDS, ROOT, called_by, load_script

supervise = load_script("supervise")
PROCFILE = supervise.parse_procfile((ROOT / "Procfile").read_text())
PLATFORM = sorted({p.name.rsplit("-", 1)[0] for p in PROCFILE})
#: The processes of the services with a database; the frontends' reach neither it nor the broker.
WITH_DATABASE = [p for p in PROCFILE if p.name.rsplit("-", 1)[0] in BACKENDS]
#: The oldest Kubernetes the manifests are written for (CronJob timeZone, the preStop sleep).
KUBERNETES = "1.31"
#: Connections a PostgreSQL primary keeps for others than the platform: the operator's instance
#: manager and metrics, brief probes, superuser_reserved_connections (database.yaml).
OTHER_CONNECTIONS = 10 + 5 + 3
#: Connections one API or worker process opens at most (shared.db: pool_size 10 + overflow 10).
PROCESS_POOL = 20

overlays = pytest.mark.parametrize("name", k8s.OVERLAYS)


def test_every_overlay_renders_the_whole_platform() -> None:
    for name in k8s.OVERLAYS:
        resources = k8s.overlay(name)
        deployments = {d["metadata"]["name"] for d in k8s.of_kind(resources, "Deployment")}
        assert deployments == {p.name for p in PROCFILE}, name


@overlays
@pytest.mark.parametrize("version", [KUBERNETES, kubernetes_validate.latest_version()])
def test_core_resources_follow_the_kubernetes_schemas(name: str, version: str) -> None:
    errors = []
    for resource in k8s.overlay(name):
        if (resource["apiVersion"], resource["kind"]) in k8s.CUSTOM_KINDS:
            continue
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(
                f"{resource['kind']}/{resource['metadata']['name']}: {path}: {exc.message}"
            )
    assert not errors, "\n".join(errors)


@overlays
def test_operator_resources_follow_their_schemas(name: str) -> None:
    resources = k8s.overlay(name)
    seen = set()
    for resource in resources:
        key = (resource["apiVersion"], resource["kind"])
        if key not in k8s.CUSTOM_KINDS:
            continue
        seen.add(key)
        schema = k8s.custom_schema(k8s.CUSTOM_KINDS[key])
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(resource))
        assert not errors, f"{key} {resource['metadata']['name']}: {errors[0].message}"
    assert seen == set(k8s.CUSTOM_KINDS)


def test_the_operator_schemas_refuse_a_mistake() -> None:
    cluster = k8s.named(k8s.overlay("production"), "Cluster", "billing-db")
    schema = jsonschema.Draft202012Validator(k8s.custom_schema("cluster.json"))
    wrong = {**cluster, "spec": {**cluster["spec"], "primaryUpdateStrategy": "automatic"}}
    assert not schema.is_valid(wrong)
    typo = {**cluster, "spec": {**cluster["spec"], "instance": 3}}
    assert not schema.is_valid(typo)


def test_kubernetes_validation_refuses_a_mistake() -> None:
    deployment = k8s.named(k8s.overlay("production"), "Deployment", "billing-api")
    wrong = {**deployment, "spec": {**deployment["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, KUBERNETES, strict=True)
    typo = {**deployment, "spec": {**deployment["spec"], "replica": 3}}
    with pytest.raises(kubernetes_validate.ValidationError, match="'replica' was unexpected"):
        kubernetes_validate.validate(typo, KUBERNETES, strict=True)


@overlays
def test_every_pod_passes_the_restricted_pod_security_profile(name: str) -> None:
    resources = k8s.overlay(name)
    checked = 0
    for workload, spec in k8s.pods(resources):
        assert not k8s.restricted_violations(spec), (workload, k8s.restricted_violations(spec))
        tmp = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for container in k8s.containers(spec):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, workload
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert mounts.get("/tmp") in tmp, f"{workload} {container['name']}: no /tmp emptyDir"
        assert spec["automountServiceAccountToken"] is False, workload
        checked += 1
    assert checked == len(PROCFILE) + len(BACKENDS) + 2  # + migration Jobs + CronJobs
    [namespace] = k8s.of_kind(resources, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_the_restricted_check_finds_what_the_profile_refuses() -> None:
    spec = k8s.pod_spec(k8s.named(k8s.overlay("production"), "Deployment", "billing-worker"))
    assert spec is not None
    root = {**spec, "securityContext": {**spec["securityContext"], "runAsUser": 0}}
    assert "the pod runs as user 0" in k8s.restricted_violations(root)
    app = spec["containers"][0]
    escalating = {**app, "securityContext": {**app["securityContext"], "capabilities": {}}}
    assert k8s.restricted_violations({**spec, "containers": [escalating]}) == [
        "app: capabilities do not drop ALL"
    ]
    host = {**spec, "volumes": [{"name": "h", "hostPath": {"path": "/"}}]}
    assert "volume h is of type ['hostPath']" in k8s.restricted_violations(host)


@overlays
def test_the_rabbitmq_nodes_are_restricted_too(name: str) -> None:
    [cluster] = k8s.of_kind(k8s.overlay(name), "RabbitmqCluster")
    template = cluster["spec"]["override"]["statefulSet"]["spec"]["template"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "rabbitmq"}, **template}
    kubernetes_validate.validate(pod, KUBERNETES, strict=True)
    assert not k8s.restricted_violations(template["spec"])


@overlays
def test_every_container_has_requests_and_limits(name: str) -> None:
    for workload, spec in k8s.pods(k8s.overlay(name)):
        for container in k8s.containers(spec):
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, (
                    workload,
                    container["name"],
                    bound,
                )


@overlays
def test_every_deployment_has_probes_and_a_disruption_budget(name: str) -> None:
    resources = k8s.overlay(name)
    budgets = k8s.of_kind(resources, "PodDisruptionBudget")
    for deployment in k8s.of_kind(resources, "Deployment"):
        deployment_name = deployment["metadata"]["name"]
        [app] = deployment["spec"]["template"]["spec"]["containers"]
        assert app.get("readinessProbe"), deployment_name
        assert app.get("livenessProbe"), deployment_name
        if deployment_name.endswith("-api"):
            assert app["readinessProbe"]["httpGet"]["path"] == "/health/ready"
            assert app["livenessProbe"]["httpGet"]["path"] == "/health/live"
        else:
            service = deployment_name.rsplit("-", 1)[0]
            assert app["readinessProbe"]["exec"]["command"][-2:] == ["ready", service]
            assert app["livenessProbe"]["exec"]["command"][-1] == "heartbeat"
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [
            b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(covering) == 1, deployment_name
        assert covering[0]["spec"]["maxUnavailable"] == 1


@overlays
def test_processes_run_the_procfile_commands_after_their_migrations(name: str) -> None:
    resources = k8s.overlay(name)
    for process in PROCFILE:
        service, role = process.name.rsplit("-", 1)
        spec = k8s.pod_spec(k8s.named(resources, "Deployment", process.name))
        assert spec is not None
        [app] = spec["containers"]
        assert app["command"] == ["python", "-m", service, role]
        if service in FRONTENDS:
            assert "initContainers" not in spec, f"{process.name} has no migrations to wait for"
            continue
        [wait] = spec["initContainers"]
        assert wait["command"][:4] == ["python", "/app/scripts/probe.py", "migrated", service]
        assert wait["image"] == app["image"]
        assert k8s.env_value(wait, "DATABASE_URL") == k8s.env_value(app, "DATABASE_URL")


@overlays
def test_migration_jobs_are_named_after_the_release(name: str) -> None:
    resources = k8s.overlay(name)
    assert {
        j["metadata"]["labels"]["app.kubernetes.io/name"] for j in k8s.of_kind(resources, "Job")
    } == set(BACKENDS)
    for service in BACKENDS:
        [job] = [
            j
            for j in k8s.of_kind(resources, "Job")
            if j["metadata"]["labels"]["app.kubernetes.io/name"] == service
        ]
        [app] = job["spec"]["template"]["spec"]["containers"]
        tag = app["image"].rpartition(":")[2]
        assert re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", tag), "a tag, not a digest"
        assert tag != "latest"
        assert job["metadata"]["name"] == f"{service}-migrate-{tag}"
        assert len(job["metadata"]["name"]) <= 63
        assert app["command"] == ["python", "-m", service, "migrate"]
        assert f"@{service}-db-rw:5432/" in k8s.env_value(app, "DATABASE_URL")
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


@overlays
def test_images_are_pinned_to_a_release(name: str) -> None:
    for workload, spec in k8s.pods(k8s.overlay(name)):
        for container in k8s.containers(spec):
            image = container["image"]
            assert ":" in image, (workload, image)
            assert not image.endswith(":latest"), (workload, image)


@overlays
def test_each_service_reaches_its_own_database_the_relay_without_the_pooler(name: str) -> None:
    resources = k8s.overlay(name)
    for process in WITH_DATABASE:
        service, role = process.name.rsplit("-", 1)
        spec = k8s.pod_spec(k8s.named(resources, "Deployment", process.name))
        assert spec is not None
        url = k8s.env_value(spec["containers"][0], "DATABASE_URL")
        host = f"{service}-db-rw" if role == "relay" else f"{service}-db-pooler-rw"
        assert url == (
            f"postgresql+asyncpg://$(DB_USERNAME):$(DB_PASSWORD)@{host}:5432/capmetiers_{service}"
        )
        pooler = k8s.named(resources, "Pooler", f"{service}-db-pooler-rw")
        assert pooler["spec"]["cluster"]["name"] == f"{service}-db"
        assert pooler["spec"]["pgbouncer"]["poolMode"] == "transaction"
        cluster = k8s.named(resources, "Cluster", f"{service}-db")
        assert cluster["spec"]["bootstrap"]["initdb"]["database"] == f"capmetiers_{service}"


def _replicas(resources: tuple[k8s.Resource, ...], name: str) -> int:
    replicas: int = k8s.named(resources, "Deployment", name)["spec"]["replicas"]
    return replicas


@overlays
@pytest.mark.parametrize("service", BACKENDS)
def test_connections_fit_max_connections_at_the_replica_counts(name: str, service: str) -> None:
    resources = k8s.overlay(name)
    cluster = k8s.named(resources, "Cluster", f"{service}-db")
    pooler = k8s.named(resources, "Pooler", f"{service}-db-pooler-rw")
    max_connections = int(cluster["spec"]["postgresql"]["parameters"]["max_connections"])
    bouncer: dict[str, str] = pooler["spec"]["pgbouncer"]["parameters"]
    per_bouncer = int(bouncer["max_db_connections"])
    assert per_bouncer <= int(bouncer["default_pool_size"]) + int(bouncer["reserve_pool_size"])
    # During a rolling update one more PgBouncer and one more relay run (maxSurge 1).
    server_side = (
        (pooler["spec"]["instances"] + 1) * per_bouncer
        + (_replicas(resources, f"{service}-relay") + 1) * 2
        + 1  # the migration Job
        + OTHER_CONNECTIONS
    )
    assert server_side <= max_connections
    clients = (
        _replicas(resources, f"{service}-api") + 1 + _replicas(resources, f"{service}-worker") + 1
    ) * PROCESS_POOL + PROCESS_POOL  # + a CronJob
    assert clients <= int(bouncer["max_client_conn"])


@overlays
def test_schedulers_run_once_an_hour_whatever_the_worker_count(name: str) -> None:
    resources = k8s.overlay(name)
    crons = {c["metadata"]["name"]: c for c in k8s.of_kind(resources, "CronJob")}
    assert set(crons) == {"membership-lapse", "billing-overdue"}
    for cron_name, cron in crons.items():
        service, command = cron_name.split("-")
        assert cron["spec"]["concurrencyPolicy"] == "Forbid"
        [app] = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert app["command"] == ["python", "-m", service, command]
        worker = k8s.pod_spec(k8s.named(resources, "Deployment", f"{service}-worker"))
        assert worker is not None
        assert k8s.env_value(worker["containers"][0], "WORKER_SCHEDULERS") == "false"


@overlays
def test_every_api_is_behind_the_ingress(name: str) -> None:
    resources = k8s.overlay(name)
    [ingress] = k8s.of_kind(resources, "Ingress")
    routed = {
        rule["host"]: path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert sorted(routed.values()) == PLATFORM
    assert set(ingress["spec"]["tls"][0]["hosts"]) == set(routed)
    for service in PLATFORM:
        target = k8s.named(resources, "Service", service)
        assert target["spec"]["selector"] == {
            "app.kubernetes.io/name": service,
            "app.kubernetes.io/component": "frontend" if service in FRONTENDS else "api",
        }


@overlays
@pytest.mark.parametrize("frontend", FRONTENDS)
def test_a_frontend_is_one_pod_that_calls_the_apis_and_signs_in_at_the_provider(
    name: str, frontend: str
) -> None:
    resources = k8s.overlay(name)
    deployment = k8s.named(resources, "Deployment", f"{frontend}-api")
    # its sessions live in the process's memory: one replica, whatever the overlay
    assert deployment["spec"]["replicas"] == 1
    assert not [
        d
        for d in k8s.of_kind(resources, "Deployment")
        if d is not deployment and d["metadata"]["labels"]["app.kubernetes.io/name"] == frontend
    ]
    assert not [
        c
        for c in k8s.of_kind(resources, "Cluster")
        if c["metadata"]["name"].startswith(f"{frontend}-")
    ]
    [app] = deployment["spec"]["template"]["spec"]["containers"]
    variables = {e["name"] for e in app["env"]}
    assert not {"DATABASE_URL", "RABBITMQ_URL"} & variables
    for service in called_by(frontend):
        assert (
            k8s.env_value(app, f"{frontend.upper()}_{service.upper()}_URL") == f"http://{service}"
        )
    assert k8s.env_value(app, "PLATFORM_ENVIRONMENT") == "production"
    [config] = k8s.of_kind(resources, "ConfigMap")
    prefix = frontend.upper()
    assert config["data"][f"{prefix}_OIDC_ISSUER"].startswith("https://")
    assert config["data"][f"{prefix}_OIDC_CLIENT_ID"]
    callback = config["data"][f"{prefix}_OIDC_REDIRECT_URL"]
    [ingress] = k8s.of_kind(resources, "Ingress")
    hosts = {
        rule["host"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
        if path["backend"]["service"]["name"] == frontend
    }
    assert callback == f"https://{hosts.pop()}/connexion/retour"
    secret = [e for e in app["env"] if e["name"] == f"{prefix}_OIDC_CLIENT_SECRET"]
    assert secret[0]["valueFrom"]["secretKeyRef"]["name"]


def _policy_for(queue: str, policies: list[k8s.Resource]) -> str | None:
    matching = [p["spec"] for p in policies if re.search(p["spec"]["pattern"], queue)]
    return max(matching, key=lambda p: p["priority"])["name"] if matching else None


@overlays
def test_rabbitmq_is_three_nodes_and_every_queue_quorum(name: str) -> None:
    resources = k8s.overlay(name)
    [cluster] = k8s.of_kind(resources, "RabbitmqCluster")
    assert cluster["spec"]["replicas"] == 3
    [vhost] = k8s.of_kind(resources, "Vhost")
    assert vhost["spec"]["defaultQueueType"] == "quorum"
    [config] = k8s.of_kind(resources, "ConfigMap")
    topology = Topology(namespace=config["data"]["RABBITMQ_NAMESPACE"])
    queue = ConsumerQueue(f"{topology.namespace}.billing.on_membership_approved", ("x",))
    assert queue.main_arguments(topology.dead_letter_exchange)["x-queue-type"] == "quorum"
    policies = [p for p in k8s.of_kind(resources, "Policy") if p["spec"]["vhost"] == "capmetiers"]
    assert _policy_for(queue.retry_queue(1000), policies) == "capmetiers-retry"
    retry = named_policy(policies, "capmetiers-retry")
    assert retry["definition"] == {
        "dead-letter-strategy": "at-least-once",
        "overflow": "reject-publish",
    }
    assert _policy_for(topology.journal, policies) == "capmetiers-queues"
    assert _policy_for(queue.name, policies) == "capmetiers-queues"
    assert _policy_for(queue.dlq, policies) == "capmetiers-queues"
    for process in WITH_DATABASE:
        spec = k8s.pod_spec(k8s.named(resources, "Deployment", process.name))
        assert spec is not None
        url = k8s.env_value(spec["containers"][0], "RABBITMQ_URL")
        assert url.endswith("@capmetiers-rabbitmq:5672/capmetiers")


def named_policy(policies: list[k8s.Resource], name: str) -> dict[str, Any]:
    [policy] = [p["spec"] for p in policies if p["spec"]["name"] == name]
    spec: dict[str, Any] = policy
    return spec


@overlays
def test_secrets_come_from_the_cluster_and_the_template_names_them(name: str) -> None:
    resources = k8s.overlay(name)
    assert not k8s.of_kind(resources, "Secret")
    template = list(yaml.safe_load_all((k8s.K8S / "secrets.template.yaml").read_text()))
    templated = {s["metadata"]["name"]: set(s["stringData"]) for s in template}
    for secret in template:
        assert all(v.startswith("<") for k, v in secret["stringData"].items() if k != "username")
    generated = {f"{service}-db-app" for service in BACKENDS}  # CloudNativePG's
    for workload, spec in k8s.pods(resources):
        for container in k8s.containers(spec):
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in templated, workload
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref is None:
                    continue
                if ref["name"] in generated:
                    assert ref["key"] in {"username", "password"}
                else:
                    assert ref["key"] in templated[ref["name"]], (workload, ref)
    [user] = k8s.of_kind(resources, "User")
    assert user["spec"]["importCredentialsSecret"]["name"] in templated


@overlays
def test_every_long_running_pod_is_scraped_where_it_serves_its_metrics(name: str) -> None:
    resources = k8s.overlay(name)
    [config] = k8s.of_kind(resources, "ConfigMap")
    for deployment in k8s.of_kind(resources, "Deployment"):
        template = deployment["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", deployment["metadata"]["name"]
        assert annotations["prometheus.io/path"] == "/metrics"
        [app] = template["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in app["ports"]}
        component = deployment["metadata"]["labels"]["app.kubernetes.io/component"]
        # an API (or the portal) on its HTTP port; a worker or a relay on METRICS_PORT
        port = ports["http"] if component in {"api", "frontend"} else ports["metrics"]
        assert annotations["prometheus.io/port"] == str(port), deployment["metadata"]["name"]
        if component in {"worker", "relay"}:
            assert config["data"]["METRICS_PORT"] == str(port)
            assert {"name": "capmetiers-config"} in [
                s["configMapRef"] for s in app["envFrom"] if "configMapRef" in s
            ]


@overlays
def test_membership_reads_its_badge_signing_key_from_a_templated_secret(name: str) -> None:
    template = list(yaml.safe_load_all((k8s.K8S / "secrets.template.yaml").read_text()))
    holding = [
        s["metadata"]["name"] for s in template if "GOVERNANCE_BADGE_SIGNING_KEY" in s["stringData"]
    ]
    assert holding == ["capmetiers-secrets"]
    resources = k8s.overlay(name)
    for role in ("api", "worker"):
        spec = k8s.pod_spec(k8s.named(resources, "Deployment", f"membership-{role}"))
        assert spec is not None
        sources = [
            s["secretRef"]["name"] for s in spec["containers"][0]["envFrom"] if "secretRef" in s
        ]
        assert "capmetiers-secrets" in sources
