package docs_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authgate/gatewayd/gateway/docs"
)

// oasSchemas are the offline copies of the OAS 3.1 meta-schemas, by $id.
var oasSchemas = map[string]string{
	"https://spec.openapis.org/oas/3.1/schema/2021-04-15":      "schema.json",
	"https://spec.openapis.org/oas/3.1/schema-base/2021-04-15": "schema-base.json",
	"https://spec.openapis.org/oas/3.1/dialect/base":           "dialect-base.schema.json",
	"https://spec.openapis.org/oas/3.1/meta/base":              "meta-base.schema.json",
}

// specDoc decodes the embedded document the way the validator wants it.
func specDoc(t *testing.T) any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(docs.New().Spec().Bytes()))
	if err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

// oasValidator compiles the OAS 3.1 meta-schema from testdata (no network).
// schema-base also checks every Schema Object against the OAS dialect.
func oasValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for id, file := range oasSchemas {
		b, err := os.ReadFile(filepath.Join("testdata", "oas-3.1", file))
		if err != nil {
			t.Fatalf("read meta-schema: %v", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("decode %s: %v", file, err)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatalf("add %s: %v", file, err)
		}
	}
	meta, err := c.Compile("https://spec.openapis.org/oas/3.1/schema-base/2021-04-15")
	if err != nil {
		t.Fatalf("compile OAS 3.1 meta-schema: %v", err)
	}
	return meta
}

func TestSpecIsValidOpenAPI31(t *testing.T) {
	meta := oasValidator(t)
	doc := specDoc(t)
	if err := meta.Validate(doc); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3.1 document:\n%v", err)
	}
	if v := doc.(map[string]any)["openapi"]; v != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", v)
	}
}

// TestSpecValidatorCatchesMistakes proves the check above has teeth: each
// broken copy of the document must be rejected.
func TestSpecValidatorCatchesMistakes(t *testing.T) {
	meta := oasValidator(t)
	for _, tc := range []struct {
		name   string
		break_ func(doc map[string]any)
	}{
		{"unknown top-level member", func(doc map[string]any) { doc["bogus"] = true }},
		{"responses not an object", func(doc map[string]any) {
			doc["paths"].(map[string]any)["/healthz"].(map[string]any)["get"].(map[string]any)["responses"] = "200"
		}},
		{"schema with a misspelt type", func(doc map[string]any) {
			doc["components"].(map[string]any)["schemas"].(map[string]any)["Health"].(map[string]any)["type"] = "objcet"
		}},
		{"path without leading slash", func(doc map[string]any) {
			paths := doc["paths"].(map[string]any)
			paths["healthz"] = paths["/healthz"]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := specDoc(t).(map[string]any)
			tc.break_(doc)
			if err := meta.Validate(doc); err == nil {
				t.Fatal("broken document passed validation")
			}
		})
	}
}

// TestSpecRefsResolve walks every $ref. The meta-schema does not follow
// references, and a dangling one only shows up as a blank box in the UI.
func TestSpecRefsResolve(t *testing.T) {
	doc := specDoc(t)
	var walk func(v any, at string)
	count := 0
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				count++
				ptr, ok := strings.CutPrefix(ref, "#")
				if !ok {
					t.Errorf("%s: $ref %q leaves the document", at, ref)
				} else if _, err := lookupPointer(doc, ptr); err != nil {
					t.Errorf("%s: $ref %q: %v", at, ref, err)
				}
			}
			for k, child := range x {
				walk(child, at+"/"+k)
			}
		case []any:
			for i, child := range x {
				walk(child, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "")
	if count == 0 {
		t.Fatal("found no $ref at all; is the walker broken?")
	}
}

// TestSpecSchemasCompile compiles every component schema as JSON Schema
// 2020-12, which catches what the meta-schema cannot (bad regex patterns,
// references inside schemas).
func TestSpecSchemasCompile(t *testing.T) {
	doc := specDoc(t)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	const base = "https://gatewayd.test/openapi.json"
	if err := c.AddResource(base, doc); err != nil {
		t.Fatal(err)
	}
	schemas, err := lookupPointer(doc, "/components/schemas")
	if err != nil {
		t.Fatal(err)
	}
	for name := range schemas.(map[string]any) {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Compile(base + "#/components/schemas/" + name); err != nil {
				t.Fatalf("compile: %v", err)
			}
		})
	}
}

// TestSpecOperationsAreComplete keeps every operation usable in the UI and
// in generated clients: a unique id, a summary, a tag and a success
// response.
func TestSpecOperationsAreComplete(t *testing.T) {
	var spec struct {
		Paths map[string]map[string]struct {
			OperationID string                     `json:"operationId"`
			Summary     string                     `json:"summary"`
			Tags        []string                   `json:"tags"`
			Responses   map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(docs.New().Spec().Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for p, item := range spec.Paths {
		for method, op := range item {
			t.Run(method+" "+p, func(t *testing.T) {
				if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
					t.Errorf("missing operationId, summary or tags: %+v", op)
				}
				if other, dup := seen[op.OperationID]; dup {
					t.Errorf("operationId %q also used by %s", op.OperationID, other)
				}
				seen[op.OperationID] = method + " " + p
				ok := false
				for status := range op.Responses {
					ok = ok || strings.HasPrefix(status, "2")
				}
				if !ok {
					t.Errorf("responses %v have no 2xx", keys(op.Responses))
				}
			})
		}
	}
}

// lookupPointer resolves an RFC 6901 JSON pointer.
func lookupPointer(doc any, ptr string) (any, error) {
	if ptr == "" {
		return doc, nil
	}
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, &pointerError{ptr: ptr, at: tok}
		}
		if cur, ok = m[tok]; !ok {
			return nil, &pointerError{ptr: ptr, at: tok}
		}
	}
	return cur, nil
}

type pointerError struct{ ptr, at string }

func (e *pointerError) Error() string {
	return "pointer " + e.ptr + ": no member " + strconv.Quote(e.at)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
