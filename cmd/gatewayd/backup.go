package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/authgate/gatewayd/authcore/sqlite"
	"github.com/authgate/gatewayd/config"
)

// backup writes an online copy of the SQLite database (VACUUM INTO) while
// the gateway may keep running. Postgres has its own tools, which know
// roles, extensions and versions better than a gateway could:
// deploy/backup.sh and deploy/restore.sh wrap pg_dump/pg_restore.
func backup(ctx context.Context, configPath string, args []string, e env) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	output := fs.String("output", "", "file to write the copy to (must not exist)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *output == "" {
		return usageError(e, "backup", "--output FILE is required")
	}
	cfg, ok := loadConfig(configPath, e)
	if !ok {
		return exitFailure
	}
	if cfg.DatabaseKind() != config.DatabaseSQLite {
		fmt.Fprintln(e.stderr, "gatewayd backup: database.url is Postgres; use deploy/backup.sh (pg_dump --format=custom) and deploy/restore.sh")
		return exitUsage
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd: open database:", err)
		return exitFailure
	}
	defer st.Close()
	if err := st.(*sqlite.Store).Backup(ctx, *output); err != nil {
		fmt.Fprintln(e.stderr, "gatewayd backup:", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s\n", cfg.SQLitePath(), *output)
	return exitOK
}
