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
