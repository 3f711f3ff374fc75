package gateway_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authgate/gatewayd/gateway/docs"
)

// oasBase is the URL the document is registered under in the validator;
// schemas are compiled by JSON pointer below it, so $ref into components
// resolves inside the one document. Nothing is ever fetched.
const oasBase = "https://gatewayd.test/openapi.json"

// oasSpec is the embedded OpenAPI document plus a JSON Schema validator
// that compiles the schemas it names on demand.
type oasSpec struct {
	doc map[string]any

	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema
}

func loadOASSpec(t *testing.T) *oasSpec {
	t.Helper()
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(docs.New().Spec().Bytes()))
	if err != nil {
		t.Fatalf("decode openapi.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	// OpenAPI 3.1 Schema Objects are JSON Schema 2020-12.
	c.DefaultDraft(jsonschema.Draft2020)
	// Make "format" (uuid, date-time, email, uri) an assertion: a user id
	// that is not a UUID is drift too.
	c.AssertFormat()
	if err := c.AddResource(oasBase, raw); err != nil {
		t.Fatal(err)
	}
	return &oasSpec{doc: raw.(map[string]any), compiler: c, compiled: map[string]*jsonschema.Schema{}}
}

// oasOperation is one documented method+path.
type oasOperation struct{ method, path string }

func (o oasOperation) String() string { return o.method + " " + o.path }

// operations lists every documented operation, methods upper-cased.
func (s *oasSpec) operations() []oasOperation {
	var out []oasOperation
	for p, item := range s.doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			switch m {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				out = append(out, oasOperation{strings.ToUpper(m), p})
			}
		}
	}
	slices.SortFunc(out, func(a, b oasOperation) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// statuses lists the documented status codes of op.
func (s *oasSpec) statuses(op oasOperation) []int {
	var out []int
	for k := range s.operation(op)["responses"].(map[string]any) {
		n, err := strconv.Atoi(k)
		if err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func (s *oasSpec) operation(op oasOperation) map[string]any {
	return s.doc["paths"].(map[string]any)[op.path].(map[string]any)[strings.ToLower(op.method)].(map[string]any)
}

// response returns the documented response for status with its JSON
// pointer, following an OpenAPI $ref (which JSON Schema would not).
func (s *oasSpec) response(op oasOperation, status int) (map[string]any, string, bool) {
	ptr := "/paths/" + escapePointer(op.path) + "/" + strings.ToLower(op.method) + "/responses/" + strconv.Itoa(status)
	r, ok := s.operation(op)["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	if !ok {
		return nil, "", false
	}
	return s.deref(r, ptr)
}

// deref follows a local "$ref" once (OpenAPI components never chain).
func (s *oasSpec) deref(obj map[string]any, ptr string) (map[string]any, string, bool) {
	ref, ok := obj["$ref"].(string)
	if !ok {
		return obj, ptr, true
	}
	ptr = strings.TrimPrefix(ref, "#")
	var cur any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "", false
		}
		cur = m[strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")]
	}
	m, ok := cur.(map[string]any)
	return m, ptr, ok
}

// oasReporter is the part of *testing.T that check uses, so a test can
// prove check reports drift by handing it a recorder.
type oasReporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// schema compiles (once) the schema at a JSON pointer into the document.
func (s *oasSpec) schema(t oasReporter, ptr string) *jsonschema.Schema {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.compiled[ptr]; ok {
		return sch
	}
	sch, err := s.compiler.Compile(oasBase + "#" + ptr)
	if err != nil {
		t.Fatalf("compile schema %s: %v", ptr, err)
	}
	s.compiled[ptr] = sch
	return sch
}

// exchange is one finished request and response.
type exchange struct {
	op     oasOperation
	status int
	header http.Header
	body   []byte
}

// check fails t unless the exchange is documented: its status is listed
// for the operation, its Content-Type is one of that response's media
// types, its body validates against the schema, and every required
// response header is present and valid.
func (s *oasSpec) check(t oasReporter, x exchange) {
	t.Helper()
	resp, ptr, ok := s.response(x.op, x.status)
	if !ok {
		t.Errorf("%s answered %d, which the document does not list (it lists %v); body %s", x.op, x.status, s.statuses(x.op), x.body)
		return
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(x.body) != 0 {
			t.Errorf("%s %d: documented without a body, got %s", x.op, x.status, x.body)
		}
	} else {
		mt, _, err := mime.ParseMediaType(x.header.Get("Content-Type"))
		if _, ok := content[mt]; err != nil || !ok {
			t.Errorf("%s %d: Content-Type %q is not documented (%v)", x.op, x.status, x.header.Get("Content-Type"), keysOf(content))
		} else {
			var body any
			if err := json.Unmarshal(x.body, &body); err != nil {
				t.Errorf("%s %d: body is not JSON: %v", x.op, x.status, err)
			} else if err := s.schema(t, ptr+"/content/"+escapePointer(mt)+"/schema").Validate(body); err != nil {
				t.Errorf("%s %d: body %s does not match the documented schema:\n%v", x.op, x.status, x.body, err)
			}
		}
	}
	headers, _ := resp["headers"].(map[string]any)
	for name, h := range headers {
		hdr, hptr, ok := s.deref(h.(map[string]any), ptr+"/headers/"+escapePointer(name))
		if !ok {
			t.Errorf("%s %d: header %s: broken $ref", x.op, x.status, name)
			continue
		}
		value, present := x.header[http.CanonicalHeaderKey(name)]
		if !present {
			if required, _ := hdr["required"].(bool); required {
				t.Errorf("%s %d: required header %s is missing", x.op, x.status, name)
			}
			continue
		}
		var v any = value[0]
		if typ, _ := hdr["schema"].(map[string]any)["type"].(string); typ == "integer" {
			n, err := strconv.Atoi(value[0])
			if err != nil {
				t.Errorf("%s %d: header %s = %q is not an integer", x.op, x.status, name, value[0])
				continue
			}
			v = n
		}
		if err := s.schema(t, hptr+"/schema").Validate(v); err != nil {
			t.Errorf("%s %d: header %s = %q: %v", x.op, x.status, name, value[0], err)
		}
	}
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
