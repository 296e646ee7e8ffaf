package dashboards

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"rasoat/query"
)

// CSV exports.
//
// Default: the format Excel opens directly on a computer set to Vietnamese
// (vi-VN): UTF-8 with a byte-order mark (without it Excel reads the
// accents as Windows-1252), ";" between fields because "," is the decimal
// mark there, decimals with "," (12,81) and no thousands separator (a "."
// in 446.297 would read as a decimal point on an English-set Excel and as
// text in scripts). ?sep=comma gives the plain machine form instead: ","
// between fields and "." decimals, still with the BOM.
//
// Rates have the two decimals the page shows; counts are exact, so anyone
// re-aggregating does it from counts, as domain.md requires.

type csvFormat struct {
	sep rune
	dec string
}

func csvFormatOf(c *gin.Context) csvFormat {
	if c.Query("sep") == "comma" {
		return csvFormat{sep: ',', dec: "."}
	}
	return csvFormat{sep: ';', dec: ","}
}

func (f csvFormat) num(v float64) string {
	return strings.Replace(strconv.FormatFloat(round2(v), 'f', 2, 64), ".", f.dec, 1)
}

func (f csvFormat) opt(v *float64) string {
	if v == nil {
		return ""
	}
	return f.num(*v)
}

// cell neutralises spreadsheet formulas: a unit name typed as
// "=HYPERLINK(...)" must stay text when Excel opens the file.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

const syntheticNote = "Dữ liệu tổng hợp — không phải số liệu thật"

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func (s *server) exportOverview(c *gin.Context) {
	file := c.Param("file")
	if file != "trend.csv" && file != "ranking.csv" {
		s.errorPage(c, http.StatusNotFound, "Không tìm thấy trang", "Không có tệp xuất này.")
		return
	}
	_, ov, err := s.load(c)
	if err != nil {
		status, title, msg := s.loadError(c, err)
		s.errorPage(c, status, title, msg)
		return
	}
	f := csvFormatOf(c)
	var rows [][]string
	var name string
	if file == "trend.csv" {
		rows, name = trendCSV(ov, f), "xu-huong"
	} else {
		rows, name = rankingCSV(ov, f), "xep-hang"
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = f.sep
	w.UseCRLF = true // what Excel writes and expects
	if err := w.WriteAll(rows); err != nil {
		s.log.ErrorContext(c.Request.Context(), "csv", "err", err.Error())
		s.errorPage(c, http.StatusInternalServerError, "Đã xảy ra lỗi", "Không tạo được tệp CSV.")
		return
	}
	fn := fmt.Sprintf("tong-quan-%s-%s-%d.csv", name, unsafeFileChars.ReplaceAllString(ov.ProvinceCode, "_"), ov.Year)
	c.Header("Content-Disposition", `attachment; filename="`+fn+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func note(ov *query.Overview) string {
	if ov.Synthetic {
		return syntheticNote
	}
	return ""
}

func trendCSV(ov *query.Overview, f csvFormat) [][]string {
	rows := [][]string{{"Mã tỉnh", "Tỉnh", "Năm", "Chuẩn nghèo", "Năm gốc", "Số liệu", "Tổng số hộ",
		"Số hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Số hộ cận nghèo", "Tỷ lệ hộ cận nghèo (%)", "Giảm nghèo (điểm %)", "Ghi chú"}}
	for _, p := range ov.Trend {
		base := "không"
		if p.IsBaseline {
			base = "có"
		}
		rows = append(rows, []string{cell(ov.ProvinceCode), cell(ov.ProvinceName), strconv.Itoa(p.Year),
			standardLabel(p.Standard), base, stageLabel(p.Stage), strconv.FormatInt(p.Households, 10),
			strconv.FormatInt(p.Poor, 10), f.num(p.PoorRate), strconv.FormatInt(p.NearPoor, 10),
			f.num(p.NearPoorRate), f.opt(p.ReductionPP), note(ov)})
	}
	return rows
}

func rankingCSV(ov *query.Overview, f csvFormat) [][]string {
	rows := [][]string{{"Hạng", "Mã đơn vị", "Tên đơn vị", "Cấp", "Năm", "Chuẩn nghèo", "Tổng số hộ",
		"Số hộ nghèo", "Tỷ lệ hộ nghèo (%)", "Số hộ cận nghèo", "Tỷ lệ hộ cận nghèo (%)", "Giảm nghèo (điểm %)", "Ghi chú"}}
	for i, u := range ov.Ranking {
		rows = append(rows, []string{strconv.Itoa(i + 1), cell(u.Code), cell(u.Name), levelLabel(ov.RankingLevel),
			strconv.Itoa(ov.Year), standardLabel(ov.Standard), strconv.FormatInt(u.Households, 10),
			strconv.FormatInt(u.Poor, 10), f.num(u.PoorRate), strconv.FormatInt(u.NearPoor, 10),
			f.num(u.NearPoorRate), f.opt(u.ReductionPP), note(ov)})
	}
	return rows
}
