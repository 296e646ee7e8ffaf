package sheet_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"rasoat/ingest/internal/layoutgen"
	"rasoat/ingest/sheet"
	"rasoat/ingest/vntext"
)

// RASOAT_LAYOUT_DUMP=DIR writes the workbooks not read exactly to DIR, to look at with `rasoat ingest --explain`.

// layoutSeeds is how many random workbooks TestGeneratedLayouts reads:
// RASOAT_LAYOUT_SEEDS overrides the default 2 000 for longer runs.
// layoutShow bounds the failures printed in full.
var layoutShow = func() int {
	n, err := strconv.Atoi(os.Getenv("RASOAT_LAYOUT_SHOW"))
	if err != nil {
		return 15
	}
	return n
}()

func layoutSeeds(t *testing.T) int {
	n := 2000
	if v := os.Getenv("RASOAT_LAYOUT_SEEDS"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x <= 0 {
			t.Fatalf("RASOAT_LAYOUT_SEEDS=%q: want a positive number", v)
		}
		n = x
	}
	if testing.Short() {
		n = min(n, 200)
	}
	return n
}

// layoutUnits are the real Đắk Lắk units when ../shared is beside the
// repository, else the sample province's.
func layoutUnits(t *testing.T) *layoutgen.Units {
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		t.Logf("../shared/data not found: generating workbooks on the sample province's units instead of Đắk Lắk's")
		return layoutgen.Sample()
	}
	u, err := layoutgen.LoadShared(dir)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestGeneratedLayouts reads thousands of workbooks whose layout features
// (docs/forms.md §2) are drawn independently, and checks every form, meta
// field, row and figure against the generator's truth. Every workbook must
// be read exactly.
func TestGeneratedLayouts(t *testing.T) {
	units := layoutUnits(t)
	n := layoutSeeds(t)
	failed := 0
	for seed := uint64(1); seed <= uint64(n); seed++ {
		body, truth, err := layoutgen.Generate(seed, units)
		if err != nil {
			t.Fatalf("seed %d: generate: %v", seed, err)
		}
		forms, probs := sheet.ReadXLSX(context.Background(), fmt.Sprintf("seed%d.xlsx", seed), bytes.NewReader(body), sheet.Options{})
		if errs := CompareLayout(truth, forms, probs); len(errs) > 0 {
			failed++
			if dir := os.Getenv("RASOAT_LAYOUT_DUMP"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%d.xlsx", seed)), body, 0o644)
			}
			if failed <= layoutShow {
				t.Errorf("seed %d (%s):\n  %s\n  features: %s", seed, units.Source, strings.Join(errs, "\n  "), strings.Join(truth.Features, "; "))
			}
		}
	}
	t.Logf("%d of %d generated workbooks read exactly (%.2f %%), units from %s", n-failed, n, 100*float64(n-failed)/float64(n), units.Source)
	if failed > 0 {
		t.Errorf("%d of %d workbooks not read exactly", failed, n)
	}
}

// CompareLayout lists every difference between what was read and the truth.
func CompareLayout(truth layoutgen.Truth, forms []sheet.Form, probs interface{ Rejects() bool }) []string {
	var errs []string
	if probs.Rejects() {
		errs = append(errs, fmt.Sprintf("rejected: %v", probs))
	}
	bySheet := map[string]*sheet.Form{}
	for i := range forms {
		if _, dup := bySheet[forms[i].Sheet]; dup {
			errs = append(errs, "two forms read from sheet "+forms[i].Sheet)
		}
		bySheet[forms[i].Sheet] = &forms[i]
	}
	if len(forms) != len(truth.Forms) {
		errs = append(errs, fmt.Sprintf("%d forms read, want %d", len(forms), len(truth.Forms)))
	}
	for _, ft := range truth.Forms {
		f, ok := bySheet[ft.Sheet]
		if !ok {
			errs = append(errs, "no form read from sheet "+ft.Sheet)
			continue
		}
		at := "sheet " + ft.Sheet + ": "
		m := f.Meta
		if m.Form != ft.Form {
			errs = append(errs, fmt.Sprintf("%sform %s, want %s", at, m.Form, ft.Form))
			continue
		}
		if m.Year != ft.Year {
			errs = append(errs, fmt.Sprintf("%syear %d, want %d", at, m.Year, ft.Year))
		}
		if m.Stage != ft.Stage {
			errs = append(errs, fmt.Sprintf("%sstage %q, want %q", at, m.Stage, ft.Stage))
		}
		if m.IssuerLevel != ft.IssuerLevel || vntext.Fold(m.IssuerName) != vntext.Fold(ft.IssuerShort) {
			errs = append(errs, fmt.Sprintf("%sissuer %s %q, want %s %q", at, m.IssuerLevel, m.IssuerName, ft.IssuerLevel, ft.IssuerShort))
		}
		if strings.Join(f.Fields, ",") != strings.Join(ft.Fields, ",") {
			errs = append(errs, fmt.Sprintf("%sfields %v, want %v", at, f.Fields, ft.Fields))
		}
		var data, totals []int
		for i, r := range f.Rows {
			if r.Total {
				totals = append(totals, i)
			} else {
				data = append(data, i)
			}
		}
		if len(data) != len(ft.Rows) {
			var got []string
			for _, i := range data {
				got = append(got, fmt.Sprintf("%d:%q", f.Rows[i].SourceRow, f.Rows[i].UnitName))
			}
			errs = append(errs, fmt.Sprintf("%s%d data rows %v, want %d", at, len(data), got, len(ft.Rows)))
			continue
		}
		for k, i := range data {
			r, want := f.Rows[i], ft.Rows[k]
			if r.UnitName != want.Printed && r.UnitName != legacyRoundTrip(want.Printed, truth.Features) && !legacyAmbiguous(r.UnitName, want.Printed, truth.Features, len(ft.Rows)) {
				errs = append(errs, fmt.Sprintf("%srow %d: name %q, want %q", at, r.SourceRow, r.UnitName, want.Printed))
			}
			if r.UnitCode != want.Code {
				errs = append(errs, fmt.Sprintf("%srow %d: code %q, want %q", at, r.SourceRow, r.UnitCode, want.Code))
			}
			errs = append(errs, compareValues(fmt.Sprintf("%srow %d", at, r.SourceRow), r.Values, want.Values)...)
		}
		if len(totals) != len(ft.Totals) {
			errs = append(errs, fmt.Sprintf("%s%d total rows, want %d", at, len(totals), len(ft.Totals)))
			continue
		}
		// total rows in any order (a total at the top is written last)
		got := make([]string, 0, len(totals))
		for _, i := range totals {
			got = append(got, valuesKey(f.Rows[i].Values))
		}
		want := make([]string, 0, len(ft.Totals))
		for _, v := range ft.Totals {
			want = append(want, valuesKey(v))
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			errs = append(errs, fmt.Sprintf("%stotals %v, want %v", at, got, want))
		}
	}
	return errs
}

func compareValues(at string, got, want map[string]float64) []string {
	var errs []string
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: %s missing, want %v", at, k, w))
		} else if math.Abs(g-w) > 1e-6 {
			errs = append(errs, fmt.Sprintf("%s: %s = %v, want %v", at, k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			errs = append(errs, fmt.Sprintf("%s: unexpected %s = %v", at, k, g))
		}
	}
	return errs
}

func valuesKey(v map[string]float64) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%.2f ", k, v[k])
	}
	return b.String()
}

// legacyRoundTrip is what a name typed in a legacy font reads back as:
// TCVN3 has no capital for most accented letters (the ".VnTimeH" capitals
// font shows the small ones as capitals), so "KRÔNG Á" reads "KRÔNG á".
func legacyRoundTrip(s string, features []string) string {
	all := strings.Join(features, ";")
	switch {
	case strings.Contains(all, "enc=tcvn3"):
		if e, err := vntext.EncodeTCVN3(s); err == nil {
			return vntext.DecodeTCVN3(e)
		}
	case strings.Contains(all, "enc=vni"):
		if e, err := vntext.EncodeVNI(s); err == nil {
			return vntext.DecodeVNI(e)
		}
	}
	return s
}

// legacyAmbiguous: a one-row form's name typed in a legacy font whose bytes
// also read as plain Vietnamese ("BHèk" is TCVN3 for "BHốk") cannot be told
// from Unicode pasted into an old template; the reader keeps it as typed.
// Only that reading is accepted, and only for a single row.
func legacyAmbiguous(got, printed string, features []string, rows int) bool {
	if rows > 1 {
		return false
	}
	all := strings.Join(features, ";")
	var enc string
	var err error
	switch {
	case strings.Contains(all, "enc=tcvn3"):
		enc, err = vntext.EncodeTCVN3(printed)
	case strings.Contains(all, "enc=vni"):
		enc, err = vntext.EncodeVNI(printed)
	default:
		return false
	}
	return err == nil && got == vntext.NFC(enc) && vntext.DetectLegacy(enc) == vntext.Unicode
}
