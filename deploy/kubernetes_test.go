package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// kubeconform is pinned: a maintained validator from the Go module proxy,
// run against the schemas committed in kubernetes/testdata/schemas (made
// by kubernetes/schemagen from Kubernetes v1.34's own OpenAPI document), so
// nothing is fetched from a schema registry at test time.
const kubeconform = "github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0"

// TestKubernetesManifestsValidateOffline runs kubeconform -strict on every
// manifest: unknown fields (a misspelt securityContext key) and wrong
// types fail.
func TestKubernetesManifestsValidateOffline(t *testing.T) {
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) < 8 {
		t.Fatalf("found %d manifests (%v), want at least 8", len(files), err)
	}
	args := []string{"run", kubeconform, "-strict", "-summary",
		"-schema-location", "kubernetes/testdata/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"}
	cmd := exec.Command("go", append(args, files...)...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Invalid: 0, Errors: 0, Skipped: 0") {
		t.Fatalf("kubeconform: %v\n%s", err, out)
	}
}

// manifest returns the first document of kind in the named file.
func manifest(t *testing.T, file, kind string) map[string]any {
	t.Helper()
	for _, d := range yamlDocs(t, filepath.Join("kubernetes", file)) {
		if d["kind"] == kind {
			return d
		}
	}
	t.Fatalf("kubernetes/%s has no %s", file, kind)
	return nil
}

// clusterConfig is the gateway.yaml the ConfigMap embeds.
func clusterConfig(t *testing.T) (path string, cfg map[string]any) {
	t.Helper()
	text, ok := dig(t, manifest(t, "configmap.yaml", "ConfigMap"), "data", "gateway.yaml").(string)
	if !ok {
		t.Fatal("configmap.yaml has no data.gateway.yaml")
	}
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, cfg
}

// TestConfigMapConfigPassesConfigCheck runs `gatewayd config check` on the
// ConfigMap's config with the Deployment's environment (secrets as files).
func TestConfigMapConfigPassesConfigCheck(t *testing.T) {
	path, _ := clusterConfig(t)
	dir := t.TempDir()
	secrets := map[string]string{
		"jwt_secret":   "k8s-test-secret-0123456789abcdef0123456789",
		"database_url": "postgres://gatewayd:pw@db.example.internal:5432/gatewayd?sslmode=verify-full",
		"redis_url":    "rediss://:pw@redis.example.internal:6380/0",
	}
	for name, v := range secrets {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	container := dig(t, manifest(t, "deployment.yaml", "Deployment"), "spec", "template", "spec", "containers", "0")
	for _, e := range dig(t, container, "env").([]any) {
		name, value := e.(map[string]any)["name"].(string), e.(map[string]any)["value"].(string)
		switch {
		case name == "GATEWAY_CONFIG":
			continue // the test passes --config
		case strings.HasSuffix(name, "_FILE"):
			value = filepath.Join(dir, filepath.Base(value))
		}
		env = append(env, name+"="+value)
	}
	out := configCheck(t, path, env...)
	if !strings.Contains(out, "database postgres") {
		t.Errorf("config check on the ConfigMap: %s", out)
	}
	// The one accepted warning: Prometheus scrapes admin.listen over the
	// pod network, which networkpolicy.yaml limits to the monitoring
	// namespace.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "warning") && !strings.Contains(line, "admin.listen") {
			t.Errorf("config check warns about the ConfigMap: %s", line)
		}
	}
}

// TestDeploymentDrainFitsTerminationGrace: the kubelet sends SIGKILL after
// terminationGracePeriodSeconds, so drain_delay + shutdown_timeout must
// end before it, or the drain is cut off.
func TestDeploymentDrainFitsTerminationGrace(t *testing.T) {
	_, cfg := clusterConfig(t)
	drain, err := time.ParseDuration(dig(t, cfg, "server", "drain_delay").(string))
	if err != nil {
		t.Fatal(err)
	}
	grace, err := time.ParseDuration(dig(t, cfg, "server", "shutdown_timeout").(string))
	if err != nil {
		t.Fatal(err)
	}
	if drain < 5*time.Second {
		t.Errorf("drain_delay %s: behind a Service, give endpoints time to drop the pod (5s-10s)", drain)
	}
	deploy := manifest(t, "deployment.yaml", "Deployment")
	kill := time.Duration(dig(t, deploy, "spec", "template", "spec", "terminationGracePeriodSeconds").(int)) * time.Second
	if drain+grace >= kill {
		t.Errorf("drain_delay %s + shutdown_timeout %s >= terminationGracePeriodSeconds %s", drain, grace, kill)
	}
	if r := dig(t, deploy, "spec", "replicas").(int); r < 2 {
		t.Errorf("replicas = %d, want at least 2", r)
	}
}

// TestDeploymentMemoryLimitCoversMeasuredBound: the process needs about
// 64 MiB plus 19 MiB (password.memory_kib) per concurrent argon2id hash
// (password.max_concurrent), the bound measured for issue 12; a limit
// below that is an OOM kill under a login flood.
func TestDeploymentMemoryLimitCoversMeasuredBound(t *testing.T) {
	_, cfg := clusterConfig(t)
	capHashes, ok := dig(t, cfg, "password", "max_concurrent").(int)
	if !ok || capHashes == 0 {
		t.Fatal("the ConfigMap must fix password.max_concurrent: 0 means 2 x the node's cores, which the memory limit cannot follow")
	}
	bound := 64 + capHashes*19 // MiB
	limit := dig(t, manifest(t, "deployment.yaml", "Deployment"), "spec", "template", "spec", "containers", "0", "resources", "limits", "memory").(string)
	mib, ok := strings.CutSuffix(limit, "Mi")
	if !ok {
		t.Fatalf("memory limit %q: write it in Mi", limit)
	}
	n := 0
	for _, r := range mib {
		n = n*10 + int(r-'0')
	}
	if n < bound {
		t.Errorf("memory limit %s is below the measured bound of %d MiB", limit, bound)
	}
}

// TestPodsRunNonRootReadOnlyWithoutPrivileges checks the securityContext
// of every pod template: non-root, read-only root filesystem, no privilege
// escalation, every capability dropped.
func TestPodsRunNonRootReadOnlyWithoutPrivileges(t *testing.T) {
	for _, m := range []struct{ file, kind string }{{"deployment.yaml", "Deployment"}, {"migrate-job.yaml", "Job"}} {
		pod := dig(t, manifest(t, m.file, m.kind), "spec", "template", "spec")
		if dig(t, pod, "securityContext", "runAsNonRoot") != true {
			t.Errorf("%s: pod runAsNonRoot is not true", m.file)
		}
		for _, c := range dig(t, pod, "containers").([]any) {
			sc := dig(t, c, "securityContext")
			if dig(t, sc, "readOnlyRootFilesystem") != true || dig(t, sc, "allowPrivilegeEscalation") != false {
				t.Errorf("%s: container securityContext %v", m.file, sc)
			}
			drop, _ := dig(t, sc, "capabilities", "drop").([]any)
			if len(drop) != 1 || drop[0] != "ALL" {
				t.Errorf("%s: capabilities.drop = %v, want [ALL]", m.file, drop)
			}
		}
	}
	probes := dig(t, manifest(t, "deployment.yaml", "Deployment"), "spec", "template", "spec", "containers", "0")
	if dig(t, probes, "readinessProbe", "httpGet", "path") != "/readyz" || dig(t, probes, "livenessProbe", "httpGet", "path") != "/healthz" {
		t.Error("probes must be readiness on /readyz and liveness on /healthz")
	}
}

// TestNetworkPolicyAdmitsOnlyGatewayPodsUpstream: in the upstream
// namespace every pod is selected and the only peer is gatewayd's pods.
func TestNetworkPolicyAdmitsOnlyGatewayPodsUpstream(t *testing.T) {
	var found bool
	for _, d := range yamlDocs(t, "kubernetes/networkpolicy.yaml") {
		if dig(t, d, "metadata", "namespace") == "gatewayd" {
			continue
		}
		found = true
		if sel := dig(t, d, "spec", "podSelector").(map[string]any); len(sel) != 0 {
			t.Errorf("upstream policy selects %v, want every pod ({})", sel)
		}
		rules := dig(t, d, "spec", "ingress").([]any)
		if len(rules) != 1 || len(dig(t, rules[0], "from").([]any)) != 1 {
			t.Fatalf("upstream policy must have exactly one peer: %v", rules)
		}
		peer := dig(t, rules[0], "from", "0")
		if dig(t, peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") != "gatewayd" ||
			dig(t, peer, "podSelector", "matchLabels", "app.kubernetes.io/name") != "gatewayd" {
			t.Errorf("upstream policy peer %v is not gatewayd's pods", peer)
		}
	}
	if !found {
		t.Fatal("networkpolicy.yaml has no policy for the upstream namespace")
	}
}
