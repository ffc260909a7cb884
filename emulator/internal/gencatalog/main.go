// Command gencatalog writes the emulator's generated catalog entries, one
// JSON file per documented source and destination type, from the public
// Stitch reference (../shared/stitch-connect/sources.json and its report
// card examples). Hand-written entries under emulator/catalog/sources and
// emulator/catalog/destinations say more and win: no file is generated for
// them. With -check it writes nothing and fails when the committed files
// differ from what it would write.
//
//	go run ./emulator/internal/gencatalog                  # regenerate
//	go run ./emulator/internal/gencatalog -check           # CI: fail on drift
//
// Only facts carry over from the reference (type and property names, step
// lists, property types, flags, JSON schemas, defaults, pricing details).
// Descriptions, system values and streams are our own.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	shared := flag.String("shared", "../shared/stitch-connect", "directory of the Stitch reference (sources.json, report-cards/)")
	catalog := flag.String("catalog", "emulator/catalog", "the emulator's catalog directory")
	check := flag.Bool("check", false, "write nothing; fail when the generated files are out of date")
	flag.Parse()
	if err := run(*shared, *catalog, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

func run(shared, catalog string, check bool) error {
	files, err := Generate(shared, catalog)
	if err != nil {
		return err
	}
	genDir := filepath.Join(catalog, "generated")
	if check {
		diffs, err := Diff(genDir, files)
		if err != nil {
			return err
		}
		if len(diffs) > 0 {
			return fmt.Errorf("generated catalog is out of date (%s): run 'go run ./emulator/internal/gencatalog' and commit", strings.Join(diffs, ", "))
		}
		return nil
	}
	return Write(genDir, files)
}

// Diff lists the files under dir that differ from files, are missing or are
// extra (relative paths).
func Diff(dir string, files map[string][]byte) ([]string, error) {
	var diffs []string
	onDisk := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		onDisk[rel] = true
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		want, ok := files[rel]
		if !ok {
			diffs = append(diffs, "extra "+rel)
		} else if !bytes.Equal(b, want) {
			diffs = append(diffs, "changed "+rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare %s: %w", dir, err)
	}
	for rel := range files {
		if !onDisk[rel] {
			diffs = append(diffs, "missing "+rel)
		}
	}
	slices.Sort(diffs)
	return diffs, nil
}

// Write replaces the generated files under dir with files.
func Write(dir string, files map[string][]byte) error {
	for _, sub := range []string{"sources", "destinations"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return fmt.Errorf("clear %s: %w", sub, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", sub, err)
		}
	}
	for rel, b := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", rel, err)
		}
	}
	return nil
}
