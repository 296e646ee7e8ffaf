package sheet

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"rasoat/ingest/problem"
	"rasoat/ingest/vntext"
	"rasoat/review"
)

func TestReadCSV(t *testing.T) {
	const bHead = "year,stage,unit_code,unit_name,poor_start,poor_out_to_near_poor,poor_out_above_near_poor,poor_out_other,poor_in_from_near_poor,poor_in_repoor,poor_in_new,poor_in_other,poor_end"
	for _, tc := range []struct {
		name     string
		in       string
		meta     Meta
		rows     []wantRow
		unknown  []string
		problems []wantProblem
		clean    bool
		check    func(t *testing.T, f Form)
	}{
		{
			name:  "comma, BOM, plain numbers",
			in:    "\ufeff" + bHead + "\n2019,official,24181,Xã Cư Prao,908,120,41,9,14,5,22,3,782\n2019,official,24178,Thị trấn M'Đrắk,412,61,23,4,6,3,9,2,344\n",
			meta:  Meta{Form: review.FormB, Year: 2019, Stage: review.Official},
			clean: true,
			rows: []wantRow{
				{row: 2, code: "24181", name: "Xã Cư Prao", values: bVals(908, 120, 41, 9, 14, 5, 22, 3, 782)},
				{row: 3, code: "24178", name: "Thị trấn M'Đrắk", values: bVals(412, 61, 23, 4, 6, 3, 9, 2, 344)},
			},
		},
		{
			name: "semicolon, Vietnamese numbers and stage words, unknown column kept",
			in: "year;stage;unit_code;total_households;poor_end;poor_rate_reported;near_poor_end;nguon\n" +
				"2022;sơ bộ;24181;\"2.345\";120;\"5,12\";200;phần mềm\n" +
				"2022;sơ bộ;24184;1.005;31;3.08;-;\n",
			meta:     Meta{Form: review.FormA, Year: 2022, Stage: review.Preliminary},
			unknown:  []string{"nguon"},
			problems: []wantProblem{{code: problem.WUnknownColumn, row: 1, col: "nguon"}, {code: problem.WBlankCount, row: 3, col: "near_poor_end", field: "near_poor_end"}},
			rows: []wantRow{
				{row: 2, code: "24181", values: map[string]float64{"total_households": 2345, "poor_end": 120, "poor_rate_reported": 5.12, "near_poor_end": 200}},
				{row: 3, code: "24184", values: map[string]float64{"total_households": 1005, "poor_end": 31, "poor_rate_reported": 3.08, "near_poor_end": 0}},
			},
			check: func(t *testing.T, f Form) {
				if f.Extra[0]["nguon"] != "phần mềm" || f.Extra[1] != nil {
					t.Errorf("extra = %v", f.Extra)
				}
			},
		},
		{
			// two years are two slices (TestReadCSVSlices); a row without a
			// year among them belongs to neither
			name:     "blank year among two years",
			in:       bHead + "\n2019,official,24181,,1,0,0,0,0,0,0,0,1\n2020,official,24184,,1,0,0,0,0,0,0,0,1\n,official,24187,,1,0,0,0,0,0,0,0,1\n",
			problems: []wantProblem{{code: problem.EYearMissing, row: 4, col: "year", field: "year"}},
		},
		{
			name:     "count not a number, negative, not whole",
			in:       bHead + "\n2019,official,24181,,abc,-1,2.5,0,0,0,0,0,1\n",
			problems: []wantProblem{{code: problem.ECountNotNumber, row: 2, col: "poor_start"}, {code: problem.ECountNegative, row: 2, col: "poor_out_to_near_poor"}, {code: problem.ECountNotWhole, row: 2, col: "poor_out_above_near_poor"}},
		},
		{
			name:     "missing required column",
			in:       "year,stage,unit_code,near_poor_start,near_poor_end\n2019,official,24181,1,1\n",
			problems: []wantProblem{{code: problem.EColumnMissing, row: 1, field: "near_poor_out_escaped"}},
		},
		{
			name:     "not a form",
			in:       "a,b,c\n1,2,3\n",
			problems: []wantProblem{{code: problem.ENoForm}},
		},
		{
			name:     "empty file",
			in:       "",
			problems: []wantProblem{{code: problem.ENoRows}},
		},
		{
			name: "households with codes and Vietnamese words",
			in: "year,stage,unit_code,household_id,head_name,head_id,area,members,b1_score,dep_01,dep_02,class_end,change\n" +
				"2024,approved,24181,HK1,A,079123456789,rural,4,70.5,1,0,poor,old\n" +
				"2024,approved,24181,HK2,B,,thành thị,3,,0,x,cận nghèo,tái cận nghèo\n" +
				"2024,approved,24181,HK3,C,,moon,3,,0,0,escaped,escaped_near_poor\n",
			meta:     Meta{Form: review.FormD, Year: 2024, Stage: review.Approved},
			problems: []wantProblem{{code: problem.EValueInvalid, row: 4, col: "area", field: "area"}},
			check: func(t *testing.T, f Form) {
				if len(f.Households) != 3 {
					t.Fatalf("%d households", len(f.Households))
				}
				h := f.Households[0]
				if h.HeadIDHash != "#" || h.Area != "rural" || h.Members != 4 || *h.B1Score != 70.5 || !h.Deprivations[0] || h.Deprivations[1] ||
					h.ClassEnd != "poor" || h.Change != "old" || h.UnitCode != "24181" || h.SourceRow != 2 {
					t.Errorf("household 1 = %+v", h)
				}
				h = f.Households[1]
				if h.HeadIDHash != "" || h.Area != "urban" || !h.Deprivations[1] || h.ClassEnd != "near_poor" || h.Change != "repoor" {
					t.Errorf("household 2 = %+v", h)
				}
				if h := f.Households[2]; h.ClassEnd != "escaped" || h.Change != "escaped_near_poor" {
					t.Errorf("household 3 = %+v", h)
				}
				if strings.Contains(fmt.Sprintf("%+v", f), "079123456789") {
					t.Errorf("raw ID leaked")
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, ps := ReadCSV(context.Background(), "x.csv", strings.NewReader(tc.in), Options{HashID: func(string) string { return "#" }})
			if tc.clean && len(ps) > 0 {
				t.Errorf("unexpected problems: %v", codes(ps))
			}
			for _, wp := range tc.problems {
				ok := false
				for _, p := range ps {
					if p.Code == wp.code && (wp.row == 0 || p.Row == wp.row) && (wp.col == "" || p.Column == wp.col) &&
						(wp.field == "" || p.Field == wp.field) && p.File == "x.csv" {
						ok = true
					}
				}
				if !ok {
					t.Errorf("missing problem %+v; got %v", wp, codes(ps))
				}
			}
			if tc.meta.Form != "" {
				if len(fs) != 1 || fs[0].Meta != tc.meta {
					t.Fatalf("forms %+v, want meta %+v", fs, tc.meta)
				}
			}
			if tc.unknown != nil && fmt.Sprint(fs[0].Unknown) != fmt.Sprint(tc.unknown) {
				t.Errorf("unknown = %v, want %v", fs[0].Unknown, tc.unknown)
			}
			if tc.rows != nil {
				got := fs[0].Rows
				if len(got) != len(tc.rows) {
					t.Fatalf("%d rows, want %d", len(got), len(tc.rows))
				}
				for j, w := range tc.rows {
					g := got[j]
					if g.SourceRow != w.row || g.Total != w.total || g.UnitName != w.name || g.UnitCode != w.code || !maps.Equal(g.Values, w.values) {
						t.Errorf("row %d = %+v\nwant %+v", j, g, w)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, fs[0])
			}
		})
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"year,stage,unit_code,poor_start,poor_end\n2019,official,1,\"1.234\",5\n",
		"\ufeffyear;household_id;dep_01;class_end\n2020;a;x;nghèo\n",
		"total_households,poor_end,near_poor_end\n1,2,3\n\"a\"b,\n",
		"near_poor_start,near_poor_end,year\n(1),-,20x\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start := time.Now()
		fs, ps := ReadCSV(context.Background(), "f.csv", strings.NewReader(s), Options{MaxRows: 1000, MaxCols: 50})
		if time.Since(start) > 2*time.Second {
			t.Fatalf("slow: %v", time.Since(start))
		}
		for _, p := range ps {
			if p.Code == "" || p.Message == "" {
				t.Fatalf("problem without code or message: %+v", p)
			}
		}
		for _, fm := range fs {
			if fm.Meta.Form == review.FormD {
				if len(fm.Extra) != len(fm.Households) {
					t.Fatalf("extra %d, households %d", len(fm.Extra), len(fm.Households))
				}
			} else if len(fm.Extra) != len(fm.Rows) {
				t.Fatalf("extra %d, rows %d", len(fm.Extra), len(fm.Rows))
			}
		}
	})
}

// Exports of templates typed in a legacy font: the columns' text is TCVN3
// or VNI, either as the Unicode characters Excel shows (CSV UTF-8) or as
// the Windows-1252 bytes of an ANSI CSV. Both read as Unicode NFC.
func TestReadCSVLegacyText(t *testing.T) {
	names := []string{"Y Niê Ksơr", "Nguyễn Thị Hường", "H'Hương Mlô", "Trần Văn Đức"}
	villages := []string{"Buôn Ea Mdróh", "Thôn Đoàn Kết", "Buôn Cư Prao", "Thôn Tân Lập"}
	enc := map[string]func(string) (string, error){"tcvn3": vntext.EncodeTCVN3, "vni": vntext.EncodeVNI}
	for encName, encode := range enc {
		for _, ansi := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s ansi=%v", encName, ansi), func(t *testing.T) {
				var b strings.Builder
				b.WriteString("unit_code,household_id,village,head_name,members,class_end\n")
				for i, n := range names {
					en, err := encode(n)
					if err != nil {
						t.Fatal(err)
					}
					ev, err := encode(villages[i])
					if err != nil {
						t.Fatal(err)
					}
					fmt.Fprintf(&b, "24418,HH-%d,%s,%s,%d,poor\n", i, ev, en, i+1)
				}
				body := []byte(b.String())
				if ansi {
					var err error
					if body, err = charmap.Windows1252.NewEncoder().Bytes(body); err != nil {
						t.Skipf("not representable in Windows-1252: %v", err)
					}
				}
				forms, probs := ReadCSV(context.Background(), "ds.csv", bytes.NewReader(body), Options{})
				if probs.Rejects() || len(forms) != 1 || len(forms[0].Households) != len(names) {
					t.Fatalf("%v", probs)
				}
				for i, h := range forms[0].Households {
					if h.HeadName != names[i] || h.Village != villages[i] {
						t.Errorf("row %d: %q, %q; want %q, %q", i, h.Village, h.HeadName, villages[i], names[i])
					}
				}
				if _, ok := PlanBulk("ds.csv", body, Options{}); ok {
					t.Error("the bulk reader took a legacy-font list")
				}
			})
		}
	}
}
