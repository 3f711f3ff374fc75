package config

import (
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/viper"
)

// exactEnv is one of the security guide's variable names. They are applied
// after the GATEWAY_* names and win, because deployment docs and secret
// managers use these names.
type exactEnv struct {
	name     string
	key      string
	fromFile bool // also accept <name>_FILE
	list     bool // file content is a list: one item per line or comma
}

// exactEnvs lists the exact names in the order they are applied.
func exactEnvs() []exactEnv {
	return []exactEnv{
		{name: "GATEWAY_JWT_PREVIOUS_SECRETS", key: "jwt.previous_secrets", fromFile: true, list: true},
		{name: "JWT_SECRET", key: "jwt.secret", fromFile: true},
		{name: "DATABASE_URL", key: "database.url", fromFile: true},
		{name: "REDIS_URL", key: "ratelimit.redis_url", fromFile: true},
		// PEM keys span lines: the file (or variable) is taken whole.
		{name: "ASSERTION_PRIVATE_KEY", key: "proxy.assertion.private_key", fromFile: true},
		{name: "ASSERTION_PREVIOUS_PUBLIC_KEYS", key: "proxy.assertion.previous_public_keys", fromFile: true},
		{name: "CORS_ALLOWED_ORIGINS", key: "cors.allowed_origins"},
		{name: "DOCS_ENABLED", key: "docs.enabled"},
		{name: "MIGRATE_ON_STARTUP", key: "database.migrate_on_startup"},
	}
}

// applyEnv overlays the environment onto v and returns, per key, the
// variable its value came from, so a problem can name what the operator
// actually set ("GATEWAY_JWT_ACCESS_TTL", not only the key). An empty
// variable counts as unset, as with viper's AutomaticEnv.
//
// It is hand-written on purpose, because viper cannot do what it does
// (issue 10 asked): AutomaticEnv and BindEnv read os.Getenv, while Load
// reads only the injected getenv (tests and embedders own the
// environment; STYLE.md's run(getenv)); viper has no *_FILE secrets; and
// it cannot say which variable set a key. The key → variable spelling is
// still viper's convention (SetEnvPrefix("GATEWAY") with a "." → "_"
// replacer; see envName).
func applyEnv(v *viper.Viper, keys []leafKey, getenv func(string) string, ps *Problems) map[string]string {
	from := map[string]string{}
	for _, k := range keys {
		if val := getenv(envName(k.name)); val != "" {
			v.Set(k.name, val)
			from[k.name] = envName(k.name)
		}
	}
	for _, e := range exactEnvs() {
		val := getenv(e.name)
		file := ""
		if e.fromFile {
			file = getenv(e.name + "_FILE")
		}
		switch {
		case val != "" && file != "":
			// Refuse to guess which one the operator meant: picking either
			// could silently run with a stale credential.
			ps.addLine(e.name, e.name+" and "+e.name+"_FILE are both set; set only one")
		case file != "":
			content, ok := readSecretFile(e.name+"_FILE", file, ps)
			if !ok {
				continue
			}
			if e.list {
				v.Set(e.key, splitList(strings.ReplaceAll(content, "\n", ",")))
			} else {
				v.Set(e.key, content)
			}
			from[e.key] = e.name + "_FILE"
		case val != "":
			v.Set(e.key, val)
			from[e.key] = e.name
		}
	}
	return from
}

// nameSources rewrites "key: ..." problems about keys set from the
// environment to "key (VARIABLE): ...".
func nameSources(ps Problems, from map[string]string) {
	for i, p := range ps {
		name, ok := from[baseKey(p.Key)]
		if !ok {
			continue
		}
		if rest, found := strings.CutPrefix(p.Message, p.Key+": "); found {
			ps[i].Message = p.Key + " (" + name + "): " + rest
		}
	}
}

// readSecretFile reads a *_FILE secret, trimming the trailing newline that
// editors and `echo` add. Problems name the variable and path but never
// the content. An empty file is a problem, not "unset": falling back to a
// default database because a mounted secret was empty would be a nasty
// surprise.
func readSecretFile(envVar, path string, ps *Problems) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		reason := err.Error()
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		ps.addLine(envVar, envVar+": cannot read "+path+": "+reason)
		return "", false
	}
	content := strings.TrimRight(string(data), "\r\n")
	if content == "" {
		ps.addLine(envVar, envVar+": file "+path+" is empty")
		return "", false
	}
	return content, true
}
