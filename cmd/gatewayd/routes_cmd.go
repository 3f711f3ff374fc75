package main

import (
	"fmt"

	"github.com/authgate/gatewayd/config"
)

// checkRoutes builds the route table as serve would, so overlapping routes
// fail `config check` too. (Filled in with the proxy router.)
func checkRoutes(cfg *config.Config) error { return nil }

// routesCheck prints which route a request would take.
func routesCheck(configPath string, args []string, e env) int {
	fmt.Fprintln(e.stderr, "gatewayd routes check: not available yet")
	return 1
}
