package dashboards

import (
	"fmt"
	"strconv"

	"rasoat/query"
)

// dashView is what dashboard.html shows. Every string is placed by
// html/template (escaped); every chart option is data, JSON-encoded by the
// template into a <script type="application/json"> block.
type dashView struct {
	Synthetic                  bool
	ProvinceCode, ProvinceName string
	Provinces                  []provinceOption
	Years, Standards, Stages   []choice
	State                      dashState
	StateLine                  string // "Năm 2024 · Chuẩn NĐ 07/2021 · Số liệu được tính"
	NotCounted                 bool

	Unit       query.UnitFigures
	LevelLabel string
	Crumbs     []crumb
	Missing    string

	KPIs     []kpi
	Verdicts *dtable

	Trend       *dtable
	TrendOption map[string]any

	Flow       *dtable
	FlowOption map[string]any
	FlowNote   string

	ChildLevelLabel string
	Children        *dtable
	ChildrenOption  map[string]any
	ChildrenHeight  int

	Map          *dtable
	MapOption    map[string]any
	MapLayer     string // "" when no loaded layer has these units
	MapRateURL   string
	MapReduceURL string
	MapIsRate    bool

	DrillBase   string // URL of this state with unit= last, for the charts' clicks
	ExportQuery string
	GeneratedAt string
	Asset       map[string]string
}

type crumb struct {
	Name, URL string
}

type kpi struct {
	ID, Title, Value, Sub string
	Status, StatusClass   string
}

// Tables lists every table of the page (each one exportable).
func (v *dashView) Tables() []*dtable {
	var out []*dtable
	for _, t := range []*dtable{v.Verdicts, v.Trend, v.Flow, v.Children, v.Map} {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

func levelName(level string) string {
	switch level {
	case "province":
		return "tỉnh"
	case "district":
		return "huyện"
	}
	return "xã"
}

var measureLabels = map[string]string{
	"poor_rate_reduction_pp":          "Giảm tỷ lệ hộ nghèo (điểm %/năm)",
	"em_poor_rate_reduction_pp":       "Giảm tỷ lệ hộ nghèo DTTS (điểm %/năm)",
	"multidim_relative_reduction_pct": "Giảm số hộ nghèo và cận nghèo so với đầu kỳ (%)",
}

func verdictClass(status string) string {
	switch status {
	case "exceeded":
		return "exceeds"
	case "met":
		return "meets"
	case "missed":
		return "misses"
	}
	return "na"
}

func (s *server) dashView(st dashState, provs []query.Province, d *query.Dashboard) *dashView {
	v := &dashView{
		Synthetic: d.Synthetic, ProvinceCode: d.ProvinceCode, ProvinceName: d.ProvinceName,
		State: st, Unit: d.Unit, LevelLabel: levelName(d.Unit.Level), Missing: d.UnitMissing,
		NotCounted:  d.Stage != "",
		GeneratedAt: fmtDateTime(s.now()),
		Asset: map[string]string{
			"css": s.assets["app.css"].etag, "js": s.assets["app.js"].etag, "dash": s.assets["dash.js"].etag, "dashcss": s.assets["dash.css"].etag,
			"echarts": s.assets["vendor/echarts/echarts.min.js"].etag,
		},
	}
	// the state as shown (resolved defaults made explicit in links)
	cur := dashState{Province: d.ProvinceCode, Year: d.Year, Standard: d.Standard, Stage: d.Stage, Unit: d.Unit.Code, Map: st.Map}
	if d.Unit.Level == "province" {
		cur.Unit = ""
	}
	link := func(mod func(*dashState)) string {
		x := cur
		mod(&x)
		return dashPath + "?" + x.values().Encode()
	}
	for _, p := range provs {
		v.Provinces = append(v.Provinces, provinceOption{Code: p.Code, Name: p.Name, LatestYear: p.LatestYear, Selected: p.Code == d.ProvinceCode})
	}
	for _, y := range d.Years {
		v.Years = append(v.Years, choice{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == d.Year})
	}
	for _, sd := range d.Standards {
		v.Standards = append(v.Standards, choice{Value: sd, Label: standardLabel(sd), Selected: sd == d.Standard})
	}
	v.Stages = append(v.Stages, choice{Value: "", Label: "Số liệu được tính", Selected: d.Stage == ""})
	for _, sg := range d.Stages {
		v.Stages = append(v.Stages, choice{Value: sg, Label: stageLabel(sg), Selected: sg == d.Stage})
	}
	stage := "số liệu được tính"
	if d.Stage != "" {
		stage = "giai đoạn " + stageLabel(d.Stage)
	}
	v.StateLine = fmt.Sprintf("Năm %d · Chuẩn nghèo %s · %s", d.Year, standardLabel(d.Standard), stage)
	if d.IsBaseline {
		v.StateLine += " · năm gốc"
	}
	for _, p := range d.Path {
		code := p.Code
		if p.Level == "province" {
			code = ""
		}
		v.Crumbs = append(v.Crumbs, crumb{Name: p.Name, URL: link(func(x *dashState) { x.Unit = code })})
	}
	drill := cur
	drill.Unit = ""
	q := drill.values()
	v.DrillBase = dashPath + "?" + q.Encode()
	if len(q) > 0 {
		v.DrillBase += "&"
	}
	v.DrillBase += "unit="
	ex := cur.values()
	v.ExportQuery = ex.Encode()

	u := d.Unit
	v.KPIs = []kpi{
		{ID: "kpi-poor-rate", Title: "Tỷ lệ hộ nghèo", Value: optPct(u.PoorRate), Sub: fmt.Sprintf("%s / %s hộ", fmtInt(u.Poor), fmtInt(u.Households))},
		{ID: "kpi-near-poor-rate", Title: "Tỷ lệ hộ cận nghèo", Value: optPct(u.NearPoorRate), Sub: fmtInt(u.NearPoor) + " hộ cận nghèo"},
		{ID: "kpi-multidim-rate", Title: "Tỷ lệ nghèo đa chiều", Value: optPct(u.MultidimRate), Sub: "(hộ nghèo + hộ cận nghèo) / tổng số hộ"},
		{ID: "kpi-em-poor-rate", Title: "Tỷ lệ hộ nghèo DTTS", Value: optPct(u.EMPoorRate), Sub: fmt.Sprintf("%s / %s hộ dân tộc thiểu số", optCount(u.EMPoor), optCount(u.EMHouseholds))},
	}
	red := kpi{ID: "kpi-reduction", Title: "Giảm nghèo so với năm trước", Value: "không so sánh được", Sub: "Năm gốc, địa giới thay đổi hoặc thiếu năm trước"}
	if u.ReductionPP != nil {
		red.Value = fmtPP(u.ReductionPP) + " điểm %"
		red.Sub = fmt.Sprintf("So với năm %d, cùng chuẩn", d.Year-1)
		if u.Restated {
			red.Sub += "; năm trước quy đổi theo đơn vị mới"
		}
	}
	for _, t := range u.Targets {
		if t.Measure == "poor_rate_reduction_pp" {
			red.Status, red.StatusClass = t.StatusVI, verdictClass(t.Status)
		}
	}
	v.KPIs = append(v.KPIs, red)

	v.Verdicts = verdictTable(u)
	v.Trend, v.TrendOption = trendTable(d)
	v.Flow, v.FlowOption, v.FlowNote = flowTable(u)
	v.ChildLevelLabel = levelName(d.ChildLevel)
	if len(d.Children) > 0 {
		v.Children, v.ChildrenOption = childrenTable(d, func(code string) string {
			return link(func(x *dashState) { x.Unit = code })
		})
		v.ChildrenHeight = rankingHeight(len(d.Children))
		codes := make([]string, len(d.Children))
		for i, c := range d.Children {
			codes[i] = c.Code
		}
		if l := s.geo.Best(codes); l != nil {
			v.MapLayer = l.ID
		}
		v.MapIsRate = st.Map != "reduction"
		v.Map, v.MapOption = mapTable(d, v.MapLayer, v.MapIsRate)
		v.MapRateURL = link(func(x *dashState) { x.Map = "" })
		v.MapReduceURL = link(func(x *dashState) { x.Map = "reduction" })
	}
	for _, t := range v.Tables() {
		t.Q = v.ExportQuery
	}
	return v
}

func optPct(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmtPct(*p)
}

func optCount(p *int64) string {
	if p == nil {
		return "—"
	}
	return fmtInt(*p)
}

func verdictTable(u query.UnitFigures) *dtable {
	t := &dtable{ID: "chi-tieu", Title: "Chỉ tiêu giảm nghèo và kết quả thực hiện", Cols: []dcol{
		{"Chỉ tiêu", kText}, {"Mục tiêu tối thiểu", kPP}, {"Mục tiêu tối đa", kPP}, {"Thực hiện", kPP},
		{"Đánh giá", kText}, {"Bình quân giai đoạn", kPP}, {"Đánh giá giai đoạn", kText}, {"Chỉ tiêu của", kText},
	}}
	for _, tv := range u.Targets {
		label := measureLabels[tv.Measure]
		if label == "" {
			label = tv.Measure
		}
		owner := "riêng của đơn vị"
		if tv.DefaultTarget {
			owner = "chung toàn quốc"
		}
		t.Rows = append(t.Rows, []dcell{txt(label), num(fnum(tv.Min), kPP), num(tv.Max, kPP), num(tv.Actual, kPP),
			txt(tv.StatusVI), num(tv.PeriodAvgPP, kPP), txt(tv.PeriodStatusVI), txt(owner)})
	}
	return t
}

// trendTable: one point per counted (year, standard); the chart draws the
// poor, multidimensional and ethnic-minority rates.
func trendTable(d *query.Dashboard) (*dtable, map[string]any) {
	t := &dtable{ID: "xu-huong", Title: "Tỷ lệ hộ nghèo, nghèo đa chiều và nghèo DTTS qua các năm", Cols: []dcol{
		{"Năm", kText}, {"Chuẩn nghèo", kText}, {"Năm gốc", kText}, {"Quy đổi theo đơn vị mới", kText},
		{"Tổng số hộ", kCount}, {"Hộ nghèo", kCount}, {"Hộ cận nghèo", kCount},
		{"Tỷ lệ hộ nghèo (%)", kRate}, {"Tỷ lệ nghèo đa chiều (%)", kRate}, {"Tỷ lệ hộ nghèo DTTS (%)", kRate},
	}}
	years := map[int]int{}
	for _, p := range d.Trend {
		years[p.Year]++
	}
	// One line per measure and standard (same colour and legend entry per
	// measure), so a change of standard is a break, never a jump along a line.
	var cats, stds []string
	seenStd := map[string]bool{}
	var baseline string
	for _, p := range d.Trend {
		restated := "không"
		if p.Restated {
			restated = "có"
			if !p.Complete {
				restated = "có (thiếu đơn vị tiền thân)"
			}
		}
		t.Rows = append(t.Rows, []dcell{txt(strconv.Itoa(p.Year)), txt(standardLabel(p.Standard)), txt(yesNo(p.IsBaseline)), txt(restated),
			num(fnum(p.Households), kCount), num(fnum(p.Poor), kCount), num(fnum(p.NearPoor), kCount),
			num(p.PoorRate, kRate), num(p.MultidimRate, kRate), num(p.EMPoorRate, kRate)})
		cat := strconv.Itoa(p.Year)
		if years[p.Year] > 1 {
			cat += " " + standardLabel(p.Standard)
		}
		if !seenStd[p.Standard] {
			seenStd[p.Standard] = true
			stds = append(stds, p.Standard)
			if len(cats) > 0 && baseline == "" {
				baseline = cat
			}
		}
		cats = append(cats, cat)
	}
	names := []string{"Tỷ lệ hộ nghèo", "Tỷ lệ nghèo đa chiều", "Tỷ lệ hộ nghèo DTTS"}
	colors := []string{"#34699a", "#2e8b57", "#d97706"}
	var ss []any
	for i, n := range names {
		for k, std := range stds {
			data := make([]any, len(d.Trend))
			for j, p := range d.Trend {
				data[j] = emptyValue
				r := []*float64{p.PoorRate, p.MultidimRate, p.EMPoorRate}[i]
				if c := num(r, kRate); c.Num != nil && p.Standard == std {
					data[j] = *c.Num
				}
			}
			s := map[string]any{"name": n, "type": "line", "data": data, "connectNulls": false, "symbolSize": 6,
				"itemStyle": map[string]any{"color": colors[i]}, "lineStyle": map[string]any{"color": colors[i]}}
			if i == 0 && k == 0 && baseline != "" {
				s["markLine"] = map[string]any{"symbol": []string{"none", "none"}, "silent": true,
					"label":     map[string]any{"formatter": "Đổi chuẩn", "position": "end"},
					"lineStyle": map[string]any{"type": "dashed", "color": "#888"},
					"data":      []any{map[string]any{"xAxis": baseline}}}
			}
			ss = append(ss, s)
		}
	}
	opt := map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "axis"},
		"legend":    map[string]any{"top": 0},
		"grid":      map[string]any{"left": 48, "right": 24, "top": 40, "bottom": 32, "containLabel": true},
		"xAxis":     map[string]any{"type": "category", "data": cats},
		"yAxis":     map[string]any{"type": "value", "name": "%", "min": 0},
		"series":    ss,
	}
	return t, opt
}

// flowTable: form B's poor households from the start of the review to its
// end, as a waterfall (a transparent base bar under each step).
func flowTable(u query.UnitFigures) (*dtable, map[string]any, string) {
	t := &dtable{ID: "bien-dong", Title: "Biến động hộ nghèo trong kỳ (biểu 02)", Cols: []dcol{
		{"Khoản mục", kText}, {"Tăng/giảm", kText}, {"Số hộ", kCount},
	}}
	f := u.Flow
	if f == nil {
		return t, nil, "Không có số liệu biến động (biểu 02) cho đơn vị và giai đoạn này."
	}
	type step struct {
		label string
		sign  int // 0 total, -1 exit, +1 entry
		n     int64
	}
	steps := []step{
		{"Hộ nghèo đầu kỳ", 0, f.PoorStart},
		{"Thoát nghèo, thành hộ cận nghèo", -1, f.OutToNearPoor},
		{"Thoát nghèo, vượt chuẩn cận nghèo", -1, f.OutAboveNearPoor},
		{"Giảm do lý do khác", -1, f.OutOther},
		{"Từ hộ cận nghèo rơi xuống", +1, f.InFromNearPoor},
		{"Tái nghèo", +1, f.InRepoor},
		{"Nghèo phát sinh mới", +1, f.InNew},
		{"Tăng do lý do khác", +1, f.InOther},
	}
	note := "Hộ nghèo đầu kỳ, trừ các hộ thoát nghèo, cộng các hộ nghèo mới, bằng hộ nghèo cuối kỳ."
	if g := f.Gap(); g != 0 {
		sign := -1
		if g > 0 {
			sign = +1
		}
		steps = append(steps, step{"Chênh lệch (biểu không cân)", sign, abs64(g)})
		note = fmt.Sprintf("Biểu 02 không cân: cuối kỳ lệch %s hộ so với đầu kỳ cộng trừ biến động.", fmtInt(g))
	}
	steps = append(steps, step{"Hộ nghèo cuối kỳ", 0, f.PoorEnd})
	var cats []string
	var base, vis []any
	level := int64(0)
	for _, s := range steps {
		dir := "tổng"
		color := "#34699a"
		switch s.sign {
		case 0:
			base = append(base, 0)
			level = s.n
		case -1:
			dir, color = "giảm", "#2e8b57"
			level -= s.n
			base = append(base, level)
		case +1:
			dir, color = "tăng", "#c0392b"
			base = append(base, level)
			level += s.n
		}
		t.Rows = append(t.Rows, []dcell{txt(s.label), txt(dir), cnt(s.n)})
		cats = append(cats, s.label)
		vis = append(vis, map[string]any{"value": s.n, "itemStyle": map[string]any{"color": color}})
	}
	opt := map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "item"},
		"grid":      map[string]any{"left": 8, "right": 64, "top": 24, "bottom": 8, "containLabel": true},
		"xAxis":     map[string]any{"type": "value", "name": "hộ"},
		"yAxis":     map[string]any{"type": "category", "data": cats, "inverse": true},
		"series": []any{
			map[string]any{"name": "nền", "type": "bar", "stack": "w", "silent": true, "data": base,
				"itemStyle": map[string]any{"color": "transparent"}, "tooltip": map[string]any{"show": false}},
			map[string]any{"name": "Số hộ", "type": "bar", "stack": "w", "data": vis,
				"label": map[string]any{"show": true, "position": "right"}},
		},
	}
	return t, opt, note
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func childrenTable(d *query.Dashboard, link func(code string) string) (*dtable, map[string]any) {
	lv := levelName(d.ChildLevel)
	t := &dtable{ID: "don-vi", Title: "Các " + lv + " theo tỷ lệ hộ nghèo", Cols: []dcol{
		{"Mã", kText}, {"Tên " + lv, kText}, {"Tổng số hộ", kCount}, {"Hộ nghèo", kCount},
		{"Tỷ lệ hộ nghèo (%)", kRate}, {"Tỷ lệ nghèo đa chiều (%)", kRate}, {"Tỷ lệ hộ nghèo DTTS (%)", kRate},
		{"Giảm nghèo (điểm %)", kPP}, {"Quy đổi năm trước", kText}, {"Chỉ tiêu giảm nghèo", kText},
	}}
	var names []string
	series := [3][]any{}
	for _, c := range d.Children {
		verdict := ""
		for _, tv := range c.Targets {
			if tv.Measure == "poor_rate_reduction_pp" {
				verdict = tv.StatusVI
			}
		}
		restated := ""
		if c.Restated {
			restated = "có"
		}
		name := txt(c.Name)
		name.URL = link(c.Code)
		t.Rows = append(t.Rows, []dcell{txt(c.Code), name, cnt(c.Households), cnt(c.Poor),
			num(c.PoorRate, kRate), num(c.MultidimRate, kRate), num(c.EMPoorRate, kRate),
			num(c.ReductionPP, kPP), txt(restated), txt(verdict)})
		names = append(names, c.Name)
		for i, r := range []*float64{c.PoorRate, c.MultidimRate, c.EMPoorRate} {
			var val any = emptyValue
			if x := num(r, kRate); x.Num != nil {
				val = *x.Num
			}
			series[i] = append(series[i], map[string]any{"value": val, "name": c.Name, "code": c.Code})
		}
	}
	labels := []string{"Tỷ lệ hộ nghèo", "Tỷ lệ nghèo đa chiều", "Tỷ lệ hộ nghèo DTTS"}
	var ss []any
	for i, l := range labels {
		ss = append(ss, map[string]any{"name": l, "type": "bar", "data": series[i],
			"label": map[string]any{"show": i == 0, "position": "right"}, "cursor": "pointer"})
	}
	opt := map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend": map[string]any{"top": 0, "selected": map[string]bool{
			labels[0]: true, labels[1]: false, labels[2]: false}},
		"grid":   map[string]any{"left": 8, "right": 56, "top": 32, "bottom": 24, "containLabel": true},
		"xAxis":  map[string]any{"type": "value", "name": "%", "min": 0},
		"yAxis":  map[string]any{"type": "category", "data": names, "inverse": true},
		"series": ss,
	}
	return t, opt
}

// mapTable: the choropleth's numbers, one row per unit below.
func mapTable(d *query.Dashboard, layer string, rate bool) (*dtable, map[string]any) {
	lv := levelName(d.ChildLevel)
	head, kind, title := "Tỷ lệ hộ nghèo (%)", kRate, "Bản đồ tỷ lệ hộ nghèo theo "+lv
	if !rate {
		head, kind, title = "Giảm nghèo (điểm %)", kPP, "Bản đồ giảm nghèo (điểm %) theo "+lv
	}
	t := &dtable{ID: "ban-do", Title: title, Cols: []dcol{{"Mã", kText}, {"Tên " + lv, kText}, {head, kind}}}
	var data []any
	lo, hi, any_ := 0.0, 0.0, false
	for _, c := range d.Children {
		v := c.PoorRate
		if !rate {
			v = c.ReductionPP
		}
		x := num(v, kind)
		t.Rows = append(t.Rows, []dcell{txt(c.Code), txt(c.Name), x})
		if x.Num == nil {
			continue
		}
		if !any_ || *x.Num < lo {
			lo = *x.Num
		}
		if !any_ || *x.Num > hi {
			hi = *x.Num
		}
		any_ = true
		data = append(data, map[string]any{"name": c.Code, "value": *x.Num, "unitName": c.Name})
	}
	if layer == "" {
		return t, nil
	}
	colors := []string{"#fff5e6", "#fdbb84", "#e34a33", "#7f0000"}
	if !rate {
		// a reduction below zero is poverty rising: red; above: green
		m := max(-lo, hi, 0.5)
		lo, hi = -m, m
		colors = []string{"#c0392b", "#f7f7f7", "#1a9850"}
	}
	if hi <= lo {
		hi = lo + 1
	}
	opt := map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "item"},
		"visualMap": map[string]any{"type": "continuous", "min": lo, "max": hi, "calculable": true,
			"left": 8, "bottom": 8, "text": []string{head, ""}, "inRange": map[string]any{"color": colors}},
		"series": []any{map[string]any{
			"name": head, "type": "map", "map": layer, "nameProperty": "code", "roam": true,
			"label": map[string]any{"show": false}, "data": data, "cursor": "pointer",
			"emphasis": map[string]any{"label": map[string]any{"show": false}},
		}},
	}
	return t, opt
}
