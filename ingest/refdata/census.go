package refdata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"rasoat/ingest/vntext"
	"rasoat/store"
)

// CensusRow is one unit's household (and person) count on a reference date.
type CensusRow struct {
	UnitCode   string
	Households int64
	Persons    int64 // 0 when the file does not say
}

// censusColumns maps folded header words to roles; the first column found
// for a role wins, so "households_total" beats "households_urban".
var censusColumns = []struct{ role, name string }{
	{"code", "commune code"}, {"code", "unit code"}, {"code", "ma px"}, {"code", "ma xa"}, {"code", "code"},
	{"households", "households total"}, {"households", "households"}, {"households", "so ho"}, {"households", "tong so ho"},
	{"persons", "pop total"}, {"persons", "persons"}, {"persons", "population"}, {"persons", "dan so"}, {"persons", "so nhan khau"},
}

// ReadCensus reads census or registry household counts per unit
// (docs/forms.md §5), such as ../shared/data/daklak_census2019_commune.csv:
// a code column (commune_code or unit_code) and a household count
// (households_total or households), optionally persons (pop_total).
func ReadCensus(name string, r io.Reader) ([]CensusRow, error) {
	cr, err := csvReader(r)
	if err != nil {
		return nil, err
	}
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: không đọc được dòng tiêu đề: %w", name, err)
	}
	col := map[string]int{}
	for _, want := range censusColumns {
		if _, done := col[want.role]; done {
			continue
		}
		for i, h := range head {
			if vntext.Fold(strings.ReplaceAll(h, "_", " ")) == want.name {
				col[want.role] = i
				break
			}
		}
	}
	for _, role := range []string{"code", "households"} {
		if _, ok := col[role]; !ok {
			return nil, fmt.Errorf("%s: thiếu cột %s (cần commune_code/unit_code và households_total/households)", name, role)
		}
	}
	var out []CensusRow
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s dòng %d: %w", name, line, err)
		}
		get := func(role string) string {
			if i, ok := col[role]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		code := get("code")
		if code == "" {
			continue
		}
		if prev, dup := seen[code]; dup {
			return nil, fmt.Errorf("%s dòng %d: mã %s đã có ở dòng %d", name, line, code, prev)
		}
		seen[code] = line
		hh, err := strconv.ParseInt(get("households"), 10, 64)
		if err != nil || hh < 0 {
			return nil, fmt.Errorf("%s dòng %d: số hộ %q không hợp lệ", name, line, get("households"))
		}
		row := CensusRow{UnitCode: code, Households: hh}
		if p := get("persons"); p != "" {
			if row.Persons, err = strconv.ParseInt(p, 10, 64); err != nil || row.Persons < 0 {
				return nil, fmt.Errorf("%s dòng %d: số nhân khẩu %q không hợp lệ", name, line, p)
			}
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: không có dòng số liệu", name)
	}
	return out, nil
}

var censusYear = regexp.MustCompile(`(?i)census[_-]?((?:19|20)\d\d)`)

// CensusDate is the reference date a census file's name implies: the
// Population and Housing Census is taken at 0:00 on 1 April of its year.
func CensusDate(name string) (time.Time, bool) {
	if d, ok := DateFromName(name); ok {
		return d, true
	}
	if m := censusYear.FindStringSubmatch(filepath.Base(name)); m != nil {
		y, _ := strconv.Atoi(m[1])
		return time.Date(y, 4, 1, 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

// ImportCensus writes the counts into ref_census in one transaction;
// importing the same file again replaces its rows. Codes must be units in
// ref_unit, so a file of another province is refused whole.
func ImportCensus(ctx context.Context, db *store.DB, name string, rows []CensusRow, refDate time.Time) (int, error) {
	err := db.Write(ctx, func(w *store.Writer) error {
		for _, r := range rows {
			var n int
			if err := w.QueryRow(`SELECT count(*) FROM ref_unit WHERE unit_code = ?`, r.UnitCode).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("mã đơn vị %s không có trong danh mục (nạp danh mục đơn vị hành chính trước)", r.UnitCode)
			}
			var persons any
			if r.Persons > 0 {
				persons = r.Persons
			}
			if _, err := w.Exec(`INSERT OR REPLACE INTO ref_census VALUES (?, ?, ?, ?, ?)`, r.UnitCode, refDate, r.Households, persons, filepath.Base(name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", filepath.Base(name), err)
	}
	return len(rows), nil
}
