package ingest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	DryRun   bool
	LoadedBy string
	// IDKey keys the hash of household heads' ID numbers. Without a key a
	// household list is refused: raw ID numbers must never be stored.
	IDKey    []byte
	MaxBytes int64 // largest file accepted; 0 = 100 MiB
	Now      func() time.Time
}

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

	mu      sync.Mutex
	version string             // of the reference tables the caches below were built from
	hier    map[int]*hierarchy // per review year
	cycles  map[string]string  // "year/standard-or-empty" → standard
}

// New returns an Ingester writing to db.
func New(db *store.DB, opt Options) *Ingester {
	if opt.MaxBytes == 0 {
		opt.MaxBytes = 100 << 20
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Ingester{db: db, opt: opt}
}

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
// is acceptable.
func (g *Ingester) Reader(ctx context.Context, name string, r io.Reader) *FileReport {
	body, err := io.ReadAll(io.LimitReader(r, g.opt.MaxBytes+1))
	if err != nil {
		return rejected(name, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name, Message: "không đọc được tệp: " + err.Error()})
	}
	if int64(len(body)) > g.opt.MaxBytes {
		return rejected(name, &problem.Problem{Code: problem.ETooLarge, Severity: problem.Reject, File: name,
			Expected: fmt.Sprintf("≤ %d MB", g.opt.MaxBytes>>20), Message: "tệp quá lớn"})
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
	forms, probs := g.read(ctx, name, body)
	rep.Problems = append(rep.Problems, probs...)
	if probs.Rejects() {
		rep.Status = Rejected
		return rep
	}
	if len(forms) == 0 {
		rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.ENoForm, Severity: problem.Reject, File: name,
			Message: "không tìm thấy biểu A, B, C hoặc D nào trong tệp"})
		rep.Status = Rejected
		return rep
	}
	var loads []*load
	for _, f := range forms {
		l, probs := g.resolve(ctx, f)
		rep.Problems = append(rep.Problems, probs...)
		if l != nil {
			loads = append(loads, l)
		}
	}
	if rep.Problems.Rejects() {
		rep.Status = Rejected
		return rep
	}
	for _, l := range loads {
		rep.Forms = append(rep.Forms, FormReport{Sheet: l.form.Sheet, Form: l.form.Meta.Form, Year: l.year, Standard: l.standard,
			Stage: string(l.stage), Unit: l.unit.Code, UnitName: l.unit.Name, Rows: l.dataRows()})
	}
	if g.opt.DryRun {
		rep.Status = Validated
		return rep
	}
	id, err := g.write(ctx, rep, int64(len(body)), strings.ToLower(strings.TrimPrefix(filepath.Ext(name), ".")), loads)
	if err != nil {
		rep.Problems = append(rep.Problems, &problem.Problem{Code: problem.EFileUnreadable, Severity: problem.Reject, File: name,
			Message: "không ghi được vào cơ sở dữ liệu, không có gì thay đổi: " + err.Error()})
		rep.Status = Rejected
		return rep
	}
	rep.Status, rep.FileID = Accepted, id
	return rep
}

func (g *Ingester) read(ctx context.Context, name string, body []byte) ([]sheet.Form, problem.List) {
	opt := sheet.Options{HashID: g.hashID}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return sheet.ReadXLSX(ctx, name, bytesReader(body), opt)
	case ".csv", ".txt":
		return sheet.ReadCSV(ctx, name, bytesReader(body), opt)
	case ".xls":
		return nil, problem.List{{Code: problem.EFileFormat, Severity: problem.Reject, File: name,
			Message: "tệp Excel 97–2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dưới dạng .xlsx", Expected: ".xlsx"}}
	case ".parquet":
		return g.readParquet(ctx, name, body, opt)
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
	m := hmac.New(sha256.New, g.opt.IDKey)
	m.Write([]byte(raw))
	return hex.EncodeToString(m.Sum(nil))
}

// extraJSON renders a row's unknown columns; stored as text, never evaluated.
func extraJSON(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return string(b)
}
