package dashboards

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"rasoat/anomaly"
	"rasoat/query"
)

// Exports of the inspector pages: each commune chart's numbers as CSV (the
// same format as the overview's, see csv.go), and the list as an Excel
// workbook that keeps the filters and the reasons. No row cap.

func (f csvFormat) optNum(v *float64) string {
	if v == nil {
		return ""
	}
	return f.num(*v)
}

func optInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func (s *server) inspectCSV(c *gin.Context) {
	code, year, stage, ok := communeParams(c)
	file := c.Param("file")
	if !ok || !map[string]bool{"lich-su.csv": true, "so-sanh.csv": true, "bien-dong.csv": true, "bang-chung.csv": true}[file] {
		s.errorPage(c, http.StatusNotFound, "Không tìm thấy trang", "Không có tệp xuất này.")
		return
	}
	ce, err := s.q.Commune(c.Request.Context(), year, stage, code)
	if err != nil {
		s.inspectError(c, err)
		return
	}
	f := csvFormatOf(c)
	note := ""
	if ce.Synthetic {
		note = syntheticNote
	}
	var rows [][]string
	switch file {
	case "lich-su.csv":
		rows = [][]string{{"Mã xã", "Tên xã", "Năm", "Chuẩn nghèo", "Giai đoạn", "Được tính", "Năm gốc", "Tổng số hộ",
			"Số hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Số hộ cận nghèo", "Tỷ lệ hộ cận nghèo (%)", "Giảm nghèo (điểm %)", "Ghi chú"}}
		for _, p := range ce.History {
			rows = append(rows, []string{cell(ce.UnitCode), cell(ce.UnitName), strconv.Itoa(p.Year), standardLabel(p.Standard),
				stageLabel(p.Stage), yesNo(p.Counted), yesNo(p.IsBaseline), optInt(p.Households), optInt(p.Poor), f.optNum(p.PoorRate),
				optInt(p.NearPoor), f.optNum(p.NearPoorRate), f.optNum(p.ReductionPP), note})
		}
	case "so-sanh.csv":
		rows = [][]string{{"Mã xã", "Tên xã", "Xã đang xem", "Năm", "Giai đoạn", "Tổng số hộ", "Số hộ nghèo",
			"Tỷ lệ hộ nghèo (%)", "Giảm nghèo (điểm %)", "Ghi chú"}}
		for _, p := range ce.Peers {
			rows = append(rows, []string{cell(p.UnitCode), cell(p.UnitName), yesNo(p.Self), strconv.Itoa(year), stageLabel(stage),
				optInt(p.Households), optInt(p.Poor), f.optNum(p.PoorRate), f.optNum(p.ReductionPP), note})
		}
	case "bien-dong.csv":
		rows = [][]string{{"Mã xã", "Tên xã", "Năm", "Giai đoạn", "Biểu", "Cột", "Mã cột", "Số hộ", "Ghi chú"}}
		if fl := ce.Flows; fl != nil {
			for _, part := range []struct {
				form  string
				items []query.FlowItem
			}{{"Biểu 02 (hộ nghèo)", fl.Poor}, {"Biểu 03 (hộ cận nghèo)", fl.NearPoor}} {
				for _, it := range part.items {
					rows = append(rows, []string{cell(ce.UnitCode), cell(ce.UnitName), strconv.Itoa(year), stageLabel(stage),
						part.form, it.Label, it.Field, optInt(it.Value), note})
				}
			}
		}
	case "bang-chung.csv":
		rows = [][]string{{"Mã xã", "Tên xã", "Năm", "Giai đoạn", "Mã quy tắc", "Nhóm", "Quy tắc", "Giá trị quan sát",
			"Giá trị kỳ vọng", "Cận dưới", "Cận trên", "Ngưỡng", "Điểm", "Lý do", "Ghi chú"}}
		for _, e := range ce.Evidence {
			rows = append(rows, []string{cell(ce.UnitCode), cell(ce.UnitName), strconv.Itoa(year), stageLabel(stage),
				cell(e.RuleID), cell(e.Family), cell(e.Title), f.optNum(e.Observed), f.optNum(e.Expected), f.optNum(e.Lower),
				f.optNum(e.Upper), f.optNum(e.Threshold), f.num(e.Score), cell(e.Reason), note})
		}
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = f.sep
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		s.log.ErrorContext(c.Request.Context(), "csv", "err", err.Error())
		s.errorPage(c, http.StatusInternalServerError, "Đã xảy ra lỗi", "Không tạo được tệp CSV.")
		return
	}
	fn := fmt.Sprintf("phuc-tra-%s-%s-%d-%s", strings.TrimSuffix(file, ".csv"), unsafeFileChars.ReplaceAllString(code, "_"), year,
		unsafeFileChars.ReplaceAllString(stage, "_"))
	c.Header("Content-Disposition", `attachment; filename="`+fn+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func yesNo(b bool) string {
	if b {
		return "có"
	}
	return "không"
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Sheet names of the workbook.
const (
	sheetList     = "Danh sách"
	sheetEvidence = "Bằng chứng"
)

func (s *server) inspectExcel(c *gin.Context) {
	ctx := c.Request.Context()
	l, err := s.q.Flags(ctx, flagFilter(c))
	if err != nil {
		s.inspectError(c, err)
		return
	}
	ev, err := s.q.FlagEvidence(ctx, l)
	if err != nil {
		s.inspectError(c, err)
		return
	}
	x, err := flagWorkbook(l, ev, fmtDateTime(s.now().In(vnZone)))
	if err != nil {
		s.log.ErrorContext(ctx, "xlsx", "err", err.Error())
		s.errorPage(c, http.StatusInternalServerError, "Đã xảy ra lỗi", "Không tạo được tệp Excel.")
		return
	}
	defer x.Close()
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		s.log.ErrorContext(ctx, "xlsx", "err", err.Error())
		s.errorPage(c, http.StatusInternalServerError, "Đã xảy ra lỗi", "Không tạo được tệp Excel.")
		return
	}
	fn := fmt.Sprintf("phuc-tra-%d-%s.xlsx", l.Filter.Year, unsafeFileChars.ReplaceAllString(l.Filter.Stage, "_"))
	c.Header("Content-Disposition", `attachment; filename="`+fn+`"`)
	c.Data(http.StatusOK, xlsxType, buf.Bytes())
}

// flagWorkbook writes the list (with the filters that made it at the top)
// and the evidence of every listed commune. Numbers are numbers, so Excel
// shows them in the reader's own format; text cells are strings and never
// formulas, so a hostile name stays text.
func flagWorkbook(l *query.FlagList, ev []query.Evidence, generated string) (*excelize.File, error) {
	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", sheetList); err != nil {
		return nil, err
	}
	if _, err := x.NewSheet(sheetEvidence); err != nil {
		return nil, err
	}
	f := l.Filter
	all := func(v, label string) string {
		if v == "" {
			return "tất cả"
		}
		return label
	}
	district := f.District
	for _, d := range l.Districts {
		if d.Code == f.District {
			district = d.Name + " (" + d.Code + ")"
		}
	}
	rule := f.Rule
	for _, r := range l.Rules {
		if r.ID == f.Rule {
			rule = r.ID + " — " + r.Title
		}
	}
	head := [][]any{
		{"Danh sách xã cần phúc tra"},
		{"Năm", f.Year},
		{"Giai đoạn", stageLabel(f.Stage)},
		{"Huyện", all(f.District, district)},
		{"Quy tắc", all(f.Rule, rule)},
		{"Mức độ", all(f.Severity, f.Severity)},
		{"Số xã", fmt.Sprintf("%d / %d xã bị gắn cờ trong kỳ", len(l.Flags), l.Total)},
		{"Tạo lúc", generated},
	}
	if l.Synthetic {
		head = append(head, []any{"Lưu ý", syntheticNote})
	}
	// the columns, ranks and empty cells of the command line's workbook
	// (anomaly.ListCells): one list, one rank (the period's), one layout
	list := anomaly.FromQuery(l.Flags, ev)
	head = append(head, []any{}, strs(anomaly.ListHeader()))
	rows := head
	for _, r := range list {
		rows = append(rows, anomaly.ListCells(r))
	}
	if err := writeRows(x, sheetList, rows); err != nil {
		return nil, err
	}
	rows = [][]any{strs(anomaly.EvidenceHeader())}
	for _, r := range list {
		for _, e := range r.Evidence {
			rows = append(rows, anomaly.EvidenceCells(r, e))
		}
	}
	if err := writeRows(x, sheetEvidence, rows); err != nil {
		return nil, err
	}
	return x, nil
}

func strs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func writeRows(x *excelize.File, sheet string, rows [][]any) error {
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		addr, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		// Strings go in as strings (SetSheetRow never makes a formula).
		if err := x.SetSheetRow(sheet, addr, &r); err != nil {
			return fmt.Errorf("ghi trang %s dòng %d: %w", sheet, i+1, err)
		}
	}
	return nil
}
