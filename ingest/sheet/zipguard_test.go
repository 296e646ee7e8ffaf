package sheet

import (
	"archive/zip"
	"bytes"
	"testing"

	"rasoat/ingest/problem"
)

// bombZip makes an archive of n entries of size bytes each, made of one
// repeated byte (what a zip bomb is made of).
func bombZip(t *testing.T, n, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	chunk := make([]byte, 1<<20)
	for i := range n {
		w, err := zw.Create("xl/worksheets/sheet" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		for left := size; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The bombs of the attack report must be refused from the central
// directory: many entries each under the old 16 MiB ratio floor, a total
// past the real limit, and one huge entry.
func TestCheckZipRefusesBombs(t *testing.T) {
	l := loc{file: "bomb.xlsx"}
	for _, tc := range []struct {
		name       string
		n, size    int
		opt        Options
		wantReject bool
	}{
		{"120 entries of 16 MiB", 120, 16 << 20, Options{}, true},
		{"one entry of 64 MiB", 1, 64 << 20, Options{}, true},
		{"total past a 8 MiB limit", 12, 1 << 20, Options{MaxUnzipped: 8 << 20}, true},
		{"small entries", 3, 64 << 10, Options{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := checkZip(l, bombZip(t, tc.n, tc.size), tc.opt)
			if (p != nil) != tc.wantReject {
				t.Fatalf("reject = %v, want %v (%v)", p != nil, tc.wantReject, p)
			}
			if p != nil && p.Code != problem.EZipBomb {
				t.Fatalf("code %s", p.Code)
			}
		})
	}
}
