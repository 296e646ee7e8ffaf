package dashboards

import (
	"bytes"
	"crypto/subtle"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"rasoat/notebook"
	rsql "rasoat/sql"
	"rasoat/store"
)

// The analysts' notebook (/so-tay): SQL and markdown cells edited in the
// browser, each SQL cell run in the sandbox (store.Sandbox: a worker
// process on the analyst snapshot, with the limits the admin gave to
// rasoat serve), results paged, charted and exported. Notebooks are .sql
// files (package notebook): opened from and saved to the analyst's
// computer, so the server keeps no analyst state.

const (
	notebookPage   = 100     // rows per page in the browser
	maxNotebookSQL = 1 << 20 // bytes of one uploaded notebook or cell
)

func (s *server) notebookRoutes(r *gin.Engine, sb *store.Sandbox) {
	r.GET("/so-tay", func(c *gin.Context) { s.notebookPage(c, sb) })
	r.GET("/so-tay/mau/:name", s.notebookSample)
	r.POST("/so-tay/chay", func(c *gin.Context) { s.notebookRun(c, sb) })
	r.POST("/so-tay/xuat/:fmt", func(c *gin.Context) { s.notebookExport(c, sb) })
	r.POST("/so-tay/mo", s.notebookOpen)
	r.POST("/so-tay/luu", s.notebookSave)
}

type notebookView struct {
	pageBase
	Cells   []notebook.Cell
	Samples []string
	Sample  string
	Limits  string
	Enabled bool
}

func shippedNotebooks() (map[string]string, []string) {
	files, _ := rsql.Notebooks()
	m := map[string]string{}
	var names []string
	for _, f := range files {
		n := strings.TrimPrefix(f.Name, "notebooks/")
		m[n] = f.Text
		names = append(names, n)
	}
	return m, names
}

func (s *server) notebookPage(c *gin.Context, sb *store.Sandbox) {
	files, names := shippedNotebooks()
	v := notebookView{pageBase: s.base(c, s.auth, "Sổ tay SQL"), Samples: names, Enabled: sb != nil}
	v.Sample = c.Query("mau")
	if _, ok := files[v.Sample]; !ok && len(names) > 0 {
		v.Sample = names[0]
	}
	v.Cells = notebook.Parse(files[v.Sample])
	if sb != nil {
		l := sb.Limits()
		v.Limits = fmt.Sprintf("mỗi truy vấn tối đa %s giây, bộ nhớ %s MB, %s dòng kết quả",
			fmtInt(int64(l.Timeout/time.Second)), fmtInt(l.MaxMemory>>20), fmtInt(int64(l.MaxRows)))
	}
	if provs, err := s.q.Provinces(c.Request.Context()); err == nil {
		for _, p := range provs {
			v.Synthetic = v.Synthetic || p.Synthetic
		}
	}
	s.render(c, http.StatusOK, "notebook.html", v)
}

func (s *server) notebookSample(c *gin.Context) {
	files, _ := shippedNotebooks()
	text, ok := files[c.Param("name")]
	if !ok {
		s.errorPage(c, http.StatusNotFound, "Không tìm thấy trang", "Không có sổ tay mẫu này.")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+unsafeFileChars.ReplaceAllString(strings.TrimSuffix(c.Param("name"), ".sql"), "_")+`.sql"`)
	c.Data(http.StatusOK, "application/sql; charset=utf-8", []byte(text))
}

// notebookWriter checks a notebook POST: same site and the session's CSRF
// token (header for fetch, form field for a download form). The access
// table has already checked the role.
func (s *server) notebookWriter(c *gin.Context) bool {
	sess, ok := s.auth.current(c)
	tok := c.GetHeader("X-CSRF-Token")
	if tok == "" {
		tok = c.PostForm("csrf")
	}
	if !ok || !sameOrigin(c) || subtle.ConstantTimeCompare([]byte(tok), []byte(s.auth.csrf(sess))) != 1 {
		c.JSON(http.StatusForbidden, gin.H{"error": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang."})
		return false
	}
	return true
}

type runRequest struct {
	SQL    string `json:"sql"`
	Offset int    `json:"offset"`
}

type runReply struct {
	Columns []string `json:"columns"`
	Types   []string `json:"types"`
	Rows    [][]any  `json:"rows"`
	Offset  int      `json:"offset"`
	More    bool     `json:"more"`
	Millis  int64    `json:"ms"`
	Error   string   `json:"error,omitempty"`
}

func (s *server) notebookRun(c *gin.Context, sb *store.Sandbox) {
	if !s.notebookWriter(c) {
		return
	}
	if sb == nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "Máy chủ chưa có bản chụp dữ liệu phân tích."})
		return
	}
	var req runRequest
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, maxNotebookSQL)).Decode(&req); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "Yêu cầu không hợp lệ."})
		return
	}
	c.Set(auditDetail, req.SQL)
	t0 := time.Now()
	res, err := sb.QueryPage(c.Request.Context(), req.SQL, req.Offset, notebookPage)
	if err != nil {
		status := http.StatusUnprocessableEntity
		var ref *store.ErrRefused
		if errors.As(err, &ref) {
			status = http.StatusBadRequest
		}
		c.JSON(status, runReply{Error: err.Error(), Millis: time.Since(t0).Milliseconds()})
		return
	}
	c.JSON(http.StatusOK, runReply{Columns: res.Columns, Types: res.Types, Rows: orEmpty(res.Rows), Offset: res.Offset,
		More: res.Truncated, Millis: time.Since(t0).Milliseconds()})
}

func orEmpty(r [][]any) [][]any {
	if r == nil {
		return [][]any{}
	}
	return r
}

// notebookExport answers a result as a file: every row up to the admin's
// row limit (one sandbox page of MaxRows).
func (s *server) notebookExport(c *gin.Context, sb *store.Sandbox) {
	if !s.notebookWriter(c) {
		return
	}
	format := c.Param("fmt")
	if format != "csv" && format != "xlsx" && format != "parquet" {
		s.errorPage(c, http.StatusNotFound, "Không tìm thấy trang", "Không có định dạng xuất này.")
		return
	}
	if sb == nil {
		s.errorPage(c, http.StatusServiceUnavailable, "Chưa có dữ liệu", "Máy chủ chưa có bản chụp dữ liệu phân tích.")
		return
	}
	q := c.PostForm("sql")
	c.Set(auditDetail, q)
	res, err := sb.QueryPage(c.Request.Context(), q, 0, sb.Limits().MaxRows)
	if err != nil {
		s.errorPage(c, http.StatusUnprocessableEntity, "Truy vấn không chạy được", err.Error())
		return
	}
	var buf bytes.Buffer
	var ctype string
	switch format {
	case "csv":
		err, ctype = writeNotebookCSV(&buf, res), "text/csv; charset=utf-8"
	case "xlsx":
		err, ctype = writeNotebookXLSX(&buf, res), xlsxType
	case "parquet":
		err, ctype = store.WriteParquet(c.Request.Context(), &buf, res), "application/vnd.apache.parquet"
	}
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "notebook export", "err", err.Error())
		s.errorPage(c, http.StatusInternalServerError, "Không xuất được", "Không tạo được tệp kết quả.")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="ket-qua.`+format+`"`)
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

// writeNotebookCSV writes with a BOM (Excel reads UTF-8 then) and text
// cells neutralised against formulas; numbers keep a decimal point.
func writeNotebookCSV(w io.Writer, res *store.Result) error {
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Write(res.Columns)
	rec := make([]string, len(res.Columns))
	for _, r := range res.Rows {
		for i, v := range r {
			switch x := v.(type) {
			case nil:
				rec[i] = ""
			case string:
				rec[i] = cell(x)
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeNotebookXLSX(w io.Writer, res *store.Result) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	head := make([]any, len(res.Columns))
	for i, c := range res.Columns {
		head[i] = c
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range res.Rows {
		row := make([]any, len(r))
		for j, v := range r {
			if s, ok := v.(string); ok {
				v = excelize.Cell{Value: s} // a string cell, never a formula
			}
			row[j] = v
		}
		at, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(at, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// notebookOpen reads an uploaded .sql notebook into cells.
func (s *server) notebookOpen(c *gin.Context) {
	if !s.notebookWriter(c) {
		return
	}
	fh, err := c.FormFile("tep")
	if err != nil || fh.Size > maxNotebookSQL {
		c.JSON(http.StatusBadRequest, gin.H{"error": "Cần một tệp .sql dưới 1 MB."})
		return
	}
	f, err := fh.Open()
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "Không đọc được tệp."})
		return
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxNotebookSQL))
	c.JSON(http.StatusOK, gin.H{"cells": notebook.Parse(string(b))})
}

// notebookSave turns the cells the browser sends into a .sql file.
func (s *server) notebookSave(c *gin.Context) {
	if !s.notebookWriter(c) {
		return
	}
	var cells []notebook.Cell
	if err := json.Unmarshal([]byte(c.PostForm("cells")), &cells); err != nil {
		s.errorPage(c, http.StatusBadRequest, "Không hợp lệ", "Sổ tay gửi lên không đọc được.")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="so-tay.sql"`)
	c.Data(http.StatusOK, "application/sql; charset=utf-8", []byte(notebook.Format(cells)))
}
