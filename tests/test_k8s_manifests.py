"""deploy/k8s: valid against a pinned Kubernetes version's schemas, and in step with the hub.

`kubernetes_validate` carries the schemas of each Kubernetes version in the package, so
nothing is fetched. Beyond the schemas: the probes ask the hub's own routes on its port,
the grace period outlasts the drain, the pods run as the image's non-root user on a
read-only root filesystem, the HPA, PDB and Service select the Deployment's pods, and
every key comes from a Secret whose committed example holds placeholders only.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml  # type: ignore[import-untyped]
from starlette.routing import Route

from app import create_app
from settings import PORT, SETTINGS, load_settings
from transport.health import HEALTH_PATH, READY_PATH

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"
"""The version the manifests are written for (lifecycle.preStop.sleep: beta since 1.30)."""
EXAMPLE_SECRET = "secret.example.yaml"
SECRET_NAMES = re.compile(r"SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL|REDIS_URL")


@cache
def _documents(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc)


def _manifests() -> list[str]:
    return sorted(path.name for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")


def _one(kind: str) -> dict[str, Any]:
    found = [doc for name in _manifests() for doc in _documents(name) if doc["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} manifests"
    return found[0]


def _pod() -> dict[str, Any]:
    pod: dict[str, Any] = _one("Deployment")["spec"]["template"]
    return pod


def _hub_container() -> dict[str, Any]:
    containers = _pod()["spec"]["containers"]
    assert [container["name"] for container in containers] == ["hub"]
    container: dict[str, Any] = containers[0]
    return container


def _config() -> dict[str, str]:
    data: dict[str, str] = _one("ConfigMap")["data"]
    return data


@pytest.mark.parametrize("name", _manifests())
def test_each_manifest_is_valid_for_the_pinned_kubernetes(name: str) -> None:
    for document in _documents(name):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_what_kubernetes_would() -> None:
    # the schemas really are there, offline: a misspelt field of the Deployment is refused
    broken = copy.deepcopy(_one("Deployment"))
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kustomize_applies_every_manifest_but_the_example_secret() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(set(_manifests()) - {EXAMPLE_SECRET})


def test_two_replicas_probed_on_the_hubs_own_routes_and_port(tmp_path: Path) -> None:
    assert _one("Deployment")["spec"]["replicas"] == 2
    container = _hub_container()
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports["http"] == int(_config()["HUB_PORT"]) == PORT.default
    assert container["readinessProbe"]["httpGet"] == {"path": READY_PATH, "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": HEALTH_PATH, "port": "http"}
    # the paths are routes of the hub itself
    app = create_app(load_settings({"HUB_DATA_DIR": str(tmp_path)}))
    paths = {route.path for route in app.routes if isinstance(route, Route)}
    assert {READY_PATH, HEALTH_PATH} <= paths


def test_the_grace_period_outlasts_the_drain() -> None:
    spec = _pod()["spec"]
    pre_stop = _hub_container()["lifecycle"]["preStop"]["sleep"]["seconds"]
    shutdown = int(_config()["HUB_SHUTDOWN_TIMEOUT"])
    assert pre_stop > 0
    # the kubelet sleeps preStop, then sends SIGTERM: requests get HUB_SHUTDOWN_TIMEOUT more
    assert spec["terminationGracePeriodSeconds"] > pre_stop + shutdown


def test_pods_run_as_the_images_user_on_a_read_only_root() -> None:
    spec = _pod()["spec"]
    dockerfile = (REPO / "Dockerfile").read_text()
    uid = re.search(r"useradd .*--uid (\d+)", dockerfile)
    assert uid, "the Dockerfile creates no user with a fixed uid"
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == int(uid.group(1))
    for container in [*spec.get("initContainers", []), *spec["containers"]]:
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True, container["name"]
        assert security["allowPrivilegeEscalation"] is False, container["name"]
        assert security["capabilities"]["drop"] == ["ALL"], container["name"]
        mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
        assert _config()["HUB_DATA_DIR"] in mounts  # the hub's scratch is writable
        assert container["resources"]["requests"]["cpu"]  # the HPA scales on its share


def test_the_autoscaler_budget_and_service_follow_the_deployment() -> None:
    deployment = _one("Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = _one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert [metric["resource"]["name"] for metric in hpa["spec"]["metrics"]] == ["cpu"]
    assert hpa["spec"]["minReplicas"] >= 2
    pdb = _one("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]  # a drain can proceed
    service = _one("Service")
    assert service["spec"]["selector"].items() <= labels.items()
    assert {port["targetPort"] for port in service["spec"]["ports"]} == {"http"}


def test_settings_come_from_the_config_map_and_keys_from_secret_refs() -> None:
    known = {setting.env for setting in SETTINGS}
    assert set(_config()) <= known, set(_config()) - known
    assert not [key for key in _config() if SECRET_NAMES.search(key)]
    example = _documents(EXAMPLE_SECRET)[0]
    spec = _pod()["spec"]
    for container in [*spec.get("initContainers", []), *spec["containers"]]:
        for variable in container.get("env", []):
            assert variable["name"] in known
            assert "value" not in variable, f"{variable['name']} written inline"
            reference = variable["valueFrom"]["secretKeyRef"]
            assert reference["name"] == example["metadata"]["name"]
            assert reference["key"] in example["stringData"]


def test_the_example_secret_holds_placeholders_only() -> None:
    example = _documents(EXAMPLE_SECRET)[0]
    assert example["kind"] == "Secret"
    assert "data" not in example  # base64 would hide what is committed
    for key, value in example["stringData"].items():
        assert "example.internal" in value or "REPLACE" in value, key
        password = re.search(r"://[^/:@]+:([^@]+)@", value)
        assert password is None or password.group(1).startswith("REPLACE"), key
