package deploy_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// checkedBy names, for every file operators deploy from, the test that
// checks it. A new file under deploy/ without an entry fails
// TestEveryDeployFileIsChecked, so nothing ships unchecked.
var checkedBy = map[string]string{
	"Dockerfile":                      "TestDockerfileBuildLineMakesStaticBinary, TestDockerfileRunsNonRootWithSelfHealthcheck",
	"compose.yaml":                    "TestComposeFileMatchesComposeSpec, TestComposeServicesAreHealthCheckedAndOrdered",
	"compose.gateway.yaml":            "TestComposeGatewayConfigPassesConfigCheck",
	"backup.sh":                       "TestPostgresBackupRestoreRehearsal",
	"restore.sh":                      "TestPostgresBackupRestoreRehearsal",
	"systemd/gatewayd.service":        "TestSystemdUnitVerifies, TestSystemdUnitIsHardened",
	"kubernetes/configmap.yaml":       "TestKubernetesManifestsValidateOffline, TestConfigMapConfigPassesConfigCheck",
	"kubernetes/deployment.yaml":      "TestKubernetesManifestsValidateOffline, TestDeploymentDrainFitsTerminationGrace, TestDeploymentMemoryLimitCoversMeasuredBound, TestPodsRunNonRootReadOnlyWithoutPrivileges",
	"kubernetes/hpa.yaml":             "TestKubernetesManifestsValidateOffline",
	"kubernetes/migrate-job.yaml":     "TestKubernetesManifestsValidateOffline, TestPodsRunNonRootReadOnlyWithoutPrivileges",
	"kubernetes/networkpolicy.yaml":   "TestKubernetesManifestsValidateOffline, TestNetworkPolicyAdmitsOnlyGatewayPodsUpstream",
	"kubernetes/pdb.yaml":             "TestKubernetesManifestsValidateOffline",
	"kubernetes/secret.example.yaml":  "TestKubernetesManifestsValidateOffline",
	"kubernetes/service.yaml":         "TestKubernetesManifestsValidateOffline",
	"nginx/gateway-auth-request.conf": "nginx.TestEveryShippedNginxFilePassesNginxT and the nginx stack tests",
	"nginx/gateway-tls.conf":          "nginx.TestEveryShippedNginxFilePassesNginxT, nginx.TestTLSFrontServesHTTP2WithHSTSAndReplacesForwardedHeaders",
}

// TestEveryDeployFileIsChecked walks deploy/ and fails on any deployable
// file (not Go code, docs, test data or the schema generator) without an
// entry in checkedBy, and on entries whose file is gone.
func TestEveryDeployFileIsChecked(t *testing.T) {
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "schemagen", "secrets":
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") {
			return nil
		}
		seen[path] = true
		if _, ok := checkedBy[path]; !ok {
			t.Errorf("deploy/%s is checked by no test; add one and list it in checkedBy", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path := range checkedBy {
		if !seen[path] {
			t.Errorf("checkedBy lists deploy/%s, which does not exist", path)
		}
	}
}
