"""The deployment files agree with the app and with their schemas, checked offline: the
Kubernetes manifests against the Kubernetes JSON schemas (kubernetes-validate bundles them),
the KEDA objects (a CRD, no schema bundled) by hand, nginx and compose against the config."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess  # nosec B404 - the probe's own shell command
import tempfile
import time
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from app import assets
from app.config import build_config

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
# The Kubernetes version whose schemas the manifests must satisfy (bundled, no network).
K8S_VERSION = "1.33.0"
QUEUES = {"rq:queue:pdf", "rq:queue:llm"}


def _manifests() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


MANIFESTS = _manifests()


def _of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in MANIFESTS if doc["kind"] == kind}


def _config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    for key in ("MAX_REQUEST_BYTES", "WS_PING_INTERVAL", "PDF_MEMORY_LIMIT_MB", "PDF_WORKERS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("APP_ENV", "development")
    return build_config(tmp_path)


@pytest.mark.parametrize(
    "doc",
    [doc for doc in MANIFESTS if not doc["apiVersion"].startswith("keda.sh/")],
    ids=lambda doc: f"{doc['kind']}/{doc['metadata']['name']}",
)
def test_manifest_matches_the_kubernetes_schema(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_kustomizations_list_every_manifest_once() -> None:
    listed = []
    for kustomization in sorted(K8S.rglob("kustomization.yaml")):
        spec = yaml.safe_load(kustomization.read_text())
        listed += [kustomization.parent / name for name in spec.get("resources", [])]
        # The app and its migration Job: one namespace, one release (image tag, settings).
        if spec["kind"] == "Kustomization":
            assert spec["namespace"] == "mikroporada"
            assert spec["components"] == [
                str(Path(os.path.relpath(K8S / "release", kustomization.parent)))
            ]
    manifests = [p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml"]
    assert sorted(listed) == sorted(manifests)


def test_keda_scales_each_worker_on_its_queue() -> None:
    scaled = _of_kind("ScaledObject")
    deployments = _of_kind("Deployment")
    lists = set()
    for name, doc in scaled.items():
        assert doc["apiVersion"] == "keda.sh/v1alpha1"
        assert doc["spec"]["scaleTargetRef"]["name"] in deployments, name
        assert 1 <= doc["spec"]["minReplicaCount"] <= doc["spec"]["maxReplicaCount"]
        for trigger in doc["spec"]["triggers"]:
            assert trigger["type"] == "redis"
            assert int(trigger["metadata"]["listLength"]) > 0
            lists.add(trigger["metadata"]["listName"])
    assert lists == QUEUES


def test_web_probes_and_autoscaler() -> None:
    web = _of_kind("Deployment")["mikroporada-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    # Ready to serve: not the model nor the workers, which all pods share.
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz?scope=serving"
    assert web["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "10"]
    hpa = _of_kind("HorizontalPodAutoscaler")["mikroporada-web"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "mikroporada-web"
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"


def _mebibytes(quantity: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1)


def test_pdf_worker_memory_limit_covers_its_horses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = _of_kind("ConfigMap")["mikroporada"]["data"]
    config = _config(
        monkeypatch,
        tmp_path,
        PDF_MEMORY_LIMIT_MB=data["PDF_MEMORY_LIMIT_MB"],
        PDF_WORKERS=data["PDF_WORKERS"],
    )
    pod = _of_kind("Deployment")["mikroporada-pdf-worker"]["spec"]["template"]["spec"]
    limit = _mebibytes(pod["containers"][0]["resources"]["limits"]["memory"])
    horses = config["PDF_MEMORY_LIMIT_MB"] * config["PDF_WORKERS"]
    assert horses + 256 <= limit <= horses + 1024


def test_every_pod_runs_as_the_image_user() -> None:
    for kind in ("Deployment", "Job"):
        for name, doc in _of_kind(kind).items():
            security = doc["spec"]["template"]["spec"]["securityContext"]
            assert security["runAsNonRoot"] and security["runAsUser"] == 10001, name


def test_nginx_limits_match_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = _config(monkeypatch, tmp_path)
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    body = re.search(r"client_max_body_size (\d+)m;", conf)
    assert body and int(body.group(1)) * 1024 * 1024 >= config["MAX_CONTENT_LENGTH"]
    socket_block = conf.split("location ~ ^/conversations/[^/]+/ws$", 1)[1].split("}", 1)[0]
    read = re.search(r"proxy_read_timeout (\d+)s;", socket_block)
    assert read and int(read.group(1)) > 2 * config["WS_PING_INTERVAL"]
    assert "Strict-Transport-Security" in conf and "return 301 https://" in conf
    ingress = _of_kind("Ingress")["mikroporada"]["metadata"]["annotations"]
    assert int(ingress["nginx.ingress.kubernetes.io/proxy-read-timeout"]) == int(read.group(1))


def test_compose_runs_migrations_once_before_the_app() -> None:
    spec = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    services = spec["services"]
    assert "db upgrade" in " ".join(services["migrate"]["command"])
    for name in ("web-1", "web-2", "worker", "llm-worker"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    command = re.search(r"^CMD (.*)$", (ROOT / "docker" / "Dockerfile").read_text(), re.M)
    assert command and "upgrade" not in command.group(1)
    # Secrets come from the operator's .env only.
    text = (ROOT / "docker" / "compose.yml").read_text()
    assert not re.search(r"(SECRET_KEY|ENCRYPTION_KEYS):\s*\S", text)


def test_nginx_caches_for_good_exactly_the_hashed_names(tmp_path: Path) -> None:
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    found = re.search(r'location ~ "([^"]+)" \{([^}]*)\}', conf)
    assert found and "immutable" in found.group(2) and "root /srv;" in found.group(2)
    nginx_hashed = re.compile(found.group(1))  # plain enough to mean the same in Python
    folder = tmp_path / "static"
    shutil.copytree(ROOT / "static", folder)
    assets.compile_static(folder)
    manifest = json.loads((folder / "cache_manifest.json").read_text())
    assert "css/app.css" in manifest and len(manifest) >= 15
    for plain, hashed in manifest.items():
        assert (folder / hashed).read_bytes() == (folder / plain).read_bytes()
        assert nginx_hashed.match(f"/static/{hashed}") and assets.HASHED.search(hashed)
        assert not nginx_hashed.match(f"/static/{plain}") and not assets.HASHED.search(plain)
    # nginx serves what the `static` service published from the same image.
    services = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())["services"]
    published = services["static"]["volumes"][0].split(":")
    assert published[0] + ":/srv/static:ro" in services["nginx"]["volumes"]
    assert services["static"]["command"][-1].rstrip("/") == published[1]
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert "scripts/compile_static.py static" in dockerfile


def _probe_command() -> list[str]:
    """The PDF worker's liveness test from compose; Kubernetes runs the same."""
    compose = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    test = compose["services"]["worker"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "sh", "-c"]
    script = test[3].replace("$$", "$")
    worker = _of_kind("Deployment")["mikroporada-pdf-worker"]["spec"]["template"]["spec"]
    assert worker["containers"][0]["livenessProbe"]["exec"]["command"][2] == script
    return ["sh", "-c", script]


def test_pdf_worker_liveness_reads_the_supervisors_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    command = _probe_command()
    # The probe looks where the worker writes: PDF_ALIVE_FILE, else its default under TMPDIR.
    monkeypatch.delenv("PDF_ALIVE_FILE", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    alive = Path(build_config(tmp_path)["PDF_ALIVE_FILE"])
    assert alive.parent == tmp_path
    assert subprocess.run(command, check=False).returncode != 0  # nothing yet
    alive.touch()
    assert subprocess.run(command, check=False).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("PDF_ALIVE_FILE", str(elsewhere))
    assert subprocess.run(command, check=False).returncode != 0
    elsewhere.touch()
    assert subprocess.run(command, check=False).returncode == 0
    stale = time.time() - 120
    os.utime(elsewhere, (stale, stale))
    assert subprocess.run(command, check=False).returncode != 0
