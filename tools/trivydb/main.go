// Command trivydb-gen writes a Trivy vulnerability database (schema version 2) from a small
// fixture of advisories, so that scans can run offline against advisories we control.
//
//	trivydb-gen -fixture fixtures/planted.yaml -out "$CACHE_DIR"
//
// writes $CACHE_DIR/db/trivy.db and $CACHE_DIR/db/metadata.json; point
// `trivy --cache-dir "$CACHE_DIR" --skip-db-update` at it. The fixture is YAML (or JSON):
//
//	advisories:
//	  - bucket: debian 12        # trivy's ecosystem bucket: "debian 12", "alpine 3.19", "npm::GitHub Security Advisory npm", ...
//	    package: zlib            # for dpkg packages trivy looks advisories up by SOURCE package name
//	    id: CVE-2099-0001
//	    fixed_version: "1:1.2.13.dfsg-1+slipway1"   # empty: affected, no fix
//	    severity: HIGH           # UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL
//	    title: slipway planted advisory
//	    description: optional
//	    source: debian           # optional data-source ID; default: the bucket's first word
//
// The database is written with trivy-db's own packages, at the version Trivy itself builds with.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"gopkg.in/yaml.v3"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	"github.com/aquasecurity/trivy-db/pkg/types"
)

type advisory struct {
	Bucket       string `yaml:"bucket" json:"bucket"`
	Package      string `yaml:"package" json:"package"`
	ID           string `yaml:"id" json:"id"`
	FixedVersion string `yaml:"fixed_version" json:"fixed_version"`
	Severity     string `yaml:"severity" json:"severity"`
	Title        string `yaml:"title" json:"title"`
	Description  string `yaml:"description" json:"description"`
	Source       string `yaml:"source" json:"source"`
}

type fixture struct {
	Advisories []advisory `yaml:"advisories" json:"advisories"`
}

func main() {
	fixturePath := flag.String("fixture", "", "YAML or JSON file of advisories")
	out := flag.String("out", "", "trivy cache directory; the DB goes to <out>/db/")
	flag.Parse()
	if *fixturePath == "" || *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: trivydb-gen -fixture FILE -out CACHE_DIR")
		os.Exit(2)
	}
	if err := run(*fixturePath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trivydb-gen:", err)
		os.Exit(1)
	}
}

func run(fixturePath, out string) error {
	raw, err := os.ReadFile(fixturePath)
	if err != nil {
		return err
	}
	var fx fixture
	if err := yaml.Unmarshal(raw, &fx); err != nil { // YAML is a superset of JSON
		return fmt.Errorf("%s: %w", fixturePath, err)
	}
	for i, a := range fx.Advisories {
		if a.Bucket == "" || a.Package == "" || a.ID == "" {
			return fmt.Errorf("%s: advisory %d needs bucket, package and id", fixturePath, i+1)
		}
		if _, err := types.NewSeverity(strings.ToUpper(orDefault(a.Severity, "UNKNOWN"))); err != nil {
			return fmt.Errorf("%s: advisory %s: %w", fixturePath, a.ID, err)
		}
	}

	dbDir := filepath.Join(out, "db")
	// Start from nothing: a generated DB reflects exactly the fixture.
	for _, f := range []string{db.Path(dbDir), metadata.Path(dbDir)} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := db.Init(dbDir); err != nil {
		return err
	}
	dbc := db.Config{}
	err = dbc.Connection().Update(func(tx *bolt.Tx) error {
		for _, a := range fx.Advisories {
			sev, _ := types.NewSeverity(strings.ToUpper(orDefault(a.Severity, "UNKNOWN")))
			src := types.SourceID(orDefault(a.Source, sourceOf(a.Bucket)))
			if err := dbc.PutDataSource(tx, a.Bucket, types.DataSource{ID: src, Name: a.Bucket}); err != nil {
				return err
			}
			// <bucket>/<package>/<vuln id> -> Advisory, as trivy-db's vulnsrc packages write it.
			if err := dbc.PutAdvisory(tx, []string{a.Bucket, a.Package}, a.ID,
				&types.Advisory{FixedVersion: a.FixedVersion}); err != nil {
				return err
			}
			// vulnerability/<vuln id> -> details with the severity of this source.
			if err := dbc.PutVulnerability(tx, a.ID, types.Vulnerability{
				Title:          a.Title,
				Description:    a.Description,
				Severity:       sev.String(),
				VendorSeverity: types.VendorSeverity{src: sev},
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}

	now := time.Now().UTC()
	meta := metadata.Metadata{
		Version:      db.SchemaVersion,
		NextUpdate:   time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC),
		UpdatedAt:    now,
		DownloadedAt: now, // a zero DownloadedAt makes trivy re-download unless --skip-db-update
	}
	if err := metadata.NewClient(dbDir).Update(meta); err != nil {
		return err
	}
	fmt.Printf("wrote %d advisories to %s (schema %d)\n", len(fx.Advisories), db.Path(dbDir), db.SchemaVersion)
	return nil
}

// sourceOf("debian 12") = "debian"; sourceOf("npm::GitHub Security Advisory npm") = "npm".
func sourceOf(bucket string) string {
	s, _, _ := strings.Cut(bucket, "::")
	s, _, _ = strings.Cut(s, " ")
	return strings.ToLower(s)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
