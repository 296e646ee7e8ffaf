package sheet

import (
	"strings"
	"testing"
	"time"

	"rasoat/review"
)

// Every official printed header must map to its own field, whatever the
// order of columns, in a one-row header.
func TestMatchOfficialHeaders(t *testing.T) {
	for _, f := range []review.Form{review.FormA, review.FormB, review.FormC} {
		fields := review.Fields(f)
		for _, reverse := range []bool{false, true} {
			labels := []string{"STT", "Tên đơn vị"}
			for i := range fields {
				fd := fields[i]
				if reverse {
					fd = fields[len(fields)-1-i]
				}
				labels = append(labels, fd.Header)
			}
			h := matchForm(labels, f)
			if h.stt != 0 || h.name != 1 {
				t.Errorf("form %s: stt %d name %d", f, h.stt, h.name)
			}
			for i := range fields {
				want := fields[i].Name
				if reverse {
					want = fields[len(fields)-1-i].Name
				}
				if got := h.cols[i+2].name; got != want {
					t.Errorf("form %s reverse=%v: column %q → %q, want %q", f, reverse, labels[i+2], got, want)
				}
			}
		}
	}
}

// Header variants seen in real workbooks, as the joined label of each column.
func TestMatchVariants(t *testing.T) {
	for _, tc := range []struct {
		name   string
		form   review.Form
		labels []string
		want   []string // field per label ("" = none)
	}{
		{"B grouped with abbreviations", review.FormB,
			[]string{"Số hộ nghèo đầu kỳ", "Giảm trong kỳ Thoát nghèo →CN", "Giảm trong kỳ Thoát nghèo Vượt CN", "Giảm trong kỳ Giảm khác",
				"Tăng trong kỳ CN→N", "Tăng trong kỳ Tái nghèo", "Tăng trong kỳ PS mới", "Tăng trong kỳ Khác", "Số hộ nghèo cuối kỳ"},
			[]string{"poor_start", "poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other", "poor_in_from_near_poor",
				"poor_in_repoor", "poor_in_new", "poor_in_other", "poor_end"}},
		{"C grouped", review.FormC,
			[]string{"Số hộ cận nghèo đầu kỳ", "Giảm trong kỳ Thoát cận nghèo", "Giảm trong kỳ Trở thành hộ nghèo", "Giảm trong kỳ Giảm khác",
				"Tăng trong kỳ Hộ nghèo trở thành hộ cận nghèo", "Tăng trong kỳ Tái cận nghèo", "Tăng trong kỳ Phát sinh mới", "Tăng trong kỳ Tăng khác", "Số hộ cận nghèo cuối kỳ"},
			[]string{"near_poor_start", "near_poor_out_escaped", "near_poor_out_to_poor", "near_poor_out_other", "near_poor_in_from_poor",
				"near_poor_in_re", "near_poor_in_new", "near_poor_in_other", "near_poor_end"}},
		{"A short labels", review.FormA,
			[]string{"Tổng số hộ", "Hộ nghèo Số hộ", "Hộ nghèo Tỷ lệ (%)", "Số hộ cận nghèo", "Tỷ lệ hộ cận nghèo", "Số đơn thư khiếu nại"},
			[]string{"total_households", "poor_end", "poor_rate_reported", "near_poor_end", "near_poor_rate_reported", "complaints"}},
		{"A rate before count", review.FormA,
			[]string{"Tỷ lệ hộ nghèo (%)", "Số hộ nghèo", "Tỷ lệ hộ cận nghèo (%)", "Số hộ cận nghèo", "Tổng số hộ dân cư"},
			[]string{"poor_rate_reported", "poor_end", "near_poor_rate_reported", "near_poor_end", "total_households"}},
	} {
		h := matchForm(tc.labels, tc.form)
		for i, want := range tc.want {
			if got := h.cols[i].name; got != want {
				t.Errorf("%s: %q → %q, want %q", tc.name, tc.labels[i], got, want)
			}
		}
	}
}

func TestLabelWords(t *testing.T) {
	for in, want := range map[string]string{
		"CN→N":       "can ngheo thanh ngheo",
		"PS mới":     "phat sinh moi",
		"Vượt CN":    "vuot can ngheo",
		"Tỷ lệ (%)":  "ty le",
		"Tổng số NK": "tong so nhan khau",
	} {
		if got := strings.Join(labelWords(in), " "); got != want {
			t.Errorf("labelWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// gridOf splits fuzz input into rows ("\n") and cells ("|"), bounded.
func gridOf(s string) [][]string {
	var g [][]string
	for i, line := range strings.Split(s, "\n") {
		if i >= 40 {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) > 30 {
			cells = cells[:30]
		}
		g = append(g, cells)
	}
	return g
}

func FuzzFindHeader(f *testing.F) {
	f.Add("TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2019\nSTT|Đơn vị|Số hộ nghèo đầu kỳ|Giảm khác|Tái nghèo|Phát sinh mới|Tăng khác|Số hộ nghèo cuối kỳ\nA|B|1|2|3|4|5|6\n1|Xã A|5|1|0|0|0|4\n|Cộng|5|1|0|0|0|4")
	f.Add("STT|Mã hộ|Họ và tên chủ hộ|Thiếu hụt||\n|||1|2|3\n1|H1|A|x||1")
	f.Add("KẾT QUẢ RÀ SOÁT\nA|B|1|2|3\n1|x|1|2|3")
	f.Add("Số hộ cận nghèo|Tỷ lệ hộ nghèo|Số hộ nghèo|Tổng số hộ\n|||\n1|2|3|4")
	f.Add("UBND HUYỆN BUÔN ĐÔN - TỔNG HỢP DIỄN BIẾN HỘ NGHÈO NĂM 2018\nSTT|Đơn vị|Mã|Số hộ nghèo đầu kỳ|Giảm khác|Tái nghèo|Phát sinh mới|Tăng khác|Số hộ nghèo cuối kỳ\nA|B|C|1|2|3|4|5|(6)=1-2+3+4+5\nI|Huyện Buôn Đôn|652\n1|Xã A|24100|5|1|0|0|0|4\n2\n|Toàn huyện||5|1|0|0|0|4\n|Người lập biểu")
	f.Add("Số TT|Tên xã, phường|Hộ nghèo|Hộ cận nghèo|Tổng số hộ\n(1)|(2)|(3)|(4)|(5)\nII|Các xã|1|2|3\n1.|X. Ea Kao|1|2|3\n|Céng|1|2|3")
	f.Fuzz(func(t *testing.T, s string) {
		g := gridOf(s)
		start := time.Now()
		for _, merged := range []bool{false, true} {
			h, ok := findHeader(g, 0, "", merged)
			if !ok {
				continue
			}
			if h.top > h.bottom || h.bottom >= h.body || h.body > len(g) {
				t.Fatalf("rows top %d bottom %d body %d of %d", h.top, h.bottom, h.body, len(g))
			}
			seen := map[string]bool{}
			for c, sp := range h.cols {
				if c < 0 || c >= width(g, 0, len(g)-1) {
					t.Fatalf("column %d outside the grid", c)
				}
				if seen[sp.name] {
					t.Fatalf("field %s mapped twice", sp.name)
				}
				seen[sp.name] = true
			}
		}
		forms, _ := readGrid(g, textSource{}, loc{file: "f"}, Options{}, false)
		for _, fm := range forms {
			for _, rc := range fm.Explain.Rows {
				if rc.Row < 1 || rc.Row > len(g) || rc.Class == "" || rc.Reason == "" {
					t.Fatalf("row class %+v outside a grid of %d rows or without a reason", rc, len(g))
				}
			}
			if len(fm.Extra) != len(fm.Rows)+len(fm.Households) {
				t.Fatalf("extra %d for %d rows", len(fm.Extra), len(fm.Rows)+len(fm.Households))
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("slow: %v", d)
		}
	})
}
