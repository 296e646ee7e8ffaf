package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"rasoat/ingest/problem"
)

// Every problem of a file is reported in one pass: reading errors, unit
// errors and impossible figures of different rows together, each at its
// row and column.
func TestEveryProblemInOnePass(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	body := bCSV(782)
	lines := strings.Split(body, "\n")
	// row 2 (24412): a count that is not a number; row 3 (24415): outflows
	// 10+5+900 > start 300; row 4: a unit that does not exist.
	lines[1] = strings.Replace(lines[1], ",300,", ",abc,", 1)
	lines[2] = strings.Replace(lines[2], ",300,10,5,1,", ",300,10,5,900,", 1)
	lines[3] = strings.Replace(lines[3], "24418", "99999", 1)
	rep := New(db, Options{}).Reader(ctx, "b.csv", strings.NewReader(strings.Join(lines, "\n")))
	if rep.Status != Rejected {
		t.Fatalf("status %s", rep.Status)
	}
	var got []string
	for _, p := range rep.Problems {
		if p.Severity == problem.Reject {
			got = append(got, fmt.Sprintf("%s@%d/%s", p.Code, p.Row, p.Column))
		}
	}
	want := []string{"E_COUNT_NOT_NUMBER@2/poor_start", "E_UNIT_UNKNOWN@4/unit_code", "E_OUTFLOW_EXCEEDS_STOCK@3/poor_out_other"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rejections\n got %v\nwant %v", got, want)
	}
}

// A file of garbage is reported up to maxProblems, with a count of the rest.
func TestProblemsCapped(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	var b strings.Builder
	b.WriteString("year,stage,unit_code,household_id,head_name,members,class_end\n")
	for i := range 300 {
		fmt.Fprintf(&b, "2019,official,24418,H-%d,An %d,3,giàu\n", i, i)
	}
	rep := New(db, Options{IDKey: []byte("k")}).Reader(ctx, "d.csv", strings.NewReader(b.String()))
	if rep.Status != Rejected {
		t.Fatalf("status %s", rep.Status)
	}
	if len(rep.Problems) != maxProblems+1 {
		t.Fatalf("%d problems, want %d + 1", len(rep.Problems), maxProblems)
	}
	last := rep.Problems[maxProblems]
	if last.Code != problem.ETooManyProblems || last.Value != "100" || !strings.Contains(last.Message, "100") {
		t.Errorf("last problem %s, want E_TOO_MANY_PROBLEMS of 100 more", last.Error())
	}
	for i, p := range rep.Problems[:maxProblems] {
		if p.Code != problem.EValueInvalid || p.Row != i+2 || p.Column != "class_end" {
			t.Fatalf("problem %d: %s", i, p.Error())
		}
	}
}

// Impossible figures reject the file at their row and column; what is
// possible but suspicious (a broken identity) is a finding.
func TestImpossibleFigures(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	const aHead = "year,stage,unit_code,total_households,total_persons,poor_end,near_poor_end,em_households,em_poor,em_near_poor,poor_persons,near_poor_persons\n"
	const bHead = "year,stage,unit_code,poor_start,poor_out_to_near_poor,poor_out_above_near_poor,poor_out_other,poor_in_from_near_poor,poor_in_repoor,poor_in_new,poor_in_other,poor_end\n"
	const cHead = "year,stage,unit_code,near_poor_start,near_poor_out_escaped,near_poor_out_to_poor,near_poor_out_other,near_poor_in_from_poor,near_poor_in_re,near_poor_in_new,near_poor_in_other,near_poor_end\n"
	const hHead = "year,stage,unit_code,household_id,head_name,members,class_end\n"
	for _, c := range []struct {
		name, body string
		want       string // code@row/column of the first rejection, or the finding's code
	}{
		{"A fine", aHead + "2020,official,24412,100,400,10,20,50,5,6,40,80\n", ""},
		{"poor > households", aHead + "2020,official,24412,100,400,101,0,50,5,6,400,0\n", "E_PART_EXCEEDS_TOTAL@2/poor_end"},
		{"poor + near-poor > households", aHead + "2020,official,24412,100,400,60,41,50,5,6,200,200\n", "E_PART_EXCEEDS_TOTAL@2/near_poor_end"},
		{"em > households", aHead + "2020,official,24412,100,400,10,20,101,5,6,40,80\n", "E_PART_EXCEEDS_TOTAL@2/em_households"},
		{"em_poor > em_households", aHead + "2020,official,24412,100,400,10,20,5,6,0,40,80\n", "E_PART_EXCEEDS_TOTAL@2/em_poor"},
		{"em_poor > poor", aHead + "2020,official,24412,100,400,10,20,50,11,0,40,80\n", "E_PART_EXCEEDS_TOTAL@2/em_poor"},
		{"em_near_poor > em_households", aHead + "2020,official,24412,100,400,10,20,5,0,6,40,80\n", "E_PART_EXCEEDS_TOTAL@2/em_near_poor"},
		{"B fine: 100 − 10 − 5 − 1 + 2 + 3 + 4 + 5 = 98", bHead + "2020,official,24412,100,10,5,1,2,3,4,5,98\n", ""},
		{"B outflows 60 + 30 + 11 > 100", bHead + "2020,official,24412,100,60,30,11,0,0,1,0,0\n", "E_OUTFLOW_EXCEEDS_STOCK@2/poor_out_other"},
		{"B identity off by 1: a finding", bHead + "2020,official,24412,100,10,5,1,2,3,4,5,99\n", "F_FLOW_IDENTITY"},
		{"C outflows > start", cHead + "2020,official,24412,10,5,5,1,0,0,0,0,0\n", "E_OUTFLOW_EXCEEDS_STOCK@2/near_poor_out_other"},
		{"C identity off: a finding", cHead + "2020,official,24412,10,1,1,1,1,1,1,1,12\n", "F_FLOW_IDENTITY"},
		{"count past the bound", bHead + "2020,official,24412,100000001,0,0,0,0,0,0,0,100000001\n", "E_COUNT_TOO_LARGE@2/poor_start"},
		{"count 1e30", bHead + "2020,official,24412,1e30,0,0,0,0,0,0,0,1\n", "E_COUNT_TOO_LARGE@2/poor_start"},
		{"members 1e20", hHead + "2020,official,24412,H1,An,100000000000000000000,poor\n", "E_COUNT_TOO_LARGE@2/members"},
		{"same household twice", hHead + "2020,official,24412,H1,An,3,poor\n2020,official,24412,H2,Ba,3,poor\n2020,official,24412,H1,Chi,3,poor\n", "E_HOUSEHOLD_DUPLICATE@4/household_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := New(db, Options{DryRun: true, IDKey: []byte("k")}).Reader(ctx, "x.csv", strings.NewReader(c.body))
			got := ""
			if p := rep.Problems.First(); p != nil {
				got = fmt.Sprintf("%s@%d/%s", p.Code, p.Row, p.Column)
			} else {
				for _, p := range rep.Problems {
					if p.Severity == problem.Finding {
						got = p.Code
					}
				}
			}
			if got != c.want {
				t.Errorf("got %q, want %q\n%s", got, c.want, problems(rep.Problems))
			}
		})
	}
}
