// Command schemagen writes the JSON schemas that deploy/kubernetes is
// validated against (kubeconform, offline), for only the kinds the
// manifests use. It reads the OpenAPI v2 document Kubernetes publishes in
// its own Go module (api/openapi-spec/swagger.json), so nothing comes from
// outside the Go module proxy:
//
//	dir=$(go mod download -json k8s.io/kubernetes@v1.34.2 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
//	go run ./deploy/kubernetes/schemagen -swagger "$dir/api/openapi-spec/swagger.json" -out deploy/kubernetes/testdata/schemas
//
// The output follows kubeconform's "standalone-strict" layout
// (<kind>-<group>-<version>.json, every $ref inlined, unknown fields
// refused), the same shape openapi2jsonschema produces, so a typo such as
// `readOnlyRootFileSystem` fails validation instead of being ignored.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// kinds are the definitions the manifests use, by swagger name.
var kinds = []string{
	"io.k8s.api.apps.v1.Deployment",
	"io.k8s.api.core.v1.Service",
	"io.k8s.api.core.v1.ConfigMap",
	"io.k8s.api.core.v1.Secret",
	"io.k8s.api.batch.v1.Job",
	"io.k8s.api.policy.v1.PodDisruptionBudget",
	"io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
	"io.k8s.api.networking.v1.NetworkPolicy",
}

func main() {
	swagger := flag.String("swagger", "", "path to Kubernetes' api/openapi-spec/swagger.json")
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if err := run(*swagger, *out); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(swaggerPath, out string) error {
	raw, err := os.ReadFile(swaggerPath)
	if err != nil {
		return err
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("parse %s: %w", swaggerPath, err)
	}
	for _, name := range kinds {
		def, ok := doc.Definitions[name]
		if !ok {
			return fmt.Errorf("%s not in the swagger document", name)
		}
		gvk, err := groupVersionKind(def)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		schema := inline(def, doc.Definitions, map[string]bool{name: true}).(map[string]any)
		props := schema["properties"].(map[string]any)
		apiVersion := gvk.version
		if gvk.group != "" {
			apiVersion = gvk.group + "/" + gvk.version
		}
		props["apiVersion"] = map[string]any{"type": "string", "enum": []any{apiVersion}}
		props["kind"] = map[string]any{"type": "string", "enum": []any{gvk.kind}}
		schema["$schema"] = "http://json-schema.org/schema#"
		file := strings.ToLower(gvk.kind)
		if gvk.group != "" {
			file += "-" + strings.Split(gvk.group, ".")[0]
		}
		file += "-" + gvk.version + ".json"
		b, err := json.MarshalIndent(schema, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, file), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

type gvk struct{ group, version, kind string }

func groupVersionKind(def map[string]any) (gvk, error) {
	list, _ := def["x-kubernetes-group-version-kind"].([]any)
	if len(list) == 0 {
		return gvk{}, fmt.Errorf("no x-kubernetes-group-version-kind")
	}
	m := list[0].(map[string]any)
	return gvk{group: m["group"].(string), version: m["version"].(string), kind: m["kind"].(string)}, nil
}

// inline returns v with every $ref replaced by its definition, descriptions
// dropped, objects made
// strict (additionalProperties: false where properties are listed), and the
// two string-or-number types Kubernetes encodes as formats widened as
// openapi2jsonschema does. seen guards against recursive definitions.
func inline(v any, defs map[string]map[string]any, seen map[string]bool) any {
	switch t := v.(type) {
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = inline(e, defs, seen)
		}
		return out
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/definitions/")
			if seen[name] {
				return map[string]any{} // recursion: accept anything below
			}
			next := map[string]bool{name: true}
			for k := range seen {
				next[k] = true
			}
			return inline(defs[name], defs, next)
		}
		out := map[string]any{}
		for k, e := range t {
			// Descriptions would triple the committed files' size and
			// validate nothing.
			if strings.HasPrefix(k, "x-kubernetes-") || k == "description" {
				continue
			}
			out[k] = inline(e, defs, seen)
		}
		if out["format"] == "int-or-string" {
			delete(out, "type")
			delete(out, "format")
			out["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
		}
		if _, ok := out["properties"]; ok {
			if _, set := out["additionalProperties"]; !set {
				out["additionalProperties"] = false
			}
		}
		return out
	}
	return v
}
