package refdata

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"rasoat/ingest/problem"
	"rasoat/ingest/vntext"
	"rasoat/store"
)

// Unit is one administrative unit of a units list.
type Unit struct {
	Code, Name, Level, Type, Parent, Province string
	Synthetic                                 bool
}

// unitColumns maps the accepted header names of a units list (plain CSV of
// forms.md §5, and the GSO export layout) to our fields.
var unitColumns = map[string]string{
	"province_code": "province_code", "ma tp": "province_code",
	"province_name": "province_name", "tinh thanh pho": "province_name",
	"district_code": "district_code", "ma qh": "district_code",
	"district_name": "district_name", "quan huyen": "district_name",
	"district_type": "district_type",
	"commune_code":  "commune_code", "ma px": "commune_code",
	"commune_name": "commune_name", "phuong xa": "commune_name",
	"commune_type": "commune_type", "cap": "commune_type",
	"synthetic": "synthetic",
}

// csvReader sniffs the separator (`,` or `;`) and drops a UTF-8 BOM.
func csvReader(r io.Reader) (*csv.Reader, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(4096)
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(line, []byte{';'}) > bytes.Count(line, []byte{','}) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	return cr, nil
}

// ReadUnits reads a units list in the plain CSV or the GSO export layout. A
// list without district columns is a two-level list (after 1/7/2025):
// communes then belong to the province directly.
func ReadUnits(name string, r io.Reader) ([]Unit, error) {
	cr, err := csvReader(r)
	if err != nil {
		return nil, err
	}
	header, err := cr.Read()
	if err != nil {
		return nil, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "không đọc được dòng tiêu đề: " + err.Error()}
	}
	idx := map[string]int{}
	for i, h := range header {
		if f, ok := unitColumns[strings.TrimSpace(vntext.Fold(h))]; ok {
			idx[f] = i
		} else if f, ok := unitColumns[strings.TrimSpace(strings.ToLower(h))]; ok {
			idx[f] = i
		}
	}
	for _, need := range []string{"province_code", "province_name", "commune_code", "commune_name"} {
		if _, ok := idx[need]; !ok {
			return nil, &problem.Problem{Code: problem.EColumnMissing, Severity: problem.Reject, File: name, Row: 1,
				Field: need, Message: "danh sách đơn vị thiếu cột " + need, Expected: "province_code, province_name, [district_code, district_name,] commune_code, commune_name"}
		}
	}
	_, twoLevel := idx["district_code"]
	twoLevel = !twoLevel
	get := func(rec []string, f string) string {
		if i, ok := idx[f]; ok && i < len(rec) {
			return vntext.NFC(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	seen := map[string]bool{}
	var out []Unit
	add := func(u Unit, line int) error {
		if seen[u.Code] {
			return nil
		}
		if u.Code == "" || strings.Trim(u.Code, "0123456789") != "" {
			return &problem.Problem{Code: problem.EValueInvalid, Severity: problem.Reject, File: name, Row: line,
				Value: u.Code, Expected: "mã ĐVHC gồm chữ số", Message: "mã đơn vị không hợp lệ"}
		}
		seen[u.Code] = true
		out = append(out, u)
		return nil
	}
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Row: line, Message: err.Error()}
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		synthetic := strings.EqualFold(get(rec, "synthetic"), "true")
		prov := get(rec, "province_code")
		if err := add(Unit{Code: prov, Name: get(rec, "province_name"), Level: "province", Type: "Tỉnh", Province: prov, Synthetic: synthetic}, line); err != nil {
			return nil, err
		}
		parent := prov
		if !twoLevel {
			d := get(rec, "district_code")
			if err := add(Unit{Code: d, Name: get(rec, "district_name"), Level: "district", Type: get(rec, "district_type"), Parent: prov, Province: prov, Synthetic: synthetic}, line); err != nil {
				return nil, err
			}
			parent = d
		}
		c := Unit{Code: get(rec, "commune_code"), Name: get(rec, "commune_name"), Level: "commune", Type: get(rec, "commune_type"), Parent: parent, Province: prov, Synthetic: synthetic}
		if seen[c.Code] {
			return nil, &problem.Problem{Code: problem.EUnitDuplicate, Severity: problem.Reject, File: name, Row: line, Value: c.Code, Message: "mã xã xuất hiện hai lần"}
		}
		if err := add(c, line); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, &problem.Problem{Code: problem.ENoRows, Severity: problem.Reject, File: name, Message: "danh sách đơn vị không có dòng nào"}
	}
	return out, nil
}

var dateInName = regexp.MustCompile(`(\d{4})-(\d{2})(?:-(\d{2}))?`)

// DateFromName finds a YYYY-MM-DD or YYYY-MM date in a file name
// ("units_2025-07.csv" → 1/7/2025), the usual way lists are named.
func DateFromName(name string) (time.Time, bool) {
	m := dateInName.FindAllStringSubmatch(filepath.Base(name), -1)
	if m == nil {
		return time.Time{}, false
	}
	last := m[len(m)-1]
	y, _ := strconv.Atoi(last[1])
	mo, _ := strconv.Atoi(last[2])
	d := 1
	if last[3] != "" {
		d, _ = strconv.Atoi(last[3])
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
}

// UnitsReport says what a units import changed.
type UnitsReport struct {
	Units, Opened, Closed, Unchanged int
	ValidFrom                        time.Time
}

// ImportUnits applies a units list valid from validFrom as a snapshot: units
// that are new or changed (name, level, type, parent) open a new validity
// interval and close the old one; units of the same provinces missing from
// the list close at validFrom. Lists must be imported in date order.
func ImportUnits(ctx context.Context, db *store.DB, name string, units []Unit, validFrom time.Time) (*UnitsReport, error) {
	rep := &UnitsReport{Units: len(units), ValidFrom: validFrom}
	fp := fingerprint(units, validFrom)
	var seen int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM ref_unit_import WHERE fingerprint = ?`, fp).Scan(&seen); err != nil {
		return nil, err
	}
	if seen > 0 {
		rep.Unchanged = len(units)
		return rep, nil
	}
	provinces := map[string]bool{}
	for _, u := range units {
		provinces[u.Province] = true
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for p := range provinces {
			var latest sql.NullTime
			if err := tx.QueryRowContext(ctx, `SELECT max(valid_from) FROM ref_unit WHERE province_code = ?`, p).Scan(&latest); err != nil {
				return err
			}
			if latest.Valid && latest.Time.After(validFrom) {
				return fmt.Errorf("danh sách %s có hiệu lực từ %s, cũ hơn danh sách đã nạp (%s): hãy nạp các danh sách theo thứ tự thời gian",
					filepath.Base(name), validFrom.Format("02/01/2006"), latest.Time.Format("02/01/2006"))
			}
		}
		inList := map[string]bool{}
		for _, u := range units {
			inList[u.Code] = true
			var cur struct {
				name, level, parent string
				typ                 sql.NullString
				from                time.Time
			}
			var parent sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT unit_name, level, unit_type, parent_code, valid_from FROM ref_unit WHERE unit_code = ? AND valid_to IS NULL`, u.Code).
				Scan(&cur.name, &cur.level, &cur.typ, &parent, &cur.from)
			switch {
			case err == sql.ErrNoRows:
			case err != nil:
				return err
			case cur.name == u.Name && cur.level == u.Level && cur.typ.String == u.Type && parent.String == u.Parent:
				rep.Unchanged++
				continue
			case cur.from.Equal(validFrom):
				if _, err := tx.ExecContext(ctx, `DELETE FROM ref_unit WHERE unit_code = ? AND valid_from = ?`, u.Code, validFrom); err != nil {
					return err
				}
			default:
				if _, err := tx.ExecContext(ctx, `UPDATE ref_unit SET valid_to = ? WHERE unit_code = ? AND valid_to IS NULL`, validFrom, u.Code); err != nil {
					return err
				}
				rep.Closed++
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from, valid_to, source, synthetic)
				VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
				u.Code, u.Name, u.Level, nullIfEmpty(u.Type), nullIfEmpty(u.Parent), u.Province, validFrom, filepath.Base(name), u.Synthetic); err != nil {
				return fmt.Errorf("đơn vị %s: %w", u.Code, err)
			}
			rep.Opened++
		}
		for p := range provinces {
			rows, err := tx.QueryContext(ctx, `SELECT unit_code FROM ref_unit WHERE province_code = ? AND valid_to IS NULL AND valid_from < ?`, p, validFrom)
			if err != nil {
				return err
			}
			var gone []string
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				if !inList[c] {
					gone = append(gone, c)
				}
			}
			rows.Close()
			for _, c := range gone {
				if _, err := tx.ExecContext(ctx, `UPDATE ref_unit SET valid_to = ? WHERE unit_code = ? AND valid_to IS NULL`, validFrom, c); err != nil {
					return err
				}
				rep.Closed++
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ref_unit_import VALUES (?, ?, ?, ?, now())`, fp, filepath.Base(name), validFrom, len(units))
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// fingerprint identifies a list by its content and date, whatever its file name.
func fingerprint(units []Unit, validFrom time.Time) string {
	h := sha256.New()
	fmt.Fprintln(h, validFrom.Format("2006-01-02"))
	for _, u := range units {
		fmt.Fprintf(h, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%v\n", u.Code, u.Name, u.Level, u.Type, u.Parent, u.Province, u.Synthetic)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CrosswalkRow is one old→new pair of a crosswalk.
type CrosswalkRow struct {
	Old, New, ShareKind string
	Share               *float64
	Effective           time.Time
	LegalBasis          string
	Extra               map[string]string
}

var crosswalkColumns = map[string]string{
	"old_code": "old", "old_commune_code": "old",
	"new_code": "new", "new_commune_code": "new",
	"share": "share", "effective_date": "effective", "gso_effective_date": "effective",
	"legal_basis": "legal", "resolution": "legal",
}

// ReadCrosswalk reads a crosswalk CSV (forms.md §5). effective is used for
// rows without an effective_date column. Other columns are kept as extra.
func ReadCrosswalk(name string, r io.Reader, effective time.Time) ([]CrosswalkRow, error) {
	cr, err := csvReader(r)
	if err != nil {
		return nil, err
	}
	header, err := cr.Read()
	if err != nil {
		return nil, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "không đọc được dòng tiêu đề: " + err.Error()}
	}
	idx := map[string]int{}
	for i, h := range header {
		if f, ok := crosswalkColumns[strings.ToLower(strings.TrimSpace(h))]; ok {
			if _, dup := idx[f]; !dup {
				idx[f] = i
			}
		}
	}
	for _, need := range []string{"old", "new", "share"} {
		if _, ok := idx[need]; !ok {
			return nil, &problem.Problem{Code: problem.EColumnMissing, Severity: problem.Reject, File: name, Row: 1, Field: need,
				Message: "bảng chuyển đổi thiếu cột " + need, Expected: "old_code, new_code, share, effective_date, legal_basis"}
		}
	}
	if _, ok := idx["effective"]; !ok && effective.IsZero() {
		return nil, &problem.Problem{Code: problem.EColumnMissing, Severity: problem.Reject, File: name, Row: 1, Field: "effective_date",
			Message: "không có cột effective_date và không có ngày hiệu lực (--effective-date hoặc ngày trong tên tệp)"}
	}
	var out []CrosswalkRow
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Row: line, Message: err.Error()}
		}
		get := func(f string) string {
			if i, ok := idx[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := CrosswalkRow{Old: get("old"), New: get("new"), LegalBasis: get("legal"), Effective: effective, Extra: map[string]string{}}
		if row.Old == "" && row.New == "" {
			continue
		}
		switch s := strings.ToLower(get("share")); s {
		case "full", "":
			row.ShareKind = "full"
		case "partial":
			row.ShareKind = "partial"
		default:
			v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
			if err != nil || v <= 0 || v > 1 {
				return nil, &problem.Problem{Code: problem.EValueInvalid, Severity: problem.Reject, File: name, Row: line, Column: "share",
					Value: s, Expected: "full, partial hoặc một tỷ lệ trong (0, 1]", Message: "tỷ lệ chia tách không hợp lệ"}
			}
			row.ShareKind, row.Share = "fraction", &v
		}
		if e := get("effective"); e != "" {
			t, err := time.Parse("2006-01-02", e)
			if err != nil {
				return nil, &problem.Problem{Code: problem.EValueInvalid, Severity: problem.Reject, File: name, Row: line, Column: "effective_date",
					Value: e, Expected: "YYYY-MM-DD", Message: "ngày hiệu lực không hợp lệ"}
			}
			row.Effective = t
		}
		for i, h := range header {
			if _, known := crosswalkColumns[strings.ToLower(strings.TrimSpace(h))]; !known && i < len(rec) && rec[i] != "" {
				row.Extra[h] = rec[i]
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// ImportCrosswalk replaces the crosswalk rows of the same effective dates.
func ImportCrosswalk(ctx context.Context, db *store.DB, name string, rows []CrosswalkRow) (int, error) {
	dates := map[time.Time]bool{}
	for _, r := range rows {
		dates[r.Effective] = true
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for d := range dates {
			if _, err := tx.ExecContext(ctx, `DELETE FROM ref_crosswalk WHERE effective_date = ?`, d); err != nil {
				return err
			}
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO ref_crosswalk VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rows {
			extra, _ := json.Marshal(r.Extra)
			var share any
			if r.Share != nil {
				share = *r.Share
			}
			if _, err := stmt.ExecContext(ctx, r.Old, r.New, r.ShareKind, share, r.Effective, nullIfEmpty(r.LegalBasis), filepath.Base(name), string(extra)); err != nil {
				return fmt.Errorf("%s → %s: %w", r.Old, r.New, err)
			}
		}
		return nil
	})
	return len(rows), err
}
