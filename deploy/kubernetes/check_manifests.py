"""Checks the rendered Kubernetes manifests for what the gateway needs beyond a valid schema.

Usage: check_manifests.py RENDERED.yaml DEFAULT_TOML [--min-replicas N]

kubernetes-validate proves every object is well-formed; this proves the objects fit together and
fit the gateway: probes on /healthz and /readyz, a port named http with Prometheus annotations,
requests and limits, the configuration mounted as a directory (ConfigMap updates reach the pod,
the gateway reloads them), secrets only from a Secret, a termination grace period longer than the
drain and the shutdown grace together, selectors that match. Exits 1 with one line per problem.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import PurePosixPath

import yaml

SECRET_SETTINGS = {
    "SUPPORTGRAPH_LINKS__SIGNING_KEY": ("links", "signing_key"),
    "SUPPORTGRAPH_TELEMETRY__METRICS_TOKEN": ("telemetry", "metrics_token"),
    "SUPPORTGRAPH_REDIS__URL": ("redis", "url"),
}


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 5):
        print(__doc__, file=sys.stderr)
        return 2
    rendered, default_toml = argv[1], argv[2]
    min_replicas = int(argv[4]) if len(argv) == 5 and argv[3] == "--min-replicas" else 2
    with open(rendered, encoding="utf-8") as f:
        objects = [o for o in yaml.safe_load_all(f) if o]
    with open(default_toml, "rb") as f:
        defaults = tomllib.load(f)
    problems = check(objects, defaults, min_replicas)
    for problem in problems:
        print(f"{rendered}: {problem}")
    if not problems:
        kinds = ", ".join(sorted({o["kind"] for o in objects}))
        print(f"{rendered}: {len(objects)} objects fit together ({kinds})")
    return 1 if problems else 0


def by_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o.get("kind") == kind]


def matches(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def check(objects: list[dict], defaults: dict, min_replicas: int) -> list[str]:
    problems: list[str] = []
    deployments = by_kind(objects, "Deployment")
    if len(deployments) != 1:
        return [f"expected one Deployment, found {len(deployments)}"]
    deployment = deployments[0]
    name = deployment["metadata"]["name"]
    spec = deployment["spec"]
    template = spec["template"]
    pod_labels = template["metadata"].get("labels", {})
    pod = template["spec"]
    if not matches(spec["selector"].get("matchLabels", {}), pod_labels):
        problems.append("the Deployment's selector does not match its pod labels")

    containers = pod.get("containers", [])
    gateway = next((c for c in containers if c.get("name") == "supportgraph"), None)
    if gateway is None:
        return problems + ["no container named supportgraph"]

    http = next((p for p in gateway.get("ports", []) if p.get("name") == "http"), None)
    if http is None:
        problems.append("the container has no port named http")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = gateway.get(probe, {}).get("httpGet", {})
        if get.get("path") != path or get.get("port") != "http":
            problems.append(f"{probe} must GET {path} on port http")
    for kind in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in gateway.get("resources", {}).get(kind, {}):
                problems.append(f"resources.{kind}.{resource} is missing")

    annotations = template["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/scrape") != "true":
        problems.append('the pod template lacks prometheus.io/scrape: "true"')
    if annotations.get("prometheus.io/path") != "/metrics":
        problems.append("the pod template lacks prometheus.io/path: /metrics")
    if http and annotations.get("prometheus.io/port") != str(http.get("containerPort")):
        problems.append("prometheus.io/port is not the http port")

    security = pod.get("securityContext", {})
    container_security = gateway.get("securityContext", {})
    if not (security.get("runAsNonRoot") or container_security.get("runAsNonRoot")):
        problems.append("runAsNonRoot is not set")
    if not container_security.get("readOnlyRootFilesystem"):
        problems.append("readOnlyRootFilesystem is not set")

    # The configuration: mounted from ConfigMaps as whole directories.
    config_maps = {o["metadata"]["name"]: o for o in by_kind(objects, "ConfigMap")}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounted: dict[str, dict] = {}
    for mount in gateway.get("volumeMounts", []):
        volume = volumes.get(mount["name"])
        if volume is None:
            problems.append(f"volumeMount {mount['name']} has no volume")
            continue
        if "configMap" not in volume:
            continue
        if "subPath" in mount or "subPathExpr" in mount:
            problems.append(
                f"volumeMount {mount['name']} uses subPath: ConfigMap updates would never reach the pod"
            )
        cm_name = volume["configMap"]["name"]
        if cm_name not in config_maps:
            problems.append(f"volume {mount['name']} names ConfigMap {cm_name}, which is not rendered")
            continue
        mounted[mount["mountPath"].rstrip("/")] = config_maps[cm_name]

    env = {e["name"]: e for e in gateway.get("env", [])}

    def file_in_config(variable: str) -> dict | None:
        """The parsed TOML file an env variable points at, when it is in a mounted ConfigMap."""
        value = env.get(variable, {}).get("value")
        if value is None:
            problems.append(f"{variable} is not set")
            return None
        path = PurePosixPath(value)
        config_map = mounted.get(str(path.parent))
        if config_map is None:
            problems.append(f"{variable}={value} is not in a directory mounted from a ConfigMap")
            return None
        text = config_map.get("data", {}).get(path.name)
        if text is None:
            problems.append(f"{variable}={value}: ConfigMap {config_map['metadata']['name']} has no {path.name}")
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            problems.append(f"{path.name} in ConfigMap {config_map['metadata']['name']}: {error}")
            return None

    settings = file_in_config("SUPPORTGRAPH_CONFIG") or {}
    file_in_config("SUPPORTGRAPH_COUNTRIES_FILE")
    file_in_config("SUPPORTGRAPH_CARRIERS_FILE")

    # Secrets: from a Secret, never written into a ConfigMap.
    for variable, (section, key) in SECRET_SETTINGS.items():
        source = env.get(variable, {}).get("valueFrom", {}).get("secretKeyRef")
        if source is None:
            problems.append(f"{variable} must come from a Secret (valueFrom.secretKeyRef)")
        if key in settings.get(section, {}) and section != "redis":
            problems.append(f"{section}.{key} is written in the settings file: keep it in the Secret")

    # Shutdown: the pod is killed only after the drain and the grace period.
    server = {**defaults.get("server", {}), **settings.get("server", {})}
    for variable, key in (
        ("SUPPORTGRAPH_SERVER__DRAIN_DELAY_MS", "drain_delay_ms"),
        ("SUPPORTGRAPH_SERVER__SHUTDOWN_GRACE_MS", "shutdown_grace_ms"),
    ):
        if "value" in env.get(variable, {}):
            server[key] = int(env[variable]["value"])
    drain_ms = int(server.get("drain_delay_ms", 0))
    grace_ms = int(server.get("shutdown_grace_ms", 0))
    termination_s = int(pod.get("terminationGracePeriodSeconds", 30))
    if termination_s * 1000 <= drain_ms + grace_ms:
        problems.append(
            f"terminationGracePeriodSeconds ({termination_s}) must exceed server.drain_delay_ms "
            f"+ server.shutdown_grace_ms ({drain_ms} + {grace_ms} ms), or in-flight requests are killed"
        )
    if drain_ms == 0:
        problems.append("server.drain_delay_ms is 0: requests still routed to a stopping pod would be refused")
    readiness = gateway.get("readinessProbe", {})
    noticed_ms = 1000 * (
        readiness.get("periodSeconds", 10) * readiness.get("failureThreshold", 3)
        + readiness.get("timeoutSeconds", 1)
    )
    if drain_ms and noticed_ms >= drain_ms:
        problems.append(
            f"the readiness probe notices a drain only after {noticed_ms} ms, not within "
            f"server.drain_delay_ms ({drain_ms} ms)"
        )
    strategy = spec.get("strategy", {}).get("rollingUpdate", {})
    if str(strategy.get("maxUnavailable", "25%")) not in ("0", "0%"):
        problems.append("a rolling update may take pods away before new ones are ready (maxUnavailable)")

    # The autoscaler owns the replica count; the budget and the Service select the pods.
    hpas = [
        h for h in by_kind(objects, "HorizontalPodAutoscaler")
        if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
        and h["spec"]["scaleTargetRef"].get("name") == name
    ]
    if len(hpas) != 1:
        problems.append(f"expected one HorizontalPodAutoscaler for Deployment {name}, found {len(hpas)}")
    else:
        hpa = hpas[0]["spec"]
        if "replicas" in spec:
            problems.append("the Deployment sets replicas, which every apply would reset under the autoscaler")
        if hpa.get("minReplicas", 1) < min_replicas:
            problems.append(f"minReplicas is {hpa.get('minReplicas', 1)}, below {min_replicas}")
        if hpa["maxReplicas"] < hpa.get("minReplicas", 1):
            problems.append("maxReplicas is below minReplicas")
        if not any(
            m.get("type") == "Resource" and m.get("resource", {}).get("name") == "cpu"
            for m in hpa.get("metrics", [])
        ):
            problems.append("the autoscaler does not scale on CPU")
    pdbs = [
        p for p in by_kind(objects, "PodDisruptionBudget")
        if matches(p["spec"]["selector"].get("matchLabels", {}), pod_labels)
    ]
    if len(pdbs) != 1:
        problems.append(f"expected one PodDisruptionBudget selecting the gateway's pods, found {len(pdbs)}")
    services = [
        s for s in by_kind(objects, "Service")
        if s["spec"].get("selector") and matches(s["spec"]["selector"], pod_labels)
    ]
    if not services:
        problems.append("no Service selects the gateway's pods")
    for service in services:
        for port in service["spec"].get("ports", []):
            if port.get("targetPort") != "http":
                problems.append(f"Service {service['metadata']['name']} targets {port.get('targetPort')}, not http")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv))
