package notebook

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []Cell
	}{
		{"plain sql file", "-- note\nSELECT 1;\n", []Cell{{Kind: SQL, Source: "-- note\nSELECT 1;"}}},
		{"cells", "-- %% [markdown] Đầu\r\n-- # Tiêu đề\r\n--\r\n-- đoạn\r\n-- %% Tỷ lệ\r\nSELECT 1\r\n\r\n-- %%\r\nSELECT 2\r\n",
			[]Cell{{Markdown, "Đầu", "# Tiêu đề\n\nđoạn"}, {SQL, "Tỷ lệ", "SELECT 1"}, {SQL, "", "SELECT 2"}}},
		{"empty cell kept", "-- %%\n-- %% [markdown]\n-- x\n", []Cell{{Kind: SQL}, {Kind: Markdown, Source: "x"}}},
		{"empty file", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.text)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// Writing and reading back gives the same cells, even when a SQL line
// looks like a marker.
func TestFormatRoundTrip(t *testing.T) {
	cells := []Cell{{Markdown, "", "# A\n\n- b\n- c"}, {SQL, "Một", "SELECT 1\n-- %% not a cell\nFROM x"}, {SQL, "", "SELECT 2"}}
	got := Parse(Format(cells))
	cells[1].Source = "SELECT 1\n -- %% not a cell\nFROM x"
	if !reflect.DeepEqual(got, cells) {
		t.Fatalf("round trip:\n%#v\n%#v\n%s", got, cells, Format(cells))
	}
}

func FuzzParse(f *testing.F) {
	f.Add("-- %% [markdown]\n-- x\n-- %%\nSELECT 1")
	f.Fuzz(func(t *testing.T, s string) {
		c := Parse(s)
		again := Parse(Format(c))
		if len(again) != len(c) {
			t.Fatalf("%d cells, then %d", len(c), len(again))
		}
	})
}
