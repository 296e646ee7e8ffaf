package anomaly

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/xuri/excelize/v2"

	"rasoat/review"
)

// ListHeader is the column header of the list in every workbook, the
// command line's and the web's (Vietnamese, for the inspectors who open
// the file); ListCells gives a row's cells in that order.
func ListHeader() []string {
	return []string{"Năm", "Giai đoạn", "Hạng", "Mã đơn vị", "Tên đơn vị", "Mã huyện", "Tên huyện", "Điểm",
		"Mức độ", "Số dấu hiệu", "Mã dấu hiệu", "Lý do chính"}
}

// EvidenceHeader is the column header of the evidence sheet in every
// workbook; EvidenceCells gives one fired rule's cells in that order.
func EvidenceHeader() []string {
	return []string{"Năm", "Giai đoạn", "Mã đơn vị", "Tên đơn vị", "Mã dấu hiệu", "Nhóm", "Dấu hiệu", "Quan sát",
		"Kỳ vọng", "Cận dưới", "Cận trên", "Ngưỡng", "Điểm", "Lý do"}
}

// ListCells is r's row of the list sheet: numbers stay numbers (Excel shows
// them in the reader's locale).
func ListCells(r Row) []any {
	return []any{r.Year, review.Stage(r.Stage).Vietnamese(), r.Rank, r.UnitCode, r.UnitName, r.DistrictCode, r.DistrictName,
		r.Score, r.Severity, len(r.Rules), strings.Join(r.Rules, " "), r.Reason}
}

// EvidenceCells is e's row of the evidence sheet; a rule without a number
// leaves its cell empty.
func EvidenceCells(r Row, e Evidence) []any {
	val := func(v Value) any {
		if math.IsNaN(float64(v)) {
			return nil
		}
		return float64(v)
	}
	return []any{r.Year, review.Stage(r.Stage).Vietnamese(), r.UnitCode, r.UnitName, e.RuleID, e.Family, e.Title,
		val(e.Observed), val(e.Expected), val(e.Lower), val(e.Upper), val(e.Threshold), e.Score, e.Reason}
}

// WriteTable writes the list for a terminal: one line per unit, then its
// evidence indented, one line per rule.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Hạng\tGiai đoạn\tMã\tĐơn vị\tHuyện\tĐiểm\tMức độ\tDấu hiệu")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Rank, review.Stage(r.Stage).Vietnamese(), r.UnitCode, r.UnitName,
			r.DistrictName, FormatVN(r.Score, 2), r.Severity, strings.Join(r.Rules, " "))
		for _, e := range r.Evidence {
			fmt.Fprintf(tw, "\t\t\t  %s\tquan sát %s\tkỳ vọng %s\tngưỡng %s\t%s\n", e.RuleID, dash(FormatVN(float64(e.Observed), 2)),
				dash(FormatVN(float64(e.Expected), 2)), dash(FormatVN(float64(e.Threshold), 2)), e.Reason)
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("ghi bảng: %w", err)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// WriteCSV writes one row per unit and rule (the unit's columns repeated),
// so a spreadsheet filter on a rule keeps its unit; numbers use a decimal
// point so that other tools read them back.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	head := []string{"year", "stage", "rank", "unit_code", "unit_name", "district_code", "district_name", "score",
		"severity", "rules", "reason_vi", "rule_id", "family", "observed", "expected", "lower", "upper", "threshold",
		"rule_score", "rule_reason_vi"}
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("ghi CSV: %w", err)
	}
	num := func(v Value) string {
		x := float64(v)
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	for _, r := range rows {
		base := []string{strconv.Itoa(r.Year), text(r.Stage), strconv.Itoa(r.Rank), text(r.UnitCode), text(r.UnitName), text(r.DistrictCode),
			text(r.DistrictName), num(Value(r.Score)), text(r.Severity), text(strings.Join(r.Rules, " ")), text(r.Reason)}
		for _, e := range r.Evidence {
			rec := append(append([]string{}, base...), text(e.RuleID), text(e.Family), num(e.Observed), num(e.Expected),
				num(e.Lower), num(e.Upper), num(e.Threshold), num(Value(e.Score)), text(e.Reason))
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("ghi CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("ghi CSV: %w", err)
	}
	return nil
}

// text neutralises a spreadsheet formula in a text cell: a unit name typed
// as "=HYPERLINK(…)" (names come from officers' files) must stay text when
// the CSV is opened in Excel. Numbers are written by num and never pass
// here, so a negative number keeps its sign.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteJSON writes the rows with their evidence; NaN becomes null.
func WriteJSON(w io.Writer, rows []Row) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rows); err != nil {
		return fmt.Errorf("ghi JSON: %w", err)
	}
	return nil
}

// WriteXLSX writes a workbook with the list on one sheet and the evidence on
// another, streamed, with no row cap. Numbers are numbers (Excel shows them
// in the reader's locale); the reasons keep Vietnamese notation.
func WriteXLSX(w io.Writer, rows []Row, title string) error {
	f := excelize.NewFile()
	defer f.Close()
	const list, evid = "Danh sách", "Bằng chứng"
	if err := f.SetSheetName("Sheet1", list); err != nil {
		return fmt.Errorf("tạo sheet: %w", err)
	}
	if _, err := f.NewSheet(evid); err != nil {
		return fmt.Errorf("tạo sheet: %w", err)
	}
	write := func(sheet string, head []string, body func(add func([]any) error) error) error {
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return fmt.Errorf("mở sheet %s: %w", sheet, err)
		}
		n := 1
		add := func(cells []any) error {
			cell, _ := excelize.CoordinatesToCellName(1, n)
			n++
			return sw.SetRow(cell, cells)
		}
		if err := add([]any{title}); err != nil {
			return err
		}
		h := make([]any, len(head))
		for i, s := range head {
			h[i] = s
		}
		if err := add(h); err != nil {
			return err
		}
		if err := body(add); err != nil {
			return fmt.Errorf("ghi sheet %s: %w", sheet, err)
		}
		return sw.Flush()
	}
	err := write(list, ListHeader(), func(add func([]any) error) error {
		for _, r := range rows {
			if err := add(ListCells(r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = write(evid, EvidenceHeader(), func(add func([]any) error) error {
		for _, r := range rows {
			for _, e := range r.Evidence {
				if err := add(EvidenceCells(r, e)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("ghi tệp Excel: %w", err)
	}
	return nil
}
