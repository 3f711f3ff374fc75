package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/authgate/gatewayd/migrations"
)

// migrate runs `gatewayd migrate up|down|status` against the configured
// database, so operators can set migrate_on_startup=false and migrate in a
// deploy step instead.
func migrate(ctx context.Context, configPath string, args []string, e env) int {
	if len(args) == 1 && isHelp(args[0]) {
		fmt.Fprintln(e.stdout, "usage: gatewayd migrate up|down|status")
		return exitOK
	}
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		fmt.Fprintln(e.stderr, "usage: gatewayd migrate up|down|status")
		if len(args) > 1 {
			fmt.Fprintf(e.stderr, "gatewayd migrate: unexpected argument %q\n", args[1])
		}
		return exitUsage
	}
	cfg, ok := loadConfig(configPath, e)
	if !ok {
		return 1
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd: open database:", err)
		return 1
	}
	defer st.Close()
	switch args[0] {
	case "up":
		err = st.MigrateUp(ctx)
		if err == nil {
			fmt.Fprintln(e.stdout, "schema is up to date")
		}
	case "down":
		err = st.MigrateDown(ctx)
		if errors.Is(err, migrations.ErrNothingToRollBack) {
			fmt.Fprintln(e.stdout, "nothing to roll back")
			return 0
		}
		if err == nil {
			fmt.Fprintln(e.stdout, "rolled back one migration")
		}
	case "status":
		var list []migrations.MigrationStatus
		list, err = st.MigrationStatus(ctx)
		if err == nil {
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VERSION\tNAME\tAPPLIED")
			for _, m := range list {
				applied := "pending"
				if m.Applied {
					applied = m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\n", m.Version, m.Name, applied)
			}
			err = w.Flush()
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "gatewayd: migrate %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// configCheck validates the file and environment exactly as serve does,
// prints every problem, and exits non-zero on any. It opens no connection.
func configCheck(configPath string, e env) int {
	// The same plan serve runs before it opens anything (plan.go).
	p, ok := loadPlan(configPath, e)
	if !ok {
		return 1
	}
	cfg := p.cfg
	fmt.Fprintf(e.stdout, "configuration OK (%d routes, database %s)\n", len(cfg.Routes), cfg.DatabaseKind())
	return 0
}
