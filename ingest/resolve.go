package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"rasoat/ingest/problem"
	"rasoat/ingest/refdata"
	"rasoat/ingest/sheet"
	"rasoat/ingest/unitmatch"
	"rasoat/review"
)

// Unit is one administrative unit as ingest resolves it from ref_unit. The
// type belongs to ingest/refdata, the only writer of ref_* tables; ingest
// only reads them.
type Unit = refdata.Unit

// load is one form, resolved and checked, ready to write.
type load struct {
	form     sheet.Form
	year     int
	standard string
	stage    review.Stage
	unit     Unit     // the reporting unit
	codes    []string // per row of form.Rows (or form.Households): its unit code
	findings problem.List
	// bulk is set for a household list loaded in bulk (bulk.go):
	// form.Households then holds one household per distinct unit cell.
	bulk *bulkLoad
}

// totalRows counts the total and subtotal rows of a summary form (a
// household list has none).
func (l *load) totalRows() int {
	if l.form.Meta.Form == review.FormD {
		return 0
	}
	return len(l.form.Rows) - l.dataRows()
}

func (l *load) dataRows() int {
	if l.bulk != nil {
		return l.bulk.rows
	}
	if l.form.Meta.Form == review.FormD {
		return len(l.form.Households)
	}
	n := 0
	for _, r := range l.form.Rows {
		if !r.Total {
			n++
		}
	}
	return n
}

// hierarchy is the units valid on 31/12 of a review year.
type hierarchy struct {
	year    int
	byCode  map[string]Unit
	matcher *unitmatch.Matcher
}

// refVersion fingerprints the unit and cycle tables, so cached hierarchies
// are rebuilt when a units list is imported while a server runs.
func (g *Ingester) refVersion(ctx context.Context) (string, error) {
	var v string
	err := g.db.QueryRowContext(ctx, `SELECT concat_ws('/', (SELECT count(*) FROM ref_unit), (SELECT max(valid_from) FROM ref_unit),
		(SELECT count(valid_to) FROM ref_unit), (SELECT count(*) FROM ref_cycle), (SELECT string_agg(year || standard || is_default, ',') FROM ref_cycle))`).Scan(&v)
	return v, err
}

// syncCaches drops the caches when the reference tables changed.
func (g *Ingester) syncCaches(ctx context.Context) error {
	v, err := g.refVersion(ctx)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if v != g.version || g.hier == nil {
		g.version, g.hier, g.cycles = v, map[int]*hierarchy{}, map[string]string{}
	}
	return nil
}

func (g *Ingester) hierarchy(ctx context.Context, year int) (*hierarchy, error) {
	g.mu.Lock()
	h, ok := g.hier[year]
	g.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := g.loadHierarchy(ctx, year)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.hier[year] = h
	g.mu.Unlock()
	return h, nil
}

func (g *Ingester) loadHierarchy(ctx context.Context, year int) (*hierarchy, error) {
	rows, err := g.db.QueryContext(ctx, `SELECT unit_code, unit_name, level, coalesce(unit_type, ''), coalesce(parent_code, ''), province_code
		FROM ref_unit WHERE valid_from <= make_date(?, 12, 31) AND (valid_to IS NULL OR valid_to > make_date(?, 12, 31))`, year, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := &hierarchy{year: year, byCode: map[string]Unit{}}
	var mu []unitmatch.Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.Code, &u.Name, &u.Level, &u.Type, &u.Parent, &u.Province); err != nil {
			return nil, err
		}
		h.byCode[u.Code] = u
		mu = append(mu, unitmatch.Unit{Code: u.Code, Name: u.Name, Level: u.Level, ParentCode: u.Parent})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	aliases, err := Aliases()
	if err != nil {
		return nil, err
	}
	h.matcher = unitmatch.New(mu, aliases)
	return h, nil
}

// resolve settles a form's metadata and unit codes and checks its content.
func (g *Ingester) resolve(ctx context.Context, f sheet.Form) (*load, problem.List) {
	var probs problem.List
	at := func(code, field, value, expected, msg string) *problem.Problem {
		return &problem.Problem{Code: code, Severity: problem.Reject, File: f.File, Sheet: f.Sheet, Field: field, Value: value, Expected: expected, Message: msg}
	}
	l := &load{form: f}

	l.year = f.Meta.Year
	switch {
	case g.opt.Year != 0 && f.Meta.Year != 0 && g.opt.Year != f.Meta.Year:
		probs = append(probs, at(problem.EMetaConflict, "year", fmt.Sprint(f.Meta.Year), fmt.Sprint(g.opt.Year),
			fmt.Sprintf("tệp ghi năm %d nhưng lệnh chỉ định --year %d", f.Meta.Year, g.opt.Year)))
	case g.opt.Year != 0:
		l.year = g.opt.Year
	case l.year == 0:
		probs = append(probs, at(problem.EYearMissing, "year", "", "năm rà soát trong tiêu đề (\"NĂM 2019\") hoặc --year",
			"không xác định được năm rà soát"))
	}
	l.stage = f.Meta.Stage
	switch {
	case g.opt.Stage != "" && f.Meta.Stage != "" && g.opt.Stage != f.Meta.Stage:
		probs = append(probs, at(problem.EMetaConflict, "stage", f.Meta.Stage.Vietnamese(), g.opt.Stage.Vietnamese(),
			fmt.Sprintf("tệp ghi giai đoạn %q nhưng lệnh chỉ định --stage %s", f.Meta.Stage.Vietnamese(), g.opt.Stage)))
	case g.opt.Stage != "":
		l.stage = g.opt.Stage
	case l.stage == "":
		probs = append(probs, at(problem.EStageMissing, "stage", "", "\"sơ bộ\", \"chính thức\", \"phúc tra\" hoặc \"phê duyệt\" trong tiêu đề, hoặc --stage",
			"không xác định được giai đoạn (sơ bộ/chính thức…)"))
	}
	if l.stage == review.Approved {
		probs = append(probs, at(problem.EStageApproved, "stage", l.stage.Vietnamese(), "sơ bộ, chính thức hoặc sau phúc tra",
			"số liệu giai đoạn phê duyệt chỉ được tạo khi cấp trên phê duyệt trên hệ thống, không nạp từ tệp"))
	}
	if g.opt.Standard != "" && f.Meta.Standard != "" && g.opt.Standard != f.Meta.Standard {
		probs = append(probs, at(problem.EMetaConflict, "standard", f.Meta.Standard, g.opt.Standard, "tệp ghi chuẩn nghèo khác với --standard"))
	}
	if probs.Rejects() {
		return nil, probs
	}
	std, err := g.standardFor(ctx, l.year, firstNonEmpty(g.opt.Standard, f.Meta.Standard))
	if err != nil {
		return nil, append(probs, at(problem.ECycleUnknown, "standard", firstNonEmpty(g.opt.Standard, f.Meta.Standard), "", err.Error()))
	}
	l.standard = std

	h, err := g.hierarchy(ctx, l.year)
	if err != nil {
		return nil, append(probs, at(problem.EFileUnreadable, "", "", "", "lỗi cơ sở dữ liệu: "+err.Error()))
	}
	if len(h.byCode) == 0 {
		return nil, append(probs, at(problem.EUnitUnknown, "unit", "", "rasoat units import",
			fmt.Sprintf("chưa có danh mục đơn vị hành chính hiệu lực ngày 31/12/%d", l.year)))
	}
	unit, p := g.reportingUnit(f, h)
	if p != nil {
		return nil, append(probs, p)
	}
	l.unit = unit

	// Every check runs, whatever the others found: an officer fixes a
	// file once, not once per error.
	var checks problem.List
	if f.Meta.Form == review.FormD {
		probs = append(probs, l.matchHouseholds(h)...)
		checks = checkHouseholds(l)
	} else {
		probs = append(probs, l.matchRows(h)...)
		checks = checkRows(l)
	}
	for _, p := range checks {
		if p.Severity == problem.Reject {
			probs = append(probs, p)
		} else {
			l.findings = append(l.findings, p)
		}
	}
	if !probs.Rejects() {
		if p := g.checkScope(h, l); p != nil {
			probs = append(probs, p)
		}
	}
	if probs.Rejects() {
		return nil, probs
	}
	return l, append(probs, l.findings...)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// standardFor picks the cycle of a year: the named standard, or the year's
// default cycle (2021 has two: the last QĐ 59 review and the NĐ 07 baseline).
func (g *Ingester) standardFor(ctx context.Context, year int, named string) (string, error) {
	key := fmt.Sprintf("%d/%s", year, named)
	g.mu.Lock()
	std, ok := g.cycles[key]
	g.mu.Unlock()
	if ok {
		return std, nil
	}
	std, err := g.lookupStandard(ctx, year, named)
	if err == nil {
		g.mu.Lock()
		g.cycles[key] = std
		g.mu.Unlock()
	}
	return std, err
}

func (g *Ingester) lookupStandard(ctx context.Context, year int, named string) (string, error) {
	var std string
	var err error
	if named != "" {
		err = g.db.QueryRowContext(ctx, `SELECT standard FROM ref_cycle WHERE year = ? AND standard = ?`, year, named).Scan(&std)
	} else {
		err = g.db.QueryRowContext(ctx, `SELECT standard FROM ref_cycle WHERE year = ? ORDER BY is_default DESC, is_baseline LIMIT 1`, year).Scan(&std)
	}
	if err != nil {
		if named != "" {
			return "", fmt.Errorf("không có kỳ rà soát năm %d theo chuẩn %s (data/cycles.csv)", year, named)
		}
		return "", fmt.Errorf("không có kỳ rà soát nào cho năm %d (data/cycles.csv)", year)
	}
	return std, nil
}

// reportingUnit finds who sent the form: --unit, else the issuing body of
// the title block ("UBND HUYỆN M'ĐRẮK"), else the common parent of the rows'
// codes (tidy exports).
func (g *Ingester) reportingUnit(f sheet.Form, h *hierarchy) (Unit, *problem.Problem) {
	fail := func(code, value, msg string, cands []string) *problem.Problem {
		p := &problem.Problem{Code: code, Severity: problem.Reject, File: f.File, Sheet: f.Sheet, Field: "unit", Value: value, Message: msg}
		if len(cands) > 0 {
			p.Expected = "một trong: " + strings.Join(cands, ", ")
		}
		return p
	}
	if g.opt.Unit != "" {
		u, ok := h.byCode[g.opt.Unit]
		if !ok {
			return Unit{}, fail(problem.EUnitUnknown, g.opt.Unit, fmt.Sprintf("mã đơn vị --unit %s không có trong danh mục năm %d", g.opt.Unit, h.year), nil)
		}
		if f.Meta.IssuerName != "" && f.Meta.IssuerLevel == u.Level {
			if code, err := h.matcher.Match(f.Meta.IssuerName, u.Level, ""); err == nil && code != u.Code {
				return Unit{}, fail(problem.EMetaConflict, f.Meta.IssuerName, fmt.Sprintf("tệp do %q lập nhưng lệnh chỉ định --unit %s (%s)", f.Meta.IssuerName, u.Code, u.Name), nil)
			}
		}
		return u, nil
	}
	if f.Meta.IssuerName != "" && f.Meta.IssuerLevel != "" {
		code, err := h.matcher.Match(f.Meta.IssuerName, f.Meta.IssuerLevel, "")
		if err != nil {
			return Unit{}, fail(unitErrCode(err), f.Meta.IssuerName, "không xác định được đơn vị báo cáo: "+err.Error(), nil)
		}
		return h.byCode[code], nil
	}
	// Exports carry codes: the reporting unit is the rows' common parent.
	// A list of one commune's households is that commune's, as a form of
	// one row is: a commune's corrected list must not count as its
	// district's list cut short (E_FEWER_UNITS).
	parents := map[string]bool{}
	var only string
	communes := map[string]bool{}
	for _, r := range f.Rows {
		if u, ok := h.byCode[r.UnitCode]; ok && !r.Total {
			parents[u.Parent] = true
			only = u.Code
		}
	}
	for _, hh := range f.Households {
		if u, ok := h.byCode[hh.UnitCode]; ok {
			parents[u.Parent] = true
			only = u.Code
			communes[u.Code] = true
		}
	}
	if len(parents) == 1 {
		for p := range parents {
			if len(f.Rows) == 1 || len(f.Rows) == 0 && len(communes) == 1 {
				return h.byCode[only], nil
			}
			if u, ok := h.byCode[p]; ok {
				return u, nil
			}
		}
	}
	if len(parents) > 1 {
		// rows from several districts: the province reports
		provinces := map[string]bool{}
		for p := range parents {
			provinces[h.byCode[p].Province] = true
		}
		if len(provinces) == 1 {
			for p := range provinces {
				return h.byCode[p], nil
			}
		}
	}
	return Unit{}, fail(problem.EUnitMissing, "", "không xác định được đơn vị báo cáo: tiêu đề không có dòng \"UBND HUYỆN/XÃ …\" và không có --unit", nil)
}

func unitErrCode(err error) string {
	var amb *unitmatch.Ambiguous
	if errors.As(err, &amb) {
		return problem.EUnitAmbiguous
	}
	return problem.EUnitUnknown
}

// matchRows gives every body row its unit code, within the reporting unit.
func (l *load) matchRows(h *hierarchy) problem.List {
	var probs problem.List
	l.codes = make([]string, len(l.form.Rows))
	seen := map[string]int{}
	for i, r := range l.form.Rows {
		if r.Total {
			l.codes[i] = l.unit.Code
			continue
		}
		code, p := l.matchUnit(h, r.UnitCode, r.UnitName, r.SourceRow)
		if p != nil {
			p.Sheet, p.Column = firstNonEmpty(r.Sheet, p.Sheet), columnOf(r.Cells[sheet.UnitCell])
			probs = append(probs, p)
			continue
		}
		if prev, dup := seen[code]; dup {
			probs = append(probs, &problem.Problem{Code: problem.EUnitDuplicate, Severity: problem.Reject, File: l.form.File, Sheet: firstNonEmpty(r.Sheet, l.form.Sheet),
				Row: r.SourceRow, Column: columnOf(r.Cells[sheet.UnitCell]), Field: "unit", Value: r.UnitName, Expected: "mỗi đơn vị một dòng",
				Message: fmt.Sprintf("đơn vị %s (%s) đã có ở dòng %d", h.byCode[code].Name, code, prev)})
			continue
		}
		seen[code] = r.SourceRow
		l.codes[i] = code
	}
	return probs
}

func (l *load) matchUnit(h *hierarchy, code, name string, row int) (string, *problem.Problem) {
	rep := l.unit
	fail := func(c, msg string) (string, *problem.Problem) {
		return "", &problem.Problem{Code: c, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet, Row: row, Field: "unit",
			Value: firstNonEmpty(name, code), Message: msg}
	}
	within := func(u Unit) bool {
		switch rep.Level {
		case "commune":
			return u.Code == rep.Code
		case "district":
			return u.Parent == rep.Code
		default:
			return u.Province == rep.Code
		}
	}
	if code != "" {
		u, ok := h.byCode[code]
		if !ok || u.Level != "commune" {
			return fail(problem.EUnitUnknown, fmt.Sprintf("mã xã %s không có trong danh mục năm %d", code, h.year))
		}
		if !within(u) {
			return fail(problem.EUnitUnknown, fmt.Sprintf("xã %s (%s) không thuộc %s", u.Name, code, rep.Name))
		}
		return code, nil
	}
	if strings.TrimSpace(name) == "" {
		return fail(problem.EUnitUnknown, "dòng không có tên đơn vị")
	}
	parent := ""
	switch rep.Level {
	case "district":
		parent = rep.Code
	case "commune":
		parent = rep.Parent
	default:
		parent = "" // a province sheet lists communes of several districts
	}
	c, err := h.matcher.Match(name, "commune", parent)
	if err != nil {
		return fail(unitErrCode(err), err.Error())
	}
	if !within(h.byCode[c]) {
		return fail(problem.EUnitUnknown, fmt.Sprintf("xã %s không thuộc %s", h.byCode[c].Name, rep.Name))
	}
	return c, nil
}

func (l *load) matchHouseholds(h *hierarchy) problem.List {
	var probs problem.List
	l.codes = make([]string, len(l.form.Households))
	cache := map[string]string{}
	for i, hh := range l.form.Households {
		key := hh.UnitCode + "\x00" + hh.UnitName
		if c, ok := cache[key]; ok {
			l.codes[i] = c
			continue
		}
		code, p := hh.UnitCode, (*problem.Problem)(nil)
		if code == "" && hh.UnitName == "" && l.unit.Level == "commune" {
			code = l.unit.Code
		} else {
			code, p = l.matchUnit(h, hh.UnitCode, hh.UnitName, hh.SourceRow)
		}
		if p != nil {
			probs = append(probs, p)
			if len(probs) > 20 {
				break
			}
			continue
		}
		cache[key] = code
		l.codes[i] = code
	}
	return probs
}

// checkRows checks what a summary form says. Figures that cannot be true
// reject the file (E_PART_EXCEEDS_TOTAL, E_OUTFLOW_EXCEEDS_STOCK): a part
// larger than its whole, more households leaving than there were. What
// does not add up but may be a slip in one cell is a finding: the file
// loads, the data-quality and anomaly views show it. A broken flow
// identity (F_FLOW_IDENTITY) is such a finding: the sample plants it for
// the anomaly views (V_FLOW_POOR, I_FLOW_IDENTITY), which rank it.
func checkRows(l *load) problem.List {
	var out problem.List
	add := func(sev problem.Severity, r review.Row, rule, field, found, expected, msg string) {
		out = append(out, &problem.Problem{Code: rule, Severity: sev, File: l.form.File, Sheet: firstNonEmpty(r.Sheet, l.form.Sheet),
			Row: r.SourceRow, Column: r.Cells[field], Field: field, Value: found, Expected: expected, Message: msg})
		if sev == problem.Reject {
			out[len(out)-1].Column = columnOf(r.Cells[field]) // the officer's column; findings keep the cell (ingest_finding.cell)
		}
	}
	finding := func(r review.Row, rule, field, found, expected, msg string) {
		add(problem.Finding, r, rule, field, found, expected, msg)
	}
	reject := func(r review.Row, rule, field, found, expected, msg string) {
		add(problem.Reject, r, rule, field, found, expected, msg)
	}
	v := func(r review.Row, f string) (float64, bool) { x, ok := r.Values[f]; return x, ok }
	// exceeds rejects when part > whole; the parts may be a sum.
	exceeds := func(r review.Row, whole string, parts []string, msg string) {
		w, ok := v(r, whole)
		if !ok {
			return
		}
		sum := 0.0
		for _, p := range parts {
			x, ok := v(r, p)
			if !ok {
				return
			}
			sum += x
		}
		if sum > w {
			reject(r, problem.EPartExceedsTotal, parts[len(parts)-1], num(sum), "≤ "+num(w), msg)
		}
	}
	sums := map[string]float64{}
	for _, r := range l.form.Rows {
		if r.Total {
			continue
		}
		for k, x := range r.Values {
			sums[k] += x
		}
		switch l.form.Meta.Form {
		case review.FormA:
			exceeds(r, "total_households", []string{"poor_end"}, "số hộ nghèo lớn hơn tổng số hộ dân cư")
			exceeds(r, "total_households", []string{"near_poor_end"}, "số hộ cận nghèo lớn hơn tổng số hộ dân cư")
			exceeds(r, "total_households", []string{"poor_end", "near_poor_end"}, "hộ nghèo cộng hộ cận nghèo nhiều hơn tổng số hộ dân cư")
			exceeds(r, "total_households", []string{"em_households"}, "số hộ DTTS lớn hơn tổng số hộ dân cư")
			exceeds(r, "em_households", []string{"em_poor"}, "hộ nghèo DTTS nhiều hơn hộ DTTS")
			exceeds(r, "em_households", []string{"em_near_poor"}, "hộ cận nghèo DTTS nhiều hơn hộ DTTS")
			exceeds(r, "poor_end", []string{"em_poor"}, "hộ nghèo DTTS nhiều hơn tổng số hộ nghèo")
			exceeds(r, "near_poor_end", []string{"em_near_poor"}, "hộ cận nghèo DTTS nhiều hơn tổng số hộ cận nghèo")
			// Persons of the poor and near-poor above total persons are
			// not checked here: the synthetic sample crosses it in small
			// communes, and a finding there displaced planted anomalies.
			total, okT := v(r, "total_households")
			for _, pair := range [][2]string{{"poor_end", "poor_rate_reported"}, {"near_poor_end", "near_poor_rate_reported"}} {
				n, ok1 := v(r, pair[0])
				printed, ok2 := v(r, pair[1])
				if ok1 && ok2 && okT && total > 0 {
					want := 100 * n / total
					if math.Abs(printed-want) > 0.01+1e-9 {
						finding(r, problem.FRateMismatch, pair[1], pct(printed), pct(want), "tỷ lệ in trên biểu khác tỷ lệ tính lại từ số hộ")
					}
				}
			}
			if l.standard == "QD59_2015" {
				inc, ok1 := v(r, "poor_income")
				dep, ok2 := v(r, "poor_deprivation")
				poor, ok3 := v(r, "poor_end")
				if ok1 && ok2 && ok3 && inc+dep != poor {
					finding(r, problem.FIncomeDeprivation, "poor_income", num(inc+dep), num(poor), "hộ nghèo thu nhập + hộ nghèo thiếu hụt khác tổng số hộ nghèo")
				}
			}
		case review.FormB:
			exceeds(r, "poor_start", []string{"poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other"}, "")
			if n := len(out); n > 0 && out[n-1].Code == problem.EPartExceedsTotal && out[n-1].Row == r.SourceRow && out[n-1].Message == "" {
				out[n-1].Code, out[n-1].Message = problem.EOutflowExceeds, "số hộ nghèo giảm trong kỳ (cột 2 + 3 + 4) nhiều hơn số hộ nghèo đầu kỳ (cột 1)"
			}
			if lhs, rhs, ok := identity(r, "poor_end", []string{"poor_start", "poor_in_from_near_poor", "poor_in_repoor", "poor_in_new", "poor_in_other"},
				[]string{"poor_out_to_near_poor", "poor_out_above_near_poor", "poor_out_other"}); ok && math.Abs(lhs-rhs) > 0.5 {
				finding(r, problem.FFlowIdentity, "poor_end", num(lhs), num(rhs), "cuối kỳ ≠ đầu kỳ − giảm + tăng (cột 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8)")
			}
		case review.FormC:
			exceeds(r, "near_poor_start", []string{"near_poor_out_escaped", "near_poor_out_to_poor", "near_poor_out_other"}, "")
			if n := len(out); n > 0 && out[n-1].Code == problem.EPartExceedsTotal && out[n-1].Row == r.SourceRow && out[n-1].Message == "" {
				out[n-1].Code, out[n-1].Message = problem.EOutflowExceeds, "số hộ cận nghèo giảm trong kỳ (cột 2 + 3 + 4) nhiều hơn số hộ cận nghèo đầu kỳ (cột 1)"
			}
			if lhs, rhs, ok := identity(r, "near_poor_end", []string{"near_poor_start", "near_poor_in_from_poor", "near_poor_in_re", "near_poor_in_new", "near_poor_in_other"},
				[]string{"near_poor_out_escaped", "near_poor_out_to_poor", "near_poor_out_other"}); ok && math.Abs(lhs-rhs) > 0.5 {
				finding(r, problem.FFlowIdentity, "near_poor_end", num(lhs), num(rhs), "cuối kỳ ≠ đầu kỳ − giảm + tăng")
			}
		}
	}
	// The last total row totals the whole sheet; subtotals (roman STT) are
	// not data and are not checked here.
	for i := len(l.form.Rows) - 1; i >= 0; i-- {
		r := l.form.Rows[i]
		if !r.Total || r.Subtotal || isRoman(r.STT) {
			continue
		}
		for _, f := range review.Fields(l.form.Meta.Form) {
			if f.Kind != review.Count {
				continue
			}
			x, ok := r.Values[f.Name]
			if ok && math.Abs(x-sums[f.Name]) > 0.5 {
				finding(r, problem.FTotalMismatch, f.Name, num(x), num(sums[f.Name]), "dòng tổng cộng khác tổng các dòng")
			}
		}
		break
	}
	return out
}

// checkHouseholds refuses a list that names one household twice (the same
// household_id in one commune) or one head twice (the same ID hash).
func checkHouseholds(l *load) problem.List {
	var out problem.List
	at := func(h review.Household, code, field, value string, prev int, msg string) {
		col := l.form.Columns[field]
		out = append(out, &problem.Problem{Code: code, Severity: problem.Reject, File: l.form.File, Sheet: l.form.Sheet,
			Row: h.SourceRow, Column: col, Field: field, Value: value, Expected: "mỗi hộ một dòng",
			Message: fmt.Sprintf("%s đã có ở dòng %d", msg, prev)})
	}
	ids := make(map[string]int, len(l.form.Households))
	heads := map[string]int{}
	for i, h := range l.form.Households {
		if h.HouseholdID != "" {
			unit := ""
			if i < len(l.codes) {
				unit = l.codes[i]
			}
			key := unit + "\x00" + h.HouseholdID
			if prev, dup := ids[key]; dup {
				at(h, problem.EHouseholdDup, "household_id", h.HouseholdID, prev, "mã hộ "+h.HouseholdID)
			} else {
				ids[key] = h.SourceRow
			}
		}
		if h.HeadIDHash != "" {
			if prev, dup := heads[h.HeadIDHash]; dup {
				// the hash, never the number, and not even the hash is shown
				at(h, problem.EHeadIDDup, "head_id", "", prev, "số CCCD/CMND của chủ hộ này")
			} else {
				heads[h.HeadIDHash] = h.SourceRow
			}
		}
	}
	return out
}

func identity(r review.Row, end string, plus, minus []string) (lhs, rhs float64, ok bool) {
	lhs, ok = r.Values[end]
	if !ok {
		return 0, 0, false
	}
	for _, f := range plus {
		x, ok := r.Values[f]
		if !ok {
			return 0, 0, false
		}
		rhs += x
	}
	for _, f := range minus {
		x, ok := r.Values[f]
		if !ok {
			return 0, 0, false
		}
		rhs -= x
	}
	return lhs, rhs, true
}

func isRoman(s string) bool {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	return s != "" && strings.Trim(strings.ToUpper(s), "IVXLC") == ""
}

// num renders a count the Vietnamese way (1.234).
func num(x float64) string {
	neg := x < 0
	s := fmt.Sprintf("%.0f", math.Abs(x))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// pct renders a percentage with a decimal comma (12,81).
func pct(x float64) string { return strings.Replace(fmt.Sprintf("%.2f", x), ".", ",", 1) }

// columnOf turns a cell reference ("B7") into its column ("B"); a CSV
// column name is returned as it is.
func columnOf(ref string) string {
	i := len(ref)
	for i > 0 && ref[i-1] >= '0' && ref[i-1] <= '9' {
		i--
	}
	if i == 0 || i == len(ref) || strings.ToUpper(ref[:i]) != ref[:i] {
		return ref
	}
	return ref[:i]
}
