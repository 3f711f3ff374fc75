package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The compose-spec JSON schema, copied from the Go module
// github.com/compose-spec/compose-go/v2@v2.16.2 (schema/compose-spec.json),
// the loader docker compose itself uses; the same schema `docker compose
// config` applies.
const composeSchema = "testdata/compose-spec.json"

// TestComposeFileMatchesComposeSpec validates compose.yaml against the
// compose-spec schema, offline.
func TestComposeFileMatchesComposeSpec(t *testing.T) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	sf, err := os.Open(composeSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(sf)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("compose_spec.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("compose_spec.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("compose.yaml does not match the compose spec:\n%v", err)
	}

	// Mutation check: the schema really refuses a misspelt key.
	var bad map[string]any
	_ = yaml.Unmarshal(raw, &bad)
	bad["services"].(map[string]any)["gateway"].(map[string]any)["helthcheck"] = map[string]any{}
	if err := schema.Validate(bad); err == nil {
		t.Fatal("the compose schema accepted an unknown service key; the check is not strict")
	}
}

// TestComposeServicesAreHealthCheckedAndOrdered: every service has a
// healthcheck, the one-shot migrate service completes before the gateway
// starts, and secrets reach the gateway only as *_FILE paths.
func TestComposeServicesAreHealthCheckedAndOrdered(t *testing.T) {
	doc := yamlDocs(t, "compose.yaml")[0]
	services := doc["services"].(map[string]any)
	for _, name := range []string{"gateway", "postgres", "redis", "upstream", "migrate"} {
		svc, ok := services[name].(map[string]any)
		if !ok {
			t.Errorf("compose.yaml has no %s service", name)
			continue
		}
		if _, ok := svc["healthcheck"]; !ok {
			t.Errorf("service %s has no healthcheck", name)
		}
	}
	cond := dig(t, services, "gateway", "depends_on", "migrate", "condition")
	if cond != "service_completed_successfully" {
		t.Errorf("gateway depends on migrate with %v, want service_completed_successfully", cond)
	}
	for _, name := range []string{"gateway", "migrate"} {
		envs := dig(t, services, name, "environment").(map[string]any)
		for k, v := range envs {
			for _, secret := range []string{"JWT_SECRET", "DATABASE_URL", "REDIS_URL"} {
				if k == secret {
					t.Errorf("service %s sets %s directly; use %s_FILE", name, k, k)
				}
			}
			if strings.HasSuffix(k, "_FILE") && !strings.HasPrefix(v.(string), "/run/secrets/") {
				t.Errorf("service %s: %s=%v is not a compose secret", name, k, v)
			}
		}
		if dig(t, services, name, "read_only") != true {
			t.Errorf("service %s does not run with a read-only root filesystem", name)
		}
	}
	if v := dig(t, services, "postgres", "environment", "POSTGRES_PASSWORD_FILE"); v == nil {
		t.Error("postgres does not take its password from a file")
	}
}

// TestComposeGatewayConfigPassesConfigCheck: the config compose mounts is
// valid for the binary the Dockerfile builds, with the environment the
// gateway service gets.
func TestComposeGatewayConfigPassesConfigCheck(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"jwt_secret":   "compose-test-secret-0123456789abcdef0123456789",
		"database_url": "postgres://gatewayd:pw@postgres:5432/gatewayd?sslmode=disable",
		"redis_url":    "redis://:pw@redis:6379/0",
	}
	var env []string
	for name, v := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
		env = append(env, strings.ToUpper(name)+"_FILE="+p)
	}
	env = append(env, "MIGRATE_ON_STARTUP=false")
	out := configCheck(t, "compose.gateway.yaml", env...)
	if !strings.Contains(out, "configuration OK") || !strings.Contains(out, "database postgres") {
		t.Errorf("config check output: %s", out)
	}
}
