package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"rasoat/ingest/problem"
	"rasoat/ingest/sheet"
	"rasoat/review"
	"rasoat/store"
)

// A machine-exported household list (Form D as CSV) is the one input large
// enough for loading speed to matter: half a million rows for a big
// province. Appending it row by row through the driver costs several times
// what DuckDB needs to read the file on its own, so a plain list takes
// another way in:
//
//  1. the list is cut into one part of whole lines per core, and each part
//     is read with sheet.Bulk.Scan by ReadCSV's rules, hashing ID numbers as
//     it goes (the raw number never leaves Go memory);
//  2. each part's households go to a private temporary file in a form
//     DuckDB reads without guessing: tab-separated, typed, no quotes, \N
//     for NULL;
//  3. the distinct unit cells of all parts resolve like the rows of any form;
//  4. one INSERT … SELECT FROM read_csv moves every part into raw_household,
//     in the same transaction as the file's provenance. (One statement:
//     DuckDB writes a large insert's row groups as it goes, while several
//     smaller inserts pile up until the commit.)
//
// When a part gives up (a value ReadCSV reads its own way or refuses, a
// conflict) or a unit does not resolve, nothing has been written, and the
// full reader reads the file again and reports every problem by row and
// column.

// errBulkGiveUp ends a bulk attempt: the full reader takes over.
var errBulkGiveUp = errors.New("bulk load not possible")

// bulkLoad is a household list ready to insert from its loader files.
type bulkLoad struct {
	parts []bulkPart
	rows  int
	deps  int // length of the deprivations list; 0: NULL
}

type bulkPart struct {
	path  string   // the loader file (see scanPart)
	rows  int      // households in it
	units []string // unit code of each of the part's unit cells
	ids   []rowIDs // per household: what must not repeat in a list
}

// rowIDs is a household's identity in a list, hashed to 64 bits: a
// repeated household_id (within its commune) or head ID makes the bulk path
// give way to the full reader, which names both rows. A collision of two
// different IDs costs only that detour.
type rowIDs struct {
	unit     int32  // the part's unit index
	id, head uint64 // 0: none
}

var idSeed = maphash.MakeSeed()

// duplicates reports whether any household_id repeats within its unit or
// any head ID repeats in the list, over all parts.
func (b *bulkLoad) duplicates() bool {
	var ids, heads []uint64
	for _, p := range b.parts {
		unitHash := make([]uint64, len(p.units))
		for i, u := range p.units {
			unitHash[i] = maphash.String(idSeed, u)
		}
		for _, r := range p.ids {
			if r.id != 0 {
				ids = append(ids, r.id^(unitHash[r.unit]*0x9e3779b97f4a7c15))
			}
			if r.head != 0 {
				heads = append(heads, r.head)
			}
		}
	}
	for _, l := range [][]uint64{ids, heads} {
		slices.Sort(l)
		for i := 1; i < len(l); i++ {
			if l[i] == l[i-1] {
				return true
			}
		}
	}
	return false
}

// bulkMinPart keeps small lists in one part: a goroutine per few rows
// costs more than it saves.
const bulkMinPart = 1 << 20

// unitBits is the room for one part's unit indexes in the loader file's
// unit column; the part's number goes above it, so one statement can load
// every part.
const unitBits = 20

// bulkColumns are the loader file's columns, in order.
const bulkColumns = `{'line': 'INTEGER', 'unit': 'INTEGER', 'household_id': 'VARCHAR', 'village': 'VARCHAR', 'head_name': 'VARCHAR',
	'head_id_hash': 'VARCHAR', 'ethnicity': 'VARCHAR', 'area': 'VARCHAR', 'members': 'INTEGER', 'b1_score': 'DOUBLE',
	'income_per_capita': 'DOUBLE', 'deprivations': 'VARCHAR', 'class_end': 'VARCHAR', 'change': 'VARCHAR'}`

// bulkCSV loads a plain household list through DuckDB's own CSV reader.
// done is false when the file is not such a list or when the full reader
// must read it; rep is then untouched.
//
// A Parquet export comes here as the CSV DuckDB made of it (src says so):
// its numbers are then a program's, and its provenance the Parquet file's.
func (g *Ingester) bulkCSV(ctx context.Context, name string, body []byte, rep *FileReport, src source) (done bool) {
	switch src.format {
	case "csv", "txt", "parquet":
	default:
		return false
	}
	plan, ok := sheet.PlanBulk(name, body, sheet.Options{MaxRows: g.opt.MaxRows, MaxCols: g.opt.MaxCols, MachineNumbers: src.machine})
	if !ok {
		return false
	}
	dir, err := tempDir("rasoat-bulk-")
	if err != nil {
		return false
	}
	defer os.RemoveAll(dir)

	parts := plan.Parts(body, runtime.GOMAXPROCS(0), bulkMinPart)
	b := &bulkLoad{deps: plan.Deps, parts: make([]bulkPart, len(parts))}
	results := make([]sheet.PartResult, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		var progress func(int)
		if i == 0 && g.opt.Progress != nil {
			progress = func(n int) { g.opt.Progress(name, min(n*len(parts), plan.Records), plan.Records) } // the first part speaks for all
		}
		b.parts[i].path = filepath.Join(dir, fmt.Sprintf("households-%d.tsv", i))
		wg.Go(func() { results[i], errs[i] = g.scanPart(ctx, plan, p, i, &b.parts[i], progress) })
	}
	wg.Wait()
	if errors.Join(errs...) != nil || !plan.SetMetas(results) {
		return false
	}

	// The parts' unit cells, resolved together like the rows of any form.
	form := plan.Form
	index := map[sheet.BulkUnit]int{}
	locals := make([][]int, len(parts)) // part's unit → index in form.Households
	for i, r := range results {
		b.parts[i].rows = r.Rows
		b.rows += r.Rows
		for _, u := range r.Units {
			key := sheet.BulkUnit{Code: u.Code, Name: u.Name}
			at, seen := index[key]
			if !seen {
				at = len(form.Households)
				index[key] = at
				form.Households = append(form.Households, review.Household{SourceRow: u.Line, UnitCode: u.Code, UnitName: u.Name})
			}
			locals[i] = append(locals[i], at)
		}
	}
	if b.rows == 0 {
		return false // no household: the full reader says so
	}
	l, probs := g.resolve(ctx, form)
	if l == nil || probs.Rejects() {
		return false // the full reader names every unknown unit with its row
	}
	if p, err := g.checkLocks(ctx, []*load{l}); p != nil || err != nil {
		return false // the full reader refuses it with the lock's problem
	}
	for i := range b.parts {
		for _, at := range locals[i] {
			b.parts[i].units = append(b.parts[i].units, l.codes[at])
		}
	}
	if b.duplicates() {
		return false // the full reader names both rows of each
	}
	l.bulk = b
	if cov := g.checkCoverage(ctx, l); len(cov) > 0 {
		rep.Problems, rep.Status = append(rep.Problems, cov...), Rejected
		return true
	}
	rep.Problems = append(rep.Problems, form.Problems...)
	rep.Problems = append(rep.Problems, probs...)
	rep.addForms([]*load{l})
	if g.opt.DryRun {
		rep.Status = Validated
		return true
	}
	var id int64
	err = g.db.Write(ctx, func(w *store.Writer) error {
		var err error
		if id, err = nextFileID(w); err != nil {
			return err
		}
		if err := b.insert(w, id, l); err != nil {
			return err
		}
		return g.writeFile(w, id, rep, src.size, src.format, []*load{l})
	})
	if err != nil {
		rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name,
			Message: "không ghi được vào cơ sở dữ liệu, không có gì thay đổi: " + err.Error()})
		rep.Status, rep.Forms = Rejected, nil
		return true
	}
	rep.Status, rep.FileID = Accepted, id
	return true
}

// scanPart reads part i of the list into its loader file, path: one line
// per household, tab-separated in bulkColumns' order, the unit column
// holding i<<unitBits + the part's own unit index. A dry run writes nothing.
func (g *Ingester) scanPart(ctx context.Context, plan *sheet.Bulk, part sheet.Part, i int, bp *bulkPart, progress func(rows int)) (res sheet.PartResult, err error) {
	path := bp.path
	var dst io.Writer = io.Discard
	if !g.opt.DryRun {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return res, err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		dst = f
	}
	out := bufio.NewWriterSize(dst, 1<<20)
	rows := 0
	text := func(b []byte) error {
		if bytes.Equal(b, []byte(`\N`)) {
			return errBulkGiveUp // would read back as NULL
		}
		out.Write(b)
		out.WriteByte('\t')
		return nil
	}
	orNull := func(b []byte) {
		if len(b) == 0 {
			out.WriteString(`\N`)
		} else {
			out.Write(b)
		}
		out.WriteByte('\t')
	}
	var num [20]byte
	var mac hash.Hash // one per part: no pool round trip per row
	if len(g.opt.IDKey) > 0 {
		mac = hmac.New(sha256.New, g.opt.IDKey)
	}
	var sum [sha256.Size]byte
	hashID := func(dst, id []byte) []byte {
		if mac == nil {
			return dst
		}
		mac.Reset()
		mac.Write(id)
		return hex.AppendEncode(dst, mac.Sum(sum[:0]))
	}
	res, ok, err := plan.Scan(part, hashID, func(r *sheet.BulkRow) error {
		if r.Unit >= 1<<unitBits {
			return errBulkGiveUp
		}
		rows++
		ids := rowIDs{unit: int32(r.Unit)}
		if len(r.HouseholdID) > 0 {
			ids.id = maphash.Bytes(idSeed, r.HouseholdID) | 1
		}
		if len(r.HeadIDHash) > 0 {
			ids.head = maphash.Bytes(idSeed, r.HeadIDHash) | 1
		}
		bp.ids = append(bp.ids, ids)
		if rows%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(rows)
			}
		}
		out.Write(strconv.AppendInt(num[:0], int64(r.Line), 10))
		out.WriteByte('\t')
		out.Write(strconv.AppendInt(num[:0], int64(i<<unitBits+r.Unit), 10))
		out.WriteByte('\t')
		for _, t := range [][]byte{r.HouseholdID, r.Village, r.HeadName} {
			if err := text(t); err != nil {
				return err
			}
		}
		if len(r.HeadIDHash) == 0 {
			out.WriteString("\\N\t")
		} else if err := text(r.HeadIDHash); err != nil {
			return err
		}
		if err := text(r.Ethnicity); err != nil {
			return err
		}
		out.WriteString(r.Area)
		out.WriteByte('\t')
		out.Write(strconv.AppendInt(num[:0], int64(r.Members), 10))
		out.WriteByte('\t')
		orNull(r.B1Score)
		orNull(r.IncomePerCapita)
		if r.Deprivations == nil {
			out.WriteString(`\N`)
		}
		for _, d := range r.Deprivations {
			if d {
				out.WriteByte('1')
			} else {
				out.WriteByte('0')
			}
		}
		out.WriteByte('\t')
		out.WriteString(r.ClassEnd)
		out.WriteByte('\t')
		out.WriteString(r.Change)
		out.WriteByte('\n')
		return nil
	})
	if err != nil {
		return res, err
	}
	if !ok {
		return res, errBulkGiveUp
	}
	res.Rows = rows
	return res, out.Flush()
}

// insert moves the loader files into raw_household in one statement, each
// household's unit code from its part's list.
func (b *bulkLoad) insert(w *store.Writer, id int64, l *load) error {
	depList := "NULL::BOOLEAN[]"
	if b.deps > 0 {
		items := make([]string, b.deps)
		for i := range items {
			items[i] = fmt.Sprintf("deprivations[%d] = '1'", i+1)
		}
		depList = "CASE WHEN deprivations IS NULL THEN NULL ELSE [" + strings.Join(items, ", ") + "] END"
	}
	args := []any{id, l.form.Sheet, l.year, l.standard, string(l.stage)}
	var paths, when []string
	for i, p := range b.parts {
		args = append(args, p.units)
		when = append(when, fmt.Sprintf("WHEN %d THEN ($%d::VARCHAR[])[(unit & %d) + 1]", i, len(args), 1<<unitBits-1))
		paths = append(paths, sqlString(p.path))
	}
	q := fmt.Sprintf(`INSERT INTO raw_household (%s)
		SELECT $1, $2, line, $3, $4, $5, CASE unit >> %d %s END, household_id, village, head_name, head_id_hash, ethnicity, area,
			members, b1_score, income_per_capita, %s, class_end, change
		FROM read_csv([%s], delim = '\t', quote = '', escape = '', comment = '', nullstr = '\N', header = false,
			auto_detect = false, strict_mode = true, null_padding = false, columns = %s)`,
		strings.Join(householdColumns, ", "), unitBits, strings.Join(when, " "), depList, strings.Join(paths, ", "), bulkColumns)
	// Each row carries its file line (source_row): the physical order of
	// raw_household means nothing, and DuckDB may insert out of order.
	var res sql.Result
	err := w.Unordered(func() error {
		var err error
		res, err = w.Exec(q, args...)
		return err
	})
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || int(n) != b.rows {
		return fmt.Errorf("bulk insert: %d of %d households written (%v)", n, b.rows, err)
	}
	return nil
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
