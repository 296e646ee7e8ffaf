package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"rasoat/transform"
)

// bCSV is a Form B export of three M'Đrắk units; end of Cư Prao is given.
func bCSV(prao int) string {
	var b strings.Builder
	b.WriteString("year,stage,unit_code,poor_start,poor_out_to_near_poor,poor_out_above_near_poor,poor_out_other,poor_in_from_near_poor,poor_in_repoor,poor_in_new,poor_in_other,poor_end\n")
	for _, r := range []struct {
		code string
		end  int
	}{{"24412", 344}, {"24415", prao}, {"24418", 500}} {
		// start − outs + ins = end, whatever end is: put the difference in poor_in_new.
		fmt.Fprintf(&b, "2019,official,%s,%d,10,5,1,0,0,%d,0,%d\n", r.code, 300, r.end-300+16, r.end)
	}
	return b.String()
}

// A corrected file for the same form, year, stage and unit supersedes the
// earlier one in the views; both stay in the raw layer with who, when and
// their sha256. The same bytes again are a no-op.
func TestCorrectedFileSupersedes(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	at := func(h int) func() time.Time {
		return func() time.Time { return time.Date(2019, 10, 8, h, 0, 0, 0, time.UTC) }
	}
	first := New(db, Options{LoadedBy: "can_bo_a", Now: at(8)}).Reader(ctx, "md_b_2019.csv", strings.NewReader(bCSV(782)))
	if first.Status != Accepted {
		t.Fatalf("first: %s", first.Summary())
	}
	again := New(db, Options{LoadedBy: "can_bo_a", Now: at(9)}).Reader(ctx, "md_b_2019_copy.csv", strings.NewReader(bCSV(782)))
	if again.Status != Unchanged || again.FileID != first.FileID {
		t.Fatalf("same bytes again: %s (file %d, want unchanged %d)", again.Status, again.FileID, first.FileID)
	}
	second := New(db, Options{LoadedBy: "can_bo_b", Now: at(15)}).Reader(ctx, "md_b_2019_sua.csv", strings.NewReader(bCSV(790)))
	if second.Status != Accepted || second.FileID <= first.FileID {
		t.Fatalf("corrected: %s", second.Summary())
	}
	if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
		t.Fatal(err)
	}
	var end int
	var fid int64
	if err := db.QueryRowContext(ctx, `SELECT poor_end, file_id FROM stg_form_b WHERE unit_code = '24415' AND year = 2019`).Scan(&end, &fid); err != nil {
		t.Fatal(err)
	}
	if end != 790 || fid != second.FileID {
		t.Errorf("view uses poor_end %d from file %d, want 790 from file %d", end, fid, second.FileID)
	}
	rows, err := db.QueryContext(ctx, `SELECT f.file_id, f.file_name, f.loaded_by, strftime(f.loaded_at, '%H'), f.sha256, r.poor_end
		FROM ingest_file f JOIN raw_form_b r USING (file_id) WHERE r.unit_code = '24415' ORDER BY f.file_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id int64
		var name, by, hour, sha string
		var pe int
		if err := rows.Scan(&id, &name, &by, &hour, &sha, &pe); err != nil {
			t.Fatal(err)
		}
		if len(sha) != 64 {
			t.Errorf("file %d sha256 %q", id, sha)
		}
		got = append(got, fmt.Sprintf("%s by %s at %sh: %d", name, by, hour, pe))
	}
	want := []string{"md_b_2019.csv by can_bo_a at 08h: 782", "md_b_2019_sua.csv by can_bo_b at 15h: 790"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("raw history:\n got %q\nwant %q", got, want)
	}
}

// bRows is a Form B export of the given M'Đrắk units, each with its end.
func bRows(ends map[string]int) string {
	var b strings.Builder
	b.WriteString("year,stage,unit_code,poor_start,poor_out_to_near_poor,poor_out_above_near_poor,poor_out_other,poor_in_from_near_poor,poor_in_repoor,poor_in_new,poor_in_other,poor_end\n")
	for _, code := range []string{"24412", "24415", "24418", "24421"} {
		if end, ok := ends[code]; ok {
			fmt.Fprintf(&b, "2019,official,%s,300,10,5,1,0,0,%d,0,%d\n", code, end-300+16, end)
		}
	}
	return b.String()
}

// A file holding fewer units than the one it supersedes is refused unless
// --partial says it corrects only those; then only those are replaced and
// the others of the earlier file keep counting. A later whole file
// supersedes them all again; the same rules hold for household lists.
func TestPartialCorrection(t *testing.T) {
	ctx := context.Background()
	db := daklakDB(t, t.TempDir())
	load := func(name, body string, partial bool) *FileReport {
		return New(db, Options{Partial: partial, IDKey: []byte("k")}).Reader(ctx, name, strings.NewReader(body))
	}
	ends := func(q string) string {
		if _, err := transform.Run(ctx, db, transform.Options{}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strs(t, db, q), " ")
	}
	const bEnds = `SELECT unit_code || '=' || poor_end || '@' || file_id FROM stg_form_b WHERE year = 2019 ORDER BY unit_code`

	whole := load("b1.csv", bRows(map[string]int{"24412": 344, "24415": 782, "24418": 500}), false)
	if whole.Status != Accepted {
		t.Fatal(whole.Summary())
	}
	before := checksum(t, db)
	cut := load("b2.csv", bRows(map[string]int{"24412": 350, "24415": 790}), false)
	if p := cut.Problems.First(); cut.Status != Rejected || p == nil || p.Code != "E_FEWER_UNITS" || p.Value != "24418" {
		t.Fatalf("fewer units without --partial: %s", cut.Summary())
	}
	if checksum(t, db) != before {
		t.Error("a refused file changed the database")
	}
	part := load("b2.csv", bRows(map[string]int{"24412": 350, "24415": 790}), true)
	if part.Status != Accepted {
		t.Fatal(part.Summary())
	}
	want := fmt.Sprintf("24412=350@%d 24415=790@%d 24418=500@%d", part.FileID, part.FileID, whole.FileID)
	if got := ends(bEnds); got != want {
		t.Errorf("after the partial file: %s, want %s", got, want)
	}
	// A whole file must now hold what counts: 24412, 24415 and 24418.
	if r := load("b3.csv", bRows(map[string]int{"24415": 791, "24418": 501}), false); r.Status != Rejected || r.Problems.First().Value != "24412" {
		t.Errorf("whole file missing 24412 after a partial one: %s", r.Summary())
	}
	again := load("b4.csv", bRows(map[string]int{"24412": 340, "24415": 780, "24418": 510, "24421": 320}), false)
	if again.Status != Accepted {
		t.Fatal(again.Summary())
	}
	want = fmt.Sprintf("24412=340@%[1]d 24415=780@%[1]d 24418=510@%[1]d 24421=320@%[1]d", again.FileID)
	if got := ends(bEnds); got != want {
		t.Errorf("after a whole file: %s, want %s", got, want)
	}

	// household lists of two communes; a corrected list of one commune is
	// that commune's own list and replaces it whole (H2 is gone).
	const hh = "year,stage,unit_code,household_id,head_name,members,class_end\n"
	list := load("d1.csv", hh+"2019,official,24412,H1,An,3,poor\n2019,official,24412,H2,Ba,3,poor\n2019,official,24415,K1,Chi,4,near_poor\n", false)
	if list.Status != Accepted {
		t.Fatal(list.Summary())
	}
	const hEnds = `SELECT unit_code || ':' || household_id FROM stg_household WHERE year = 2019 ORDER BY ALL`
	fix := load("d2.csv", hh+"2019,official,24412,H1,An,4,poor\n", false)
	if fix.Status != Accepted {
		t.Fatal(fix.Summary())
	}
	if got := ends(hEnds); got != "24412:H1 24415:K1" {
		t.Errorf("households after a commune's corrected list: %s", got)
	}
	// a district list without 24415 is refused; with --partial it replaces 24412 only
	body := hh + "2019,official,24412,H9,Dung,2,poor\n2019,official,24418,M1,Em,5,poor\n"
	if r := load("d3.csv", hh+"2019,official,24412,H9,Dung,2,poor\n2019,official,24418,M1,Em,5,poor\n2019,official,24418,M2,Gia,5,poor\n", false); r.Status != Rejected || r.Problems.First().Code != "E_FEWER_UNITS" {
		t.Errorf("district list without 24415: %s", r.Summary())
	}
	if r := load("d3.csv", body, true); r.Status != Accepted {
		t.Fatal(r.Summary())
	}
	if got := ends(hEnds); got != "24412:H9 24415:K1 24418:M1" {
		t.Errorf("households after a partial district list: %s", got)
	}
}
