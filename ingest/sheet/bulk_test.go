package sheet

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"rasoat/review"
)

// The bulk reader must read every list it accepts exactly as ReadCSV does.
// These tests hold the two against each other: same households, field by
// field, same metadata, same problems.

// testHash stands for the keyed hash: visibly derived from the ID.
func testHash(id string) string { return "h(" + id + ")" }

// bulkRead reads body with PlanBulk and Scan, in parts of at most n, and
// returns the households as ReadCSV would build them.
func bulkRead(name string, body []byte, n int, machine bool) (*Bulk, []review.Household, bool) {
	plan, ok := PlanBulk(name, body, Options{MachineNumbers: machine})
	if !ok {
		return nil, nil, false
	}
	var out []review.Household
	var results []PartResult
	for _, p := range plan.Parts(body, n, 0) {
		var rows []review.Household
		res, ok, err := plan.Scan(p, func(dst, id []byte) []byte { return append(dst, testHash(string(id))...) }, func(r *BulkRow) error {
			h := review.Household{SourceRow: r.Line, HouseholdID: string(r.HouseholdID), Village: string(r.Village), HeadName: string(r.HeadName),
				HeadIDHash: string(r.HeadIDHash), Ethnicity: string(r.Ethnicity), Area: r.Area, Members: r.Members, ClassEnd: r.ClassEnd,
				Change: r.Change, UnitCode: fmt.Sprint(r.Unit)}
			if r.B1Score != nil {
				v, _ := strconv.ParseFloat(string(r.B1Score), 64) // as DuckDB's DOUBLE cast reads it
				h.B1Score = &v
			}
			if r.IncomePerCapita != nil {
				v, _ := strconv.ParseFloat(string(r.IncomePerCapita), 64)
				h.IncomePerCapita = &v
			}
			if r.Deprivations != nil {
				h.Deprivations = append([]bool(nil), r.Deprivations...)
			}
			rows = append(rows, h)
			return nil
		})
		if err != nil || !ok {
			return plan, nil, false
		}
		for i := range rows {
			var u int
			fmt.Sscan(rows[i].UnitCode, &u)
			rows[i].UnitCode, rows[i].UnitName = res.Units[u].Code, res.Units[u].Name
		}
		out = append(out, rows...)
		results = append(results, res)
	}
	if !plan.SetMetas(results) {
		return plan, nil, false
	}
	return plan, out, true
}

func fullRead(t testing.TB, name string, body []byte, machine bool) Form {
	t.Helper()
	forms, _ := ReadCSV(context.Background(), name, strings.NewReader(string(body)), Options{HashID: testHash, MachineNumbers: machine})
	if len(forms) != 1 {
		t.Fatalf("ReadCSV: %d forms", len(forms))
	}
	return forms[0]
}

// sameAsFull fails unless the bulk reading of body, if it accepts the file,
// is ReadCSV's.
func sameAsFull(t testing.TB, name string, body []byte, parts int, machine bool) (accepted bool) {
	t.Helper()
	plan, bulk, ok := bulkRead(name, body, parts, machine)
	if !ok {
		return false
	}
	full := fullRead(t, name, body, machine)
	if full.Problems.Rejects() {
		t.Fatalf("bulk accepted a file ReadCSV refuses: %v", full.Problems.First())
	}
	if len(full.Problems) != len(plan.Form.Problems) {
		t.Fatalf("ReadCSV reports %d problems, the bulk plan %d: %v", len(full.Problems), len(plan.Form.Problems), full.Problems)
	}
	if full.Meta != plan.Form.Meta {
		t.Fatalf("meta: full %+v, bulk %+v", full.Meta, plan.Form.Meta)
	}
	if len(full.Households) != len(bulk) {
		t.Fatalf("households: full %d, bulk %d", len(full.Households), len(bulk))
	}
	for i := range bulk {
		f, b := full.Households[i], bulk[i]
		if f.Deprivations != nil && len(f.Deprivations) == 0 {
			f.Deprivations = nil
		}
		if !reflect.DeepEqual(f, b) {
			t.Fatalf("household %d:\n full %+v\n bulk %+v", i, f, b)
		}
	}
	return true
}

const bulkHeader = "year,stage,unit_code,household_id,village,head_name,head_id,ethnicity,area,members,income_per_capita,dep_01,dep_02,dep_03,class_end,change\n"

func TestBulkReadsAsReadCSV(t *testing.T) {
	nfd := norm.NFD.String("Y Niê Ksơr")
	cases := []struct {
		name   string
		body   string
		accept bool // the bulk reader takes it (else ReadCSV must)
	}{
		{"plain", bulkHeader + "2019,official,24418,EP-1,Buôn 1,Y Niê Ksơr,066100000001,Ê Đê,rural,5,600000,1,0,,poor,old\n", true},
		{"crlf, bom, no final newline", "\ufeff" + strings.ReplaceAll(bulkHeader, "\n", "\r\n") +
			"2019,official,24418,EP-1,Buôn 1,A,1,Kinh,urban,3,700000,x,X,,near_poor,new\r\n2019,official,24418,EP-2,Buôn 2,B,2,Kinh,rural,4,0,,,1,none,", true},
		{"semicolon", strings.ReplaceAll(bulkHeader, ",", ";") + "2019;official;24418;EP-1;Buôn 1, xã Ea Pil;A;1;Kinh;rural;3;700000;;;;escaped;escaped_poor\n", true},
		{"NFD and spaces trimmed", bulkHeader + "2019 , official,24418 , EP-1 ,  Buôn 1," + nfd + ",  0661 ,Kinh,rural, 3 ,700000,,,,poor,old\n", true},
		{"Vietnamese codes", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,,Kinh,Nông thôn,3,700000,có,,,Nghèo,Phát sinh mới\n", true},
		{"blank lines and a non-household line", bulkHeader + "\n2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,700000,,,,poor,old\n,,,,,,,,,,,,,,,\n\n2019,official,,,,,,,,,,,,,,\n2019,official,24418,EP-2,Buôn 1,B,2,Kinh,rural,3,700000,,,,poor,old\n", true},
		{"leading zeros", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,007,000700,,,,poor,old\n", true},
		{"no ID column, an earlier hash", "unit_code,household_id,head_name,head_id_hash,members,class_end\n24418,EP-1,A,abc123,3,poor\n24418,EP-2,B,,2,none\n", true},
		{"names only, two units", "unit_name,household_id,head_name,members,class_end\nXã Ea Pil,EP-1,A,3,poor\nXã Cư Prao,CP-1,B,2,poor\nXã Ea Pil,EP-2,C,4,none\n", true},
		{"unknown column kept out", "unit_code,household_id,head_name,members,class_end,ghi_chu\n24418,EP-1,A,3,poor,<script>x</script>\n", true},
		{"decimal point: Vietnamese notation, the full reader's", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,1234.5,,,,poor,old\n", false},
		{"Vietnamese number notation", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,1.234.000,,,,poor,old\n", false},
		{"blank count (a warning)", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,,700000,,,,poor,old\n", false},
		{"negative count", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,-3,700000,,,,poor,old\n", false},
		{"bad class", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,700000,,,,giàu,old\n", false},
		{"year conflict", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,700000,,,,poor,old\n2020,official,24418,EP-2,Buôn 1,B,2,Kinh,rural,3,700000,,,,poor,old\n", false},
		{"bad year", bulkHeader + "1890,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,700000,,,,poor,old\n", false},
		{"quoted cell", bulkHeader + "2019,official,24418,EP-1,\"Buôn 1, Ea Pil\",A,1,Kinh,rural,3,700000,,,,poor,old\n", false},
		{"tab in a cell", bulkHeader + "2019,official,24418,EP-1,Buôn\t1,A,1,Kinh,rural,3,700000,,,,poor,old\n", false},
		{"short record", bulkHeader + "2019,official,24418,EP-1\n", false},
		{"lone CR", bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,700000,,,,poor,old\r2019\n", false},
		{"legacy TCVN3 names", bulkHeader + "2019,official,24418,EP-1,Bu«n 1,Y Ni¤ Ks¬r,1,£ §¤,rural,3,700000,,,,poor,old\n", false},
		{"summary form, not a list", "unit_code,total_households,poor_end\n24418,100,10\n", false},
		{"header only", bulkHeader, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, parts := range []int{1, 3} {
				if got := sameAsFull(t, "list.csv", []byte(c.body), parts, false); got != c.accept {
					t.Fatalf("parts=%d: bulk accepted=%v, want %v", parts, got, c.accept)
				}
			}
			sameAsFull(t, "list.csv", []byte(c.body), 2, true) // as a Parquet export's text
		})
	}
}

// With a Parquet export's numbers, a decimal point is a decimal point, in
// both readers alike; typed text leaves it to ReadCSV.
func TestBulkMachineNumbers(t *testing.T) {
	body := []byte(bulkHeader + "2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,1234.5,,,,poor,old\n" +
		"2019,official,24418,EP-2,Buôn 1,B,2,Kinh,rural,3,600000.0,,,,poor,old\n")
	if !sameAsFull(t, "p.csv", body, 2, true) {
		t.Error("machine numbers: bulk refused")
	}
	if sameAsFull(t, "p.csv", body, 2, false) {
		t.Error("typed text: bulk took 1234.5")
	}
}

// Parts cut at line ends only, number the lines on, and lose nothing.
func TestBulkParts(t *testing.T) {
	var b strings.Builder
	b.WriteString("\ufeffunit_code,household_id,head_name,members,class_end\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "24418,EP-%d,Hộ %d,%d,poor\n", i, i, i%9)
		if i%100 == 0 {
			b.WriteString("\n")
		}
	}
	body := []byte(b.String())
	plan, ok := PlanBulk("l.csv", body, Options{})
	if !ok {
		t.Fatal("plain list refused")
	}
	for _, n := range []int{1, 2, 7} {
		parts := plan.Parts(body, n, 0)
		if len(parts) != n {
			t.Fatalf("n=%d: %d parts", n, len(parts))
		}
		var joined []byte
		line := 2
		for _, p := range parts {
			if p.FirstLine != line {
				t.Fatalf("n=%d: part starts at line %d, want %d", n, p.FirstLine, line)
			}
			if len(p.Lines) > 0 && p.Lines[len(p.Lines)-1] != '\n' {
				t.Fatalf("n=%d: a part ends mid-line", n)
			}
			line += strings.Count(string(p.Lines), "\n")
			joined = append(joined, p.Lines...)
		}
		if want := body[strings.IndexByte(string(body), '\n')+1:]; string(joined) != string(want) {
			t.Fatalf("n=%d: parts do not add up to the records", n)
		}
	}
	if !sameAsFull(t, "l.csv", body, 5, false) {
		t.Fatal("bulk refused the list")
	}
}

// FuzzBulkCSV: whatever the bulk reader accepts, it reads as ReadCSV does.
func FuzzBulkCSV(f *testing.F) {
	f.Add([]byte(bulkHeader+"2019,official,24418,EP-1,Buôn 1,A,1,Kinh,rural,3,700000,1,,,poor,old\n"), uint8(2))
	f.Add([]byte("unit_name;household_id;members;class_end\nXã Ea Pil;EP-1;3;Nghèo\n\n;;;\n"), uint8(1))
	f.Add([]byte("unit_code,household_id,head_id_hash,members\r\n24418, EP-1 ,ab,007\r\n"), uint8(3))
	f.Fuzz(func(t *testing.T, body []byte, parts uint8) {
		sameAsFull(t, "f.csv", body, 1+int(parts%4), parts&4 != 0)
	})
}
