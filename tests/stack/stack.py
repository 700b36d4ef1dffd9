"""The production stack under podman: images built from a local Debian base, the compose file
run by podman-compose on the host network, cleaned up completely afterwards.

Nothing here touches the machine's own podman settings, MariaDB or Redis: podman reads private
config files (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF) that keep its images and containers in
a directory of the run's own, and every service listens on a free loopback port.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess  # nosec B404 - the test drives podman
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
IMAGES = Path(__file__).resolve().parent / "images"
BASE_IMAGE = "localhost/debian-base:bookworm"
APP_IMAGE = "localhost/mikroporada:stack-test"
# The services the test runs; the backup, Ollama and monitoring services are left out (a fake
# Ollama on the host stands in for the model).
SERVICES = (
    "db",
    "redis",
    "migrate",
    "static",
    "web-1",
    "web-2",
    "worker",
    "llm-worker",
    "nginx",
)
# The one-off services, started first and waited for by the test (see compose_file).
ONE_OFF = ("migrate", "static")
SERVICE_IMAGES = {"db": "mariadb", "redis": "redis", "nginx": "nginx"}
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
DEBIAN_SUITES = (
    "deb http://deb.debian.org/debian bookworm main",
    "deb http://deb.debian.org/debian bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
)


def missing_tools() -> str | None:
    """Why the stack cannot run here, or None when it can."""
    if sys.platform != "linux":
        return "needs Linux"
    if os.geteuid() != 0:
        return "needs root (rootful podman)"
    for tool in ("podman", "mmdebstrap"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install podman buildah runc mmdebstrap)"
    try:
        import podman_compose  # noqa: F401
    except ImportError:
        return "podman-compose is not installed (pip install -r requirements-dev.txt)"
    return None


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Podman:
    """podman with private storage under ``workdir``."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        (self.workdir / "tmp").mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "containers.conf"
        conf.write_text(
            "[containers]\n"
            'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n'
            '[engine]\nruntime = "runc"\n'
        )
        storage = self.workdir / "storage.conf"
        storage.write_text(
            f'[storage]\ndriver = "overlay"\nrunroot = "{self.workdir / "run"}"\n'
            f'graphroot = "{self.workdir / "storage"}"\n'
        )
        self.env = {
            **os.environ,
            "CONTAINERS_CONF": str(conf),
            "CONTAINERS_STORAGE_CONF": str(storage),
            "TMPDIR": str(self.workdir / "tmp"),
        }

    def run(
        self, *args: str, check: bool = True, timeout: float = 600, cmd: str = "podman"
    ) -> subprocess.CompletedProcess[str]:
        """Run podman (or another command in podman's environment); fail loudly on error."""
        result = subprocess.run(  # nosec B603 - fixed commands, no shell
            [cmd, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{cmd} {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def has_image(self, name: str) -> bool:
        """Whether the image exists in this storage."""
        return self.run("image", "exists", name, check=False).returncode == 0

    def image_size(self, name: str) -> int:
        """The image's size in bytes, as podman reports it (uncompressed)."""
        return int(self.run("image", "inspect", "--format", "{{.Size}}", name).stdout.strip())

    def base(self) -> None:
        """The Debian base, made from the Debian mirror with mmdebstrap (kept if present)."""
        if self.has_image(BASE_IMAGE):
            return
        tar = self.workdir / "base.tar"
        self.run(
            "--variant=minbase",
            "--format=tar",
            "--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr",
            '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*',
            "bookworm",
            str(tar),
            *DEBIAN_SUITES,
            cmd="mmdebstrap",
        )
        self.run("import", "--change", 'CMD ["/bin/bash"]', str(tar), BASE_IMAGE)
        tar.unlink()

    def build(self, tag: str, dockerfile: Path, context: Path) -> None:
        """Build an image on the local base; pip reaches PyPI with the machine's CA bundle,
        handed in as a build secret (never stored in a layer)."""
        args = ["build", "--format", "docker", "-f", str(dockerfile), "-t", tag]
        args += ["--build-arg", f"BASE_IMAGE={BASE_IMAGE}"]
        if CA_BUNDLE.exists():
            args += ["--secret", f"id=ca,src={CA_BUNDLE}"]
        self.run(*args, str(context), timeout=900)

    def compose(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        """podman-compose (from this venv) with the test's compose file and project."""
        result = self.run(
            "-m",
            "podman_compose",
            "-f",
            str(self.workdir / "compose.yml"),
            "-p",
            self.env["STACK_PROJECT"],
            *args,
            check=check,
            timeout=timeout,
            cmd=sys.executable,
        )
        return result.stdout + result.stderr

    def container(self, service: str) -> str:
        """The container name podman-compose gives a service."""
        return f"{self.env['STACK_PROJECT']}_{service}_1"

    def clean(self) -> None:
        """Remove every container, volume and image of this storage, then the directory."""
        for args in (
            ("rm", "--all", "--force", "--time", "1"),
            ("volume", "prune", "--force"),
            ("rmi", "--all", "--force"),
        ):
            self.run(*args, check=False, timeout=120)
        storage = self.workdir / "storage" / "overlay"
        # Layers still mounted by a crashed run: unmount before deleting.
        if storage.exists():
            for merged in storage.glob("*/merged"):
                subprocess.run(["umount", "-l", str(merged)], check=False, capture_output=True)  # nosec
        shutil.rmtree(self.workdir, ignore_errors=True)


def self_signed(directory: Path, host: str = "localhost") -> Path:
    """A self-signed certificate for ``host`` as nginx expects it (fullchain.pem, privkey.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return directory / "fullchain.pem"


@dataclass
class Ports:
    """Loopback ports of the stack's services (host network: each needs its own)."""

    db: int = field(default_factory=free_port)
    redis: int = field(default_factory=free_port)
    web_1: int = field(default_factory=free_port)
    web_2: int = field(default_factory=free_port)
    http: int = field(default_factory=free_port)
    https: int = field(default_factory=free_port)


def nginx_conf(ports: Ports) -> str:
    """docker/nginx.conf with the host network's addresses in place of the compose names."""
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    replacements = {
        "server web-1:8000": f"server 127.0.0.1:{ports.web_1}",
        "server web-2:8000": f"server 127.0.0.1:{ports.web_2}",
        "listen 80;": f"listen 127.0.0.1:{ports.http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports.https} ssl http2;",
    }
    for old, new in replacements.items():
        assert old in conf, f"docker/nginx.conf no longer has {old!r}"
        conf = conf.replace(old, new)
    return conf


def compose_file(workdir: Path, ports: Ports) -> dict[str, Any]:
    """docker/compose.yml for the test: the same services, commands and settings, on the host
    network with the images built here, the test's TLS files and nginx addresses."""
    spec = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    services = {name: spec["services"][name] for name in SERVICES}
    for name, service in services.items():
        service.pop("build", None)
        service.pop("ports", None)
        service.pop("expose", None)
        service["network_mode"] = "host"
        if name in SERVICE_IMAGES:
            service["image"] = f"localhost/stack-{SERVICE_IMAGES[name]}:test"
        # podman 4.3 runs no health checks without systemd; the waits below replace them.
        service["healthcheck"] = {"disable": True}
        # podman-compose waits for "completed successfully" with `podman wait
        # --condition=stopped`, which never returns on podman 4.3 (an exited container is
        # "exited"): the test starts `migrate` first and waits for its exit code itself.
        # Health checks are off (above), so "healthy" becomes "started": the migrate
        # command waits for MariaDB by itself.
        if isinstance(service.get("depends_on"), dict):
            service["depends_on"] = {
                dep: {"condition": "service_started"}
                for dep, cond in service["depends_on"].items()
                if dep in services and cond.get("condition") != "service_completed_successfully"
            }
    services["db"]["command"] = [
        *services["db"]["command"],
        f"--port={ports.db}",
        "--bind-address=127.0.0.1",
        "--socket=/run/mysqld/mysqld.sock",
    ]
    # On one network namespace the two workers cannot both serve metrics on port 9100.
    for name in ("worker", "llm-worker"):
        services[name]["environment"]["METRICS_PORT"] = str(free_port())
    services["redis"]["command"] = [
        *services["redis"]["command"],
        *("--port", str(ports.redis), "--bind", "127.0.0.1", "--dir", "/data"),
    ]
    (workdir / "nginx.conf").write_text(nginx_conf(ports))
    services["nginx"]["volumes"] = [
        f"{workdir / 'nginx.conf'}:/etc/nginx/conf.d/default.conf:ro",
        f"{workdir / 'tls'}:/etc/nginx/tls:ro",
        "static:/srv/static:ro",
    ]
    volumes = {name: spec["volumes"][name] for name in ("storage", "static", "db", "redis")}
    return {"name": spec["name"], "services": services, "volumes": volumes}


@dataclass
class Stack:
    """A running stack: its podman, ports, base URL and figures measured."""

    podman: Podman
    ports: Ports
    ca_file: Path
    figures: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://localhost:{self.ports.https}"

    def kill(self, service: str) -> None:
        """SIGKILL a service's container (as a crash or a lost machine would)."""
        self.podman.run("kill", "--signal", "KILL", self.podman.container(service))

    def start(self, service: str) -> None:
        """Start a service's container again."""
        self.podman.run("start", self.podman.container(service))

    def running(self, service: str) -> bool:
        """Whether the service's container is running."""
        state = self.podman.run(
            "inspect", "--format", "{{.State.Running}}", self.podman.container(service), check=False
        )
        return state.stdout.strip() == "true"

    def logs(self, service: str, tail: int = 60) -> str:
        """The last lines a service's container wrote."""
        result = self.podman.run(
            "logs", "--tail", str(tail), self.podman.container(service), check=False
        )
        return result.stdout + result.stderr


def env_file(path: Path, fake_url: str) -> None:
    """The operator's .env for the test: fresh secrets, short intervals where tests wait."""
    import secrets

    from app.crypto import new_key

    values = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ENCRYPTION_KEYS": new_key(),
        "LOG_LEVEL": "WARNING",
        # Renders whose worker vanished are looked at every 2 s (not 15 s).
        "RENDER_RECONCILE_S": "2",
        "READY_MIN_FREE_MB": "50",
        "OLLAMA_URL": fake_url,
    }
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))


@contextlib.contextmanager
def running_stack(fake_url: str) -> Iterator[Stack]:
    """Build the images, start the stack, wait until /readyz says ready; always clean up."""
    keep = os.environ.get("STACK_DIR")  # a directory to reuse (and keep) between runs
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="mikroporada-stack-"))
    workdir.mkdir(parents=True, exist_ok=True)
    podman = Podman(workdir)
    ports = Ports()
    ca_file = self_signed(workdir / "tls")
    env_file(workdir / "app.env", fake_url)
    (workdir / "compose.yml").write_text(json.dumps(compose_file(workdir, ports), indent=1))
    db_password = os.urandom(12).hex()
    podman.env.update(
        {
            "STACK_PROJECT": f"mpstack{os.getpid()}",
            "MIKROPORADA_IMAGE": APP_IMAGE,
            "ENV_FILE": str(workdir / "app.env"),
            "DB_PASSWORD": db_password,
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(ports.db),
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(ports.redis),
            "OLLAMA_URL": fake_url,
            "WEB_1_PORT": str(ports.web_1),
            "WEB_2_PORT": str(ports.web_2),
        }
    )
    stack = Stack(podman, ports, ca_file)
    try:
        started = time.monotonic()
        podman.base()
        stack.figures["base_s"] = time.monotonic() - started
        started = time.monotonic()
        podman.build(APP_IMAGE, ROOT / "docker" / "Dockerfile", ROOT)
        stack.figures["app_build_s"] = time.monotonic() - started
        stack.figures["app_image_mb"] = podman.image_size(APP_IMAGE) / 1e6
        stack.figures["base_image_mb"] = podman.image_size(BASE_IMAGE) / 1e6
        # The floor of any start: one container of the image importing the app.
        started = time.monotonic()
        podman.run("run", "--rm", "--network", "host", APP_IMAGE, "python", "-c", "import app")
        stack.figures["one_container_import_s"] = time.monotonic() - started
        for name in SERVICE_IMAGES.values():
            tag = f"localhost/stack-{name}:test"
            if not podman.has_image(tag):
                podman.build(tag, IMAGES / f"{name}.Dockerfile", IMAGES)
        started = time.monotonic()
        podman.compose("up", "-d", "db", "redis", *ONE_OFF)
        for service in ONE_OFF:
            code = podman.run("wait", podman.container(service), timeout=180).stdout.strip()
            assert code == "0", f"{service} exited with {code}:\n{stack.logs(service)}"
        stack.figures["migrate_s"] = time.monotonic() - started
        podman.compose("up", "-d", *(s for s in SERVICES[2:] if s not in ONE_OFF))
        wait_ready(stack, timeout=120)
        stack.figures["start_to_ready_s"] = time.monotonic() - started
        yield stack
    finally:
        if os.environ.get("STACK_PAUSE"):  # debugging: look at the stack before it goes
            time.sleep(float(os.environ["STACK_PAUSE"]))
        if os.environ.get("STACK_LOGS"):
            for service in SERVICES:
                print(f"--- {service}\n{stack.logs(service)}", file=sys.stderr)
        podman.compose("down", "-v", "-t", "2", check=False, timeout=180)
        if keep:
            podman.run("rm", "--all", "--force", "--time", "1", check=False)
            podman.run("volume", "prune", "--force", check=False)
        else:
            podman.clean()


def wait_ready(stack: Stack, timeout: float) -> dict[str, Any]:
    """Poll /readyz through nginx until it answers 200; fail with the services' logs."""
    import ssl
    import urllib.error
    import urllib.request

    context = ssl.create_default_context(cafile=str(stack.ca_file))
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # nosec B310 - a fixed https URL
                f"{stack.base}/readyz", timeout=5, context=context
            ) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            last = error.read().decode(errors="replace")
        except OSError as error:
            last = repr(error)
        time.sleep(0.5)
    logs = "\n".join(f"--- {s}\n{stack.logs(s, 30)}" for s in SERVICES)
    raise AssertionError(f"/readyz not ready within {timeout} s: {last}\n{logs}")
