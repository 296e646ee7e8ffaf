package ingest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"rasoat/ingest/problem"
	"rasoat/ingest/sheet"
	"rasoat/review"
	"rasoat/store"
)

// Options are what the command line (or the upload form) says about the
// files. Non-zero values override the files' own metadata; a file that
// states something else is rejected.
type Options struct {
	Year     int
	Stage    review.Stage
	Standard string
	Unit     string // reporting unit code
	// Scope, when set, is the code of the unit the loading officer belongs
	// to: a form whose reporting unit or rows lie outside it is refused
	// (E_OUT_OF_SCOPE). Empty means the whole database (the command line).
	Scope  string
	DryRun bool
	// Partial: the files correct only the units they hold; the other units
	// of the files they supersede keep counting. Without it a file that
	// holds fewer units than the ones it supersedes is refused
	// (E_FEWER_UNITS): a list cut short must not silently drop units.
	Partial  bool
	LoadedBy string
	// IDKey keys the hash of household heads' ID numbers. Without a key a
	// household list is refused: raw ID numbers must never be stored.
	IDKey    []byte
	MaxBytes int64 // largest file accepted; 0 = DefaultMaxBytes
	// Limits against hostile files, each refused with its own code:
	// E_TOO_MANY_ROWS, E_TOO_MANY_COLUMNS, E_ZIP_BOMB. 0 = the sheet
	// package's defaults.
	MaxRows, MaxCols int
	MaxUnzipped      int64
	// Progress, when set, hears how far the reading of a long file is:
	// rows read so far and, when it can be known cheaply (CSV), the total.
	Progress func(file string, rows, total int)
	Now      func() time.Time
	// fullReader turns the bulk path for plain household lists (bulk.go)
	// off, so tests can hold its results against the full reader's.
	fullReader bool
}

// DefaultMaxBytes is the largest file accepted without --max-bytes: a
// 2-million-row household export is about 300 MB, so 1 GiB leaves room for
// wide lists while the file (read whole into memory) still fits an old
// laptop. The other limits are sheet.DefaultMaxRows, DefaultMaxCols and
// DefaultMaxUnzipped; a zip bomb is caught by its compression ratio long
// before the size limit (sheet/zipguard.go).
const DefaultMaxBytes int64 = 1 << 30

// Status is the outcome of one file.
type Status string

const (
	Accepted  Status = "accepted"
	Rejected  Status = "rejected"
	Unchanged Status = "unchanged" // the same bytes were loaded before
	Validated Status = "validated" // --dry-run: would be accepted
)

// FormReport describes one form loaded from a file.
type FormReport struct {
	Sheet    string      `json:"sheet,omitempty"`
	Form     review.Form `json:"form"`
	Year     int         `json:"year"`
	Standard string      `json:"standard"`
	Stage    string      `json:"stage"`
	Unit     string      `json:"unit"`
	UnitName string      `json:"unit_name"`
	Rows     int         `json:"rows"`
}

// FileReport is what an officer is told about one file.
type FileReport struct {
	File     string       `json:"file"`
	Status   Status       `json:"status"`
	SHA256   string       `json:"sha256,omitempty"`
	FileID   int64        `json:"file_id,omitempty"`
	Forms    []FormReport `json:"forms,omitempty"`
	Problems problem.List `json:"problems,omitempty"`
	// attempt is what the file was for, as far as known: recorded if refused.
	attempt attempt
}

// Summary is the one line printed per file.
func (r *FileReport) Summary() string {
	switch r.Status {
	case Rejected:
		if p := r.Problems.First(); p != nil {
			return fmt.Sprintf("%s: bị từ chối (rejected): %s", r.File, p.Error())
		}
		return r.File + ": bị từ chối (rejected)"
	case Unchanged:
		return fmt.Sprintf("%s: đã nạp trước đó, không thay đổi (unchanged, file_id %d)", r.File, r.FileID)
	}
	var parts []string
	rows := 0
	for _, f := range r.Forms {
		parts = append(parts, fmt.Sprintf("biểu %s %d %s %s", f.Form, f.Year, f.Stage, f.UnitName))
		rows += f.Rows
	}
	word := "đã nạp (accepted)"
	if r.Status == Validated {
		word = "hợp lệ, chưa ghi (dry run)"
	}
	s := fmt.Sprintf("%s: %s, %d dòng: %s", r.File, word, rows, strings.Join(parts, "; "))
	if n := countSeverity(r.Problems, problem.Finding); n > 0 {
		s += fmt.Sprintf("; %d phát hiện (findings)", n)
	}
	if n := countSeverity(r.Problems, problem.Warning); n > 0 {
		s += fmt.Sprintf("; %d cảnh báo", n)
	}
	return s
}

func countSeverity(l problem.List, s problem.Severity) int {
	n := 0
	for _, p := range l {
		if p.Severity == s {
			n++
		}
	}
	return n
}

// Ingester loads files into one database. It is safe for concurrent use;
// files are written one transaction at a time by DuckDB itself.
type Ingester struct {
	db  *store.DB
	opt Options
	*refCache
	macs *sync.Pool // keyed hashes of ID numbers, reused: one per row is costly
}

// refCache holds what is read from the reference tables; Ingesters made
// by With share it.
type refCache struct {
	mu      sync.Mutex
	version string             // of the reference tables the caches below were built from
	hier    map[int]*hierarchy // per review year
	cycles  map[string]string  // "year/standard-or-empty" → standard
}

// New returns an Ingester writing to db.
func New(db *store.DB, opt Options) *Ingester {
	if opt.MaxBytes == 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Ingester{db: db, opt: opt, refCache: &refCache{}, macs: &sync.Pool{}}
}

// Flags are what one upload or command says about its files.
type Flags struct {
	Year     int
	Stage    review.Stage
	Standard string
	Unit     string
	Scope    string // the officer's unit (Options.Scope)
	DryRun   bool
	Partial  bool   // the files correct only the units they hold (--partial)
	LoadedBy string // kept from the parent when empty
}

// With returns an Ingester for the same database, limits, key and caches
// whose per-file flags are f: the upload page gets one per request.
func (g *Ingester) With(f Flags) *Ingester {
	opt := g.opt
	opt.Year, opt.Stage, opt.Standard, opt.Unit, opt.Scope, opt.DryRun, opt.Partial = f.Year, f.Stage, f.Standard, f.Unit, f.Scope, f.DryRun, f.Partial
	if f.LoadedBy != "" {
		opt.LoadedBy = f.LoadedBy
	}
	return &Ingester{db: g.db, opt: opt, refCache: g.refCache, macs: g.macs}
}

// DB is the database the Ingester writes to.
func (g *Ingester) DB() *store.DB { return g.db }

// Paths expands files and directories (recursively, in name order) into the
// files to load: .xlsx, .xls, .csv and .parquet.
func Paths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || strings.HasPrefix(d.Name(), "~$") || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".xlsx", ".xls", ".csv", ".parquet":
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// File loads one file from disk.
func (g *Ingester) File(ctx context.Context, path string) *FileReport {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return rejected(name, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "không mở được tệp: " + err.Error()})
	}
	defer f.Close()
	return g.Reader(ctx, name, f)
}

func rejected(name string, p ...*problem.Problem) *FileReport {
	return &FileReport{File: name, Status: Rejected, Problems: p}
}

// Reader loads one file's bytes. Nothing is written unless the whole file
// is acceptable; a refused file leaves only a line in ingest_rejected
// (record.go), so the cycle's progress can tell "sent but refused" from
// "never sent".
func (g *Ingester) Reader(ctx context.Context, name string, r io.Reader) *FileReport {
	rep := g.reader(ctx, name, r)
	if rep.Status == Rejected {
		g.recordRejected(ctx, rep)
	}
	return rep
}

func (g *Ingester) reader(ctx context.Context, name string, r io.Reader) *FileReport {
	body, err := readAll(r, g.opt.MaxBytes+1)
	if err != nil {
		return rejected(name, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "không đọc được tệp: " + err.Error()})
	}
	if len(body) == 0 {
		return rejected(name, &problem.Problem{Code: problem.EFileEmpty, Severity: problem.Reject, File: name,
			Value: "0 byte", Message: "tệp rỗng: không có dữ liệu"})
	}
	if int64(len(body)) > g.opt.MaxBytes {
		return rejected(name, &problem.Problem{Code: problem.ETooLarge, Severity: problem.Reject, File: name,
			Value: "> " + sizeText(g.opt.MaxBytes), Expected: "≤ " + sizeText(g.opt.MaxBytes), Message: "tệp quá lớn"})
	}
	sum := sha256.Sum256(body)
	rep := &FileReport{File: name, SHA256: hex.EncodeToString(sum[:])}
	var prior int64
	switch err := g.db.QueryRowContext(ctx, `SELECT file_id FROM ingest_file WHERE sha256 = ?`, rep.SHA256).Scan(&prior); {
	case err == nil:
		rep.Status, rep.FileID = Unchanged, prior
		return rep
	case !errors.Is(err, sql.ErrNoRows):
		return rejected(name, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "lỗi cơ sở dữ liệu: " + err.Error()})
	}

	if err := g.syncCaches(ctx); err != nil {
		return rejected(name, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "lỗi cơ sở dữ liệu: " + err.Error()})
	}
	src := source{size: int64(len(body)), format: strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))}
	text := body
	if src.format == "parquet" {
		var p *problem.Problem
		if text, p = g.parquetCSV(ctx, name, body); p != nil {
			rep.Problems, rep.Status = append(rep.Problems, p), Rejected
			return rep
		}
		src.machine = true
	}
	if !g.opt.fullReader && g.bulkCSV(ctx, name, text, rep, src) {
		return rep
	}
	forms, probs := g.read(ctx, name, text)
	forms = mergeContinued(forms)
	if len(forms) > 0 {
		rep.attempt = g.guess(ctx, forms[0])
	}
	rep.Problems = append(rep.Problems, probs...)
	if len(forms) == 0 && !probs.Rejects() {
		rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.ENoForm, Severity: problem.Reject, File: name,
			Message: "không tìm thấy biểu A, B, C hoặc D nào trong tệp"})
	}
	// The forms are resolved and checked even when reading found errors:
	// every problem of the file is reported at once (up to maxProblems),
	// unless the file as a whole could not be read.
	var loads []*load
	if !wholeFileProblem(probs) {
		for _, f := range forms {
			if len(f.Rows) == 0 && len(f.Households) == 0 {
				rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.ENoRows, Severity: problem.Reject, File: name, Sheet: f.Sheet,
					Message: fmt.Sprintf("biểu %s chỉ có dòng tiêu đề, không có dòng số liệu nào", f.Meta.Form)})
				continue
			}
			l, probs := g.resolve(ctx, f)
			rep.Problems = append(rep.Problems, probs...)
			if l != nil {
				loads = append(loads, l)
			}
		}
	}
	if !rep.Problems.Rejects() {
		for _, l := range loads {
			rep.Problems = append(rep.Problems, g.checkCoverage(ctx, l)...)
		}
	}
	if !rep.Problems.Rejects() {
		p, err := g.checkLocks(ctx, loads)
		if err != nil {
			p = &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "lỗi cơ sở dữ liệu: " + err.Error()}
		}
		if p != nil {
			rep.Problems = append(rep.Problems, p)
		}
	}
	if rep.Problems.Rejects() {
		rep.Problems = capProblems(rep.Problems, maxProblems)
		rep.Status = Rejected
		return rep
	}
	rep.addForms(loads)
	if g.opt.DryRun {
		rep.Status = Validated
		return rep
	}
	id, err := g.write(ctx, rep, src.size, src.format, loads)
	if err != nil {
		rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name,
			Message: "không ghi được vào cơ sở dữ liệu, không có gì thay đổi: " + err.Error()})
		rep.Status = Rejected
		return rep
	}
	rep.Status, rep.FileID = Accepted, id
	return rep
}

// maxProblems bounds the problems reported of one file: enough to fix a
// file in one go, not so many that a file of garbage floods the page.
const maxProblems = 200

// capProblems keeps the first n problems, rejections first (they are what
// must be fixed), and says how many more there were.
func capProblems(l problem.List, n int) problem.List {
	if len(l) <= n {
		return l
	}
	sorted := make(problem.List, 0, len(l))
	for _, p := range l {
		if p.Severity == problem.Reject {
			sorted = append(sorted, p)
		}
	}
	for _, p := range l {
		if p.Severity != problem.Reject {
			sorted = append(sorted, p)
		}
	}
	file := l[0].File
	return append(sorted[:n:n], &problem.Problem{Code: problem.ETooManyProblems, Severity: problem.Warning, File: file,
		Value: fmt.Sprint(len(l) - n), Message: fmt.Sprintf("còn %d vấn đề khác không liệt kê: hãy sửa các lỗi trên rồi nạp lại", len(l)-n)})
}

// wholeFileProblem: the file could not be read as a whole (too large,
// unreadable, a zip bomb): its forms, if any, are not worth checking.
func wholeFileProblem(l problem.List) bool {
	for _, p := range l {
		switch p.Code {
		case problem.EFileUnreadable, problem.EFileFormat, problem.EZipBomb, problem.ETooManyRows, problem.ETooManyColumns, problem.ETooLarge,
			problem.ENoForm, problem.EHeaderNotFound, problem.EColumnMissing, problem.EColumnDuplicate:
			return true
		}
	}
	return false
}

// source is what a file's provenance records of it, and how its text reads.
type source struct {
	size    int64
	format  string // the file's extension: xlsx, csv, parquet…
	machine bool   // numbers written by a program (Parquet): "." is the decimal point
}

// addForms reports the forms about to be (or just) loaded.
func (r *FileReport) addForms(loads []*load) {
	for _, l := range loads {
		r.Forms = append(r.Forms, FormReport{Sheet: l.form.Sheet, Form: l.form.Meta.Form, Year: l.year, Standard: l.standard,
			Stage: string(l.stage), Unit: l.unit.Code, UnitName: l.unit.Name, Rows: l.dataRows()})
	}
}

func (g *Ingester) read(ctx context.Context, name string, body []byte) ([]sheet.Form, problem.List) {
	opt := sheet.Options{HashID: g.hashID, MaxRows: g.opt.MaxRows, MaxCols: g.opt.MaxCols, MaxUnzipped: g.opt.MaxUnzipped}
	if g.opt.Progress != nil {
		total := 0
		if ext := strings.ToLower(filepath.Ext(name)); ext == ".csv" || ext == ".txt" {
			total = max(bytes.Count(body, []byte{'\n'})-1, 0) // header line excluded; a cheap upper bound
		}
		opt.Progress = func(n int) { g.opt.Progress(name, n, total) }
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return sheet.ReadXLSX(ctx, name, bytesReader(body), opt)
	case ".csv", ".txt":
		return sheet.ReadCSV(ctx, name, bytesReader(body), opt)
	case ".xls":
		return nil, problem.List{{Code: problem.EFileFormat, Severity: problem.Reject, File: name,
			Message: "tệp Excel 97–2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dưới dạng .xlsx", Expected: ".xlsx"}}
	case ".parquet": // body is the CSV DuckDB made of it (parquetCSV)
		opt.MachineNumbers = true
		return sheet.ReadCSV(ctx, name, bytesReader(body), opt)
	}
	return nil, problem.List{{Code: problem.EFileFormat, Severity: problem.Reject, File: name,
		Message: "định dạng tệp không được hỗ trợ", Value: filepath.Ext(name), Expected: ".xlsx, .csv hoặc .parquet"}}
}

// hashID is the keyed hash (HMAC-SHA256) of a head's ID number: the same
// person hashes alike across files and years, and the number cannot be
// recovered without the key.
func (g *Ingester) hashID(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(g.opt.IDKey) == 0 {
		return ""
	}
	m, _ := g.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, g.opt.IDKey)
	}
	m.Reset()
	m.Write([]byte(raw))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	g.macs.Put(m)
	return out
}

// extraJSON renders a row's unknown columns; stored as text, never evaluated.
func extraJSON(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// readAll reads at most limit bytes of r. A file's size is known: reading
// into a buffer of that size at once spares the growing and copying that
// costs a tenth of a second on a large list.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	size := int64(512)
	if f, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size() + 1 // +1: the read that meets EOF
		}
	}
	r = io.LimitReader(r, limit)
	buf := make([]byte, 0, min(size, limit))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// sizeText renders a byte count for an officer: "100 MB", "512 KB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d byte", n)
}

// mergeContinued joins a summary form printed over several sheets into
// one: its rows are one list of units, checked for duplicates and against
// the total row on the last sheet together. Rows keep their own sheet.
// Household lists need no joining (no totals) and stay one form per sheet.
func mergeContinued(forms []sheet.Form) []sheet.Form {
	var out []sheet.Form
	for _, f := range forms {
		n := len(out)
		if !f.Continues || n == 0 || f.Meta.Form == review.FormD || out[n-1].Meta.Form != f.Meta.Form {
			out = append(out, f)
			continue
		}
		prev := &out[n-1]
		for len(prev.Extra) < len(prev.Rows) {
			prev.Extra = append(prev.Extra, nil)
		}
		prev.Rows = append(prev.Rows, f.Rows...)
		prev.Extra = append(prev.Extra, f.Extra...)
		prev.Problems = append(prev.Problems, f.Problems...)
		prev.Unknown = append(prev.Unknown, f.Unknown...)
	}
	return out
}
